import { requestJson } from './request';
import type { MetricSpec, ModuleInput, ServedActionSpec, ServedModule } from './types';

/**
 * The modules this server runs (GET /api/modules). Rejects with ApiError
 * like every call; a server older than the route answers 404.
 */
export async function listModules(): Promise<ServedModule[]> {
  return parseModules(await requestJson<unknown>('GET', '/api/modules'));
}

/** The served list as the client uses it: entries without an id are dropped, missing lists are empty. */
export function parseModules(body: unknown): ServedModule[] {
  if (!Array.isArray(body)) return [];
  const out: ServedModule[] = [];
  for (const item of body as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const m = item as Record<string, unknown>;
    if (typeof m['id'] !== 'string' || m['id'] === '') continue;
    out.push({
      id: m['id'],
      title: typeof m['title'] === 'string' && m['title'] !== '' ? m['title'] : m['id'],
      description: typeof m['description'] === 'string' ? m['description'] : '',
      judgement: typeof m['judgement'] === 'string' ? m['judgement'] : '',
      openRoom: m['open_room'] === true,
      projections: strings(m['projections']),
      inputs: objects(m['inputs'], 'name').map(
        (i): ModuleInput => ({
          name: i['name'] as string,
          rateHz: typeof i['rate_hz'] === 'number' ? i['rate_hz'] : 0,
          description: typeof i['description'] === 'string' ? i['description'] : '',
        }),
      ),
      actions: objects(m['actions'], 'name') as unknown as ServedActionSpec[],
      metrics: objects(m['metrics'], 'name') as unknown as MetricSpec[],
      lateJoinerEvents: strings(m['late_joiner_events']),
    });
  }
  return out;
}

function strings(list: unknown): string[] {
  return Array.isArray(list) ? (list as unknown[]).filter((s): s is string => typeof s === 'string') : [];
}

/** The entries of a list that are objects with a string `key`. */
function objects(list: unknown, key: string): Record<string, unknown>[] {
  if (!Array.isArray(list)) return [];
  return (list as unknown[]).filter(
    (o): o is Record<string, unknown> => typeof o === 'object' && o !== null && typeof (o as Record<string, unknown>)[key] === 'string',
  );
}
