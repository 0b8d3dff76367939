import { requestJson } from './request';
import type { JoinResult, NewSession, Session, SessionInvite, SessionMember, StoredEvent } from './types';

export async function listSessions(): Promise<Session[]> {
  // docs/api.md says "sessions, newest first"; accept a bare array or {sessions: [...]}.
  const body = await requestJson<Session[] | { sessions: Session[] }>('GET', '/api/sessions');
  return Array.isArray(body) ? body : body.sessions;
}

/** Creates a session: a plain title makes a sandbox, as before. */
export function createSession(request: string | NewSession): Promise<Session> {
  const body = typeof request === 'string' ? { title: request } : request;
  return requestJson<Session>('POST', '/api/sessions', body);
}

export function getSession(id: string): Promise<Session> {
  return requestJson<Session>('GET', `/api/sessions/${encodeURIComponent(id)}`);
}

export function joinSession(id: string): Promise<JoinResult> {
  return requestJson<JoinResult>('POST', `/api/sessions/${encodeURIComponent(id)}/join`);
}

export function endSession(id: string): Promise<Session> {
  return requestJson<Session>('POST', `/api/sessions/${encodeURIComponent(id)}/end`);
}

/** The session's events after `after` (default 0), at most `limit`. */
export async function listSessionEvents(id: string, after = 0, limit = 1000): Promise<StoredEvent[]> {
  const query = `after=${encodeURIComponent(String(after))}&limit=${encodeURIComponent(String(limit))}`;
  return requestJson<StoredEvent[]>('GET', `/api/sessions/${encodeURIComponent(id)}/events?${query}`);
}

/** The debrief report page of an ended session with a clinical module. */
export function reportHtmlUrl(id: string): string {
  return `/api/sessions/${encodeURIComponent(id)}/report.html`;
}

/** The session's members. */
export function listMembers(id: string): Promise<SessionMember[]> {
  return requestJson<SessionMember[]>('GET', `/api/sessions/${encodeURIComponent(id)}/members`);
}

/** Adds a member by username (the creator and the session's instructors may). */
export function addMember(id: string, username: string, role = 'participant'): Promise<SessionMember[]> {
  return requestJson<SessionMember[]>('POST', `/api/sessions/${encodeURIComponent(id)}/members`, { username, role });
}

/** A new invite code for the session, to give to the people who should join. */
export function createInvite(id: string, role = 'participant', maxUses = 10): Promise<SessionInvite> {
  return requestJson<SessionInvite>('POST', `/api/sessions/${encodeURIComponent(id)}/invites`, {
    role,
    max_uses: maxUses,
  });
}

/** Joins a session with an invite code; resolves with the session. */
export function acceptInvite(code: string): Promise<Session> {
  return requestJson<Session>('POST', '/api/invites/accept', { code: code.trim() });
}
