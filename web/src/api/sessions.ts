import { requestJson } from './request';
import type { JoinResult, Session } from './types';

export async function listSessions(): Promise<Session[]> {
  // docs/api.md says "sessions, newest first"; accept a bare array or {sessions: [...]}.
  const body = await requestJson<Session[] | { sessions: Session[] }>('GET', '/api/sessions');
  return Array.isArray(body) ? body : body.sessions;
}

export function createSession(title: string): Promise<Session> {
  return requestJson<Session>('POST', '/api/sessions', { title });
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
