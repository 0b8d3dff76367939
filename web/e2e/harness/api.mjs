// The REST calls cases make besides what they do through the page, with the
// logged-in page's cookies. Writes carry the page's Origin, as the page
// itself would send them: the server refuses cookie-authenticated writes
// from anywhere else.

/** POST /api/sessions; resolves with the new session's id. `kind` omitted: the sandbox. */
export async function createSession(page, server, { title, kind }) {
  const data = kind === undefined ? { title } : { title, kind };
  const created = await page.request.post(`${server.base}/api/sessions`, { headers: { Origin: server.base }, data });
  if (created.status() !== 201) throw new Error(`POST /api/sessions answered ${created.status()}: ${await created.text()}`);
  return (await created.json()).id;
}

/** POST /api/users (admins only). */
export async function createUser(page, server, { username, password, role }) {
  const made = await page.request.post(`${server.base}/api/users`, {
    headers: { Origin: server.base },
    data: { username, password, role },
  });
  if (made.status() !== 201) throw new Error(`creating the ${role} answered ${made.status()}: ${await made.text()}`);
}

/** Every event of the session so far. */
export async function sessionEvents(page, server, sessionId) {
  const response = await page.request.get(`${server.base}/api/sessions/${encodeURIComponent(sessionId)}/events?limit=10000`);
  if (response.status() !== 200) throw new Error(`GET events answered ${response.status()}: ${await response.text()}`);
  const body = await response.json();
  const events = Array.isArray(body) ? body : body.events;
  if (!Array.isArray(events)) throw new Error(`GET events did not return a list: ${JSON.stringify(body).slice(0, 200)}`);
  return events;
}

/** The payload of the last INPUT the server logged. */
export async function lastInput(page, server, sessionId) {
  const last = (await sessionEvents(page, server, sessionId)).filter((e) => e.type === 'input').at(-1);
  if (last === undefined) throw new Error('the server has no INPUT from the headset');
  return last.payload;
}

/** POST /api/login without a browser; resolves with the login token (for `Authorization: Bearer`). */
export async function logIn(server, { username, password }) {
  const response = await fetch(`${server.base}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: server.base },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`POST /api/login as ${username} answered ${response.status}: ${await response.text()}`);
  return (await response.json()).token;
}

/**
 * Ends every session still running (an admin's token sees them all). A
 * session steps its simulation until it ends or idles out (15 minutes), so
 * one a case left running would slow every case after it.
 */
export async function endRunningSessions(server, adminToken) {
  const headers = { Authorization: `Bearer ${adminToken}`, Origin: server.base };
  const listed = await fetch(`${server.base}/api/sessions`, { headers });
  if (listed.status !== 200) throw new Error(`GET /api/sessions answered ${listed.status}: ${await listed.text()}`);
  const body = await listed.json();
  const running = (Array.isArray(body) ? body : body.sessions).filter((s) => s.status === 'running');
  for (const { id } of running) {
    const ended = await fetch(`${server.base}/api/sessions/${encodeURIComponent(id)}/end`, { method: 'POST', headers });
    if (ended.status !== 200) throw new Error(`POST /api/sessions/${id}/end answered ${ended.status}: ${await ended.text()}`);
  }
  return running.length;
}
