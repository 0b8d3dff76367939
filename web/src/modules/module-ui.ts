import type { Scenario, Session } from '../api/types';
import type { ActionRequest, ControlRequest, EventsMessage, ReplyMessage } from '../protocol';

// What a module's own client view gives the session view: a panel beside
// the 3D view (the emergency module's monitor and team actions). A module
// without one gets the generic panel (ui/module-panel.ts), whose action forms
// come from the specs the module serves. Modules register by having a
// folder web/src/modules/<id>/ whose index.ts exports `ui` (registry.ts).

export interface PanelSender {
  /** Sends an ACTION; returns its client seq, or null when not connected. */
  action(request: ActionRequest): number | null;
  control(request: ControlRequest): number | null;
}

export interface ModulePanelOptions {
  sessionId: string;
  session: Session;
  /** The scenario the session runs, with the module's served specs. */
  scenario: Scenario | null;
  /** The logged-in user is an instructor or admin: show the controls. */
  canInstruct: boolean;
  send: PanelSender;
}

export interface ModulePanel {
  readonly element: HTMLElement;
  /** The body's layout name (CSS), e.g. `emergency`. */
  readonly layout: string;
  message(message: EventsMessage | ReplyMessage): void;
  participant(number: number): void;
  connected(open: boolean): void;
  closed(code: number, reason: string): void;
  /** After connecting: a late joiner may fetch what the backlog lost. */
  joined?(): void;
  dispose(): void;
}

export interface ModuleUi {
  /** The module's id, as kinds start: `emergency`. */
  id: string;
  panel(options: ModulePanelOptions): ModulePanel;
}
