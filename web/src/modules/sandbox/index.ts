import type { ModuleUi } from '../module-ui';
import { createGrabCues } from './grab-cues';

/** The sandbox (an open room, kind `sandbox`): no panel, a vibration when a hand grabs or releases a body. */
export const ui: ModuleUi = {
  id: 'sandbox',
  room: createGrabCues,
};
