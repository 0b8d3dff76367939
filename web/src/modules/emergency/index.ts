import type { ModuleUi } from '../module-ui';
import { createEmergencyPanel } from './emergency-panel';
import { createVitalsBoard } from './vitals-board';

/**
 * The emergency module's view: the patient monitor, prompts, team actions and
 * instructor controls beside the 3D view, and the monitor on the in-world board.
 */
export const ui: ModuleUi = {
  id: 'emergency',
  panel: (options) => createEmergencyPanel({ ...options, kind: options.session.kind }),
  room: createVitalsBoard,
};
