import type { ModuleUi } from '../module-ui';
import { createEmergencyPanel } from './emergency-panel';

/** The emergency module's view: the patient monitor, prompts, team actions and instructor controls. */
export const ui: ModuleUi = {
  id: 'emergency',
  panel: (options) => createEmergencyPanel({ ...options, kind: options.session.kind }),
};
