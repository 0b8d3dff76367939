// JSON shapes of docs/api.md.

export type Role = 'trainee' | 'instructor' | 'clinician' | 'patient' | 'admin';

export interface User {
  id: string | number;
  username: string;
  display_name?: string | null;
  role: Role;
  disabled: boolean;
  must_change_password: boolean;
  created_at: string;
}

export interface LoginResult {
  token: string;
  expires_at: string;
  user: User;
}

export type SessionStatus = 'running' | 'ended' | 'ended_abnormally';

export interface Session {
  id: string | number;
  title: string;
  kind: string;
  status: SessionStatus;
  created_by: string | number;
  seed: number | string;
  created_at: string;
  ended_at: string | null;
}

export interface JoinResult {
  websocket: string;
}
