import { applyVitals, emptyMonitor, isArrestRhythm, type MonitorState } from '../modules/emergency/monitor';
import type { SessionEvent } from '../protocol';

/** What the in-world panels show, built from the session's EVENTS (docs/events.md). Plain data, no DOM. */
export interface SessionBoard {
  monitor: MonitorState;
  /** Newest first, at most PROMPT_LINES. */
  prompts: string[];
  /** Bumped whenever anything shown changes, so panels redraw only then. */
  version: number;
  /** Feedback for this participant, drained by the view each frame. */
  pending: BoardCue[];
}

/** A sound or vibration the view plays once. */
export type BoardCue =
  | { kind: 'prompt' }
  | { kind: 'cue' }
  | { kind: 'alarm' }
  /** One of this participant's hands grabbed (true) or released (false) a body. */
  | { kind: 'grab'; hand: 'left' | 'right'; held: boolean };

export const PROMPT_LINES = 3;
// A fresh keyframe replays up to 200 events: only sound for what is new.
const MAX_PENDING = 8;

export function createSessionBoard(): SessionBoard {
  return { monitor: emptyMonitor(), prompts: [], version: 0, pending: [] };
}

/**
 * Applies EVENTS in order. `participant` is this client's number (from the
 * keyframe), so its own grabs vibrate its controller; `live` is false for a
 * late joiner's backlog, which updates the panels silently.
 */
export function applyBoardEvents(board: SessionBoard, events: readonly SessionEvent[], participant: number, live: boolean): void {
  for (const event of events) {
    const p = event.payload;
    switch (event.type) {
      case 'vitals': {
        const wasArrest = isArrestRhythm(board.monitor.rhythm);
        applyVitals(board.monitor, p, event.seq);
        if (live && !wasArrest && isArrestRhythm(board.monitor.rhythm)) queue(board, { kind: 'alarm' });
        board.version += 1;
        break;
      }
      case 'prompt_shown':
        if (typeof p['text'] === 'string') addPrompt(board, p['text'], live ? 'prompt' : null);
        break;
      case 'cue_received':
        if (typeof p['cue'] === 'string') addPrompt(board, `Cue: ${p['cue'].replace(/_/g, ' ')}`, live ? 'cue' : null);
        break;
      case 'instructor':
        if (p['control'] === 'cue' && typeof p['text'] === 'string') addPrompt(board, `Instructor: ${p['text']}`, live ? 'cue' : null);
        break;
      case 'grab':
      case 'release':
        if (live && p['participant'] === participant && (p['hand'] === 0 || p['hand'] === 1)) {
          queue(board, { kind: 'grab', hand: p['hand'] === 0 ? 'left' : 'right', held: event.type === 'grab' });
        }
        break;
    }
  }
}

function addPrompt(board: SessionBoard, text: string, sound: 'prompt' | 'cue' | null): void {
  board.prompts.unshift(text);
  if (board.prompts.length > PROMPT_LINES) board.prompts.length = PROMPT_LINES;
  board.version += 1;
  if (sound !== null) queue(board, { kind: sound });
}

function queue(board: SessionBoard, cue: BoardCue): void {
  if (board.pending.length < MAX_PENDING) board.pending.push(cue);
}
