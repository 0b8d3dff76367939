import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './request';
import { acceptInvite, addMember, createInvite, listMembers } from './sessions';

// Requests as docs/api.md specifies the membership routes, answered as the
// server answers them.
interface Call {
  url: string;
  method: string;
  body: unknown;
}

function serve(status: number, body: unknown): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET', body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined });
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  });
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('session membership client', () => {
  it('makes an invite code for participants, ten uses by default', async () => {
    const calls = serve(201, { code: 'abc', session_id: 'ses_1', role: 'participant', max_uses: 10, expires_at: '2026-12-14T00:00:00.000Z' });
    const invite = await createInvite('ses_1');
    expect(calls).toEqual([{ url: '/api/sessions/ses_1/invites', method: 'POST', body: { role: 'participant', max_uses: 10 } }]);
    expect(invite.code).toBe('abc');
  });

  it('joins with a code, trimming what was pasted', async () => {
    const calls = serve(200, { id: 'ses_1', title: 'Megacode', kind: 'emergency/acls-vf', status: 'running' });
    const session = await acceptInvite('  abc \n');
    expect(calls[0]).toEqual({ url: '/api/invites/accept', method: 'POST', body: { code: 'abc' } });
    expect(session.title).toBe('Megacode');
  });

  it('says why a used-up code is refused', async () => {
    serve(409, { error: 'this invite code has been used up', code: 'conflict' });
    await expect(acceptInvite('abc')).rejects.toEqual(new ApiError('this invite code has been used up', 409, 'conflict'));
  });

  it('lists and adds members by username, escaping the session id', async () => {
    let calls = serve(200, []);
    await listMembers('ses/1');
    expect(calls[0]?.url).toBe('/api/sessions/ses%2F1/members');
    calls = serve(200, [{ user_id: 'usr_2', username: 'tess', role: 'observer' }]);
    const members = await addMember('ses_1', 'tess', 'observer');
    expect(calls[0]).toEqual({ url: '/api/sessions/ses_1/members', method: 'POST', body: { username: 'tess', role: 'observer' } });
    expect(members[0]?.role).toBe('observer');
  });
});
