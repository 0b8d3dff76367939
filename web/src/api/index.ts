export { ApiError } from './request';
export { currentUser, login, logout } from './auth';
export { createSession, endSession, getSession, joinSession, listSessions } from './sessions';
export type * from './types';
