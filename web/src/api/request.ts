/** An API call that failed; `message` is the server's own explanation. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Calls a JSON route on the same origin (the mv_token cookie goes along).
 * Resolves with the parsed body (undefined for 204); rejects with ApiError
 * carrying the server's `error` text.
 */
export async function requestJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers = { Accept: 'application/json', 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiError(`Cannot reach the server (${describe(cause)})`, 0, 'unavailable');
  }
  const text = await response.text();
  if (!response.ok) throw errorFrom(response, text);
  if (text.length === 0) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(`The server sent a response that is not JSON (${method} ${path})`, response.status, 'internal');
  }
}

function errorFrom(response: Response, text: string): ApiError {
  let message = '';
  let code: string | null = null;
  try {
    const parsed = JSON.parse(text) as { error?: unknown; code?: unknown };
    if (typeof parsed.error === 'string') message = parsed.error;
    if (typeof parsed.code === 'string') code = parsed.code;
  } catch {
    // Not JSON (a proxy page, for instance): fall back to the status line.
  }
  if (message === '') message = `${response.status} ${response.statusText}`.trim();
  const retryAfter = response.headers.get('Retry-After');
  if (response.status === 429 && retryAfter !== null && !message.includes(retryAfter)) {
    message = `${message} (try again in ${retryAfter} s)`;
  }
  return new ApiError(message, response.status, code);
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
