/// <reference types="vite/client" />
import { moduleOfKind } from './kind';
import type { ModuleUi } from './module-ui';

// Every module's own client view, found by its folder: web/src/modules/<id>/
// index.ts exports `ui` (docs/modules.md). Adding a module's view touches
// nothing outside its folder; a module without a folder gets the generic panel.
const found = import.meta.glob<{ ui: ModuleUi }>('./*/index.ts', { eager: true });

export const MODULE_UIS: readonly ModuleUi[] = Object.values(found).map((m) => m.ui);

/**
 * The module's own view for a session kind, or null (a module without one):
 * a scenario's module for `emergency/acls-vf`, the open room's for `sandbox`.
 */
export function moduleUiFor(kind: string): ModuleUi | null {
  const id = moduleOfKind(kind) ?? kind;
  return MODULE_UIS.find((m) => m.id === id) ?? null;
}
