import { ApiError, requestJson } from './request';
import type { LoginResult, User } from './types';

export function login(username: string, password: string): Promise<LoginResult> {
  return requestJson<LoginResult>('POST', '/api/login', { username, password });
}

export async function logout(): Promise<void> {
  await requestJson<void>('POST', '/api/logout');
}

/** The logged-in user, or null when there is no valid login. */
export async function currentUser(): Promise<User | null> {
  try {
    return await requestJson<User>('GET', '/api/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/**
 * Changes the caller's password; the server ends every other login and
 * answers with a fresh one (the cookie is replaced).
 */
export function changePassword(currentPassword: string, newPassword: string): Promise<LoginResult> {
  return requestJson<LoginResult>('POST', '/api/me/password', {
    current_password: currentPassword,
    new_password: newPassword,
  });
}
