export { ApiError } from './request';
export { changePassword, currentUser, login, logout } from './auth';
export { listScenarios } from './scenarios';
export {
  createSession,
  endSession,
  getSession,
  joinSession,
  listSessionEvents,
  listSessions,
  reportHtmlUrl,
} from './sessions';
export type * from './types';
export { createModel, getModel, getStudy, listStudies } from './library';
export type { LibraryName, Model, ModelRequest, ModelStatus, Series, Study } from './library';
