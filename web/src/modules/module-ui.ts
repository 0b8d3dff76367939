import type { Scenario, Session } from '../api/types';
import type { ActionRequest, ControlRequest, EventsMessage, ReplyMessage, SessionEvent } from '../protocol';

// What a module's own client view gives the session view: a panel beside
// the 3D view (the emergency module's monitor and team actions), and its
// part of the room (what it adds to the in-world board people in the headset
// read, and the sounds and vibrations its events call for). A module without
// a panel gets the generic one (ui/module-panel.ts), whose action forms come
// from the specs the module serves; without a room part the board shows the
// scenario's prompts alone. Modules register by having a folder
// web/src/modules/<id>/ whose index.ts exports `ui` (registry.ts).

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
  /** The body's layout name (CSS): `side-panel`, a panel beside the 3D view (below it on a narrow screen). */
  readonly layout: string;
  message(message: EventsMessage | ReplyMessage): void;
  participant(number: number): void;
  connected(open: boolean): void;
  closed(code: number, reason: string): void;
  /** After connecting: a late joiner may fetch what the backlog lost. */
  joined?(): void;
  dispose(): void;
}

/** A sound or vibration the session view plays once, for this participant. */
export type RoomCue =
  | { kind: 'prompt' }
  | { kind: 'cue' }
  | { kind: 'alarm' }
  /** One of this participant's hands took hold of something (true) or let go (false). */
  | { kind: 'grab'; hand: 'left' | 'right'; held: boolean };

export interface RoomEventContext {
  /** False for a late joiner's backlog, which updates what is shown silently. */
  live: boolean;
  /** This client's participant number (from the keyframe). */
  participant: number;
  /** Plays a sound or vibrates a controller (the view drops cues beyond a few per frame). */
  cue(cue: RoomCue): void;
}

/**
 * A module's section of the in-world board (xr/board-panel.ts), drawn at
 * its top, above the prompts every session's board shows: the emergency
 * module's patient monitor.
 */
export interface BoardSection {
  /** Canvas pixels it takes at the top of the board (the board is 768 px wide for 0.9 m). */
  readonly heightPx: number;
  /** Has something to show: the board stays hidden while neither the section nor the prompts do. */
  hasContent(): boolean;
  /** Draws the section into the rectangle (0, 0, width, height); called only after something changed. */
  draw(context: CanvasRenderingContext2D, width: number, height: number): void;
}

/** A module's part of the room for one session view. */
export interface ModuleRoom {
  /**
   * Reads the session's events in order, all of them (what the module alone
   * knows: its own event types). Returns true when its board section changed.
   */
  event(event: SessionEvent, context: RoomEventContext): boolean;
  readonly board?: BoardSection;
}

export interface ModuleUi {
  /** The module's id: kinds start `<id>/` (`emergency`), or are the id for an open room (`sandbox`). */
  id: string;
  /** Its panel beside the 3D view, for a scenario's session; without one the generic panel. */
  panel?(options: ModulePanelOptions): ModulePanel;
  /** Its part of the room, made once per session view. */
  room?(): ModuleRoom;
}
