export { ApiError } from './request';
export { changePassword, currentUser, login, logout } from './auth';
export { listModules } from './modules';
export { listScenarios } from './scenarios';
export {
  acceptInvite,
  addMember,
  createInvite,
  createSession,
  endSession,
  getSession,
  joinSession,
  listSessionEvents,
  listMembers,
  listSessions,
  reportHtmlUrl,
} from './sessions';
export type * from './types';
export { createModel, getModel, getStudy, listStudies } from './library';
export type { LibraryName, Model, ModelRequest, ModelStatus, Series, Study } from './library';
