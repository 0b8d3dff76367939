import type { ModuleRoom, RoomCue, RoomEventContext } from '../modules/module-ui';
import type { SessionEvent } from '../protocol';

/**
 * What the in-world board shows, built from the session's EVENTS
 * (docs/events.md): the scenario's prompts and cues and the instructor's
 * cues, for every session, and what the session's module adds (its `room`,
 * web/src/modules/<id>/). Plain data, no DOM.
 */
export interface SessionBoard {
  /** Newest first, at most PROMPT_LINES. */
  prompts: string[];
  /** Bumped whenever anything shown changes, so panels redraw only then. */
  version: number;
  /** Feedback for this participant, drained by the view each frame. */
  pending: RoomCue[];
  /** The session's module's part of the room; null when it has none (or the kind is not known yet). */
  room: ModuleRoom | null;
}

export const PROMPT_LINES = 3;
// A fresh keyframe replays up to 200 events: only sound for what is new.
const MAX_PENDING = 8;

export function createSessionBoard(room: ModuleRoom | null = null): SessionBoard {
  return { prompts: [], version: 0, pending: [], room };
}

/**
 * Applies EVENTS in order, and hands each to the module's room. `participant`
 * is this client's number (from the keyframe), so its own actions can vibrate
 * its controller; `live` is false for a late joiner's backlog, which updates
 * the panels silently.
 */
export function applyBoardEvents(board: SessionBoard, events: readonly SessionEvent[], participant: number, live: boolean): void {
  const context: RoomEventContext = { live, participant, cue: (cue) => queue(board, cue) };
  for (const event of events) {
    const p = event.payload;
    switch (event.type) {
      case 'prompt_shown':
        if (typeof p['text'] === 'string') addPrompt(board, p['text'], live ? 'prompt' : null);
        break;
      case 'cue_received':
        if (typeof p['cue'] === 'string') addPrompt(board, `Cue: ${p['cue'].replace(/_/g, ' ')}`, live ? 'cue' : null);
        break;
      case 'instructor':
        if (p['control'] === 'cue' && typeof p['text'] === 'string') addPrompt(board, `Instructor: ${p['text']}`, live ? 'cue' : null);
        break;
    }
    if (board.room !== null && board.room.event(event, context)) board.version += 1;
  }
}

/** Something to show: prompts, or the module's board section. */
export function boardHasContent(board: SessionBoard): boolean {
  return board.prompts.length > 0 || (board.room?.board?.hasContent() ?? false);
}

function addPrompt(board: SessionBoard, text: string, sound: 'prompt' | 'cue' | null): void {
  board.prompts.unshift(text);
  if (board.prompts.length > PROMPT_LINES) board.prompts.length = PROMPT_LINES;
  board.version += 1;
  if (sound !== null) queue(board, { kind: sound });
}

function queue(board: SessionBoard, cue: RoomCue): void {
  if (board.pending.length < MAX_PENDING) board.pending.push(cue);
}
