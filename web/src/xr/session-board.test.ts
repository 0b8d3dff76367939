import { describe, expect, it } from 'vitest';
import type { ModuleRoom } from '../modules/module-ui';
import type { SessionEvent } from '../protocol';
import { applyBoardEvents, boardHasContent, createSessionBoard, PROMPT_LINES } from './session-board';

let seq = 0;
const ev = (type: string, payload: Record<string, unknown>): SessionEvent => ({ seq: ++seq, tick: seq * 10, type, payload });

/** A module's room that counts `reading` events, draws them, and chimes for live ones. */
function countingRoom(): ModuleRoom & { seen: string[]; count: number } {
  const room = {
    seen: [] as string[],
    count: 0,
    event(event: SessionEvent, context: { live: boolean; participant: number; cue(cue: { kind: 'alarm' }): void }): boolean {
      room.seen.push(event.type);
      if (event.type !== 'reading') return false;
      room.count += 1;
      if (context.live && event.payload['participant'] === context.participant) context.cue({ kind: 'alarm' });
      return true;
    },
    board: { heightPx: 100, hasContent: () => room.count > 0, draw: () => undefined },
  };
  return room;
}

describe('session board for the in-world panels', () => {
  it('keeps the newest prompts first, at most PROMPT_LINES, and chimes for live ones', () => {
    const board = createSessionBoard();
    const prompts = Array.from({ length: PROMPT_LINES + 2 }, (_, i) => ev('prompt_shown', { text: `prompt ${i}` }));
    applyBoardEvents(board, prompts, 1, true);
    expect(board.prompts).toEqual(['prompt 4', 'prompt 3', 'prompt 2']);
    expect(board.pending.every((c) => c.kind === 'prompt')).toBe(true);
    expect(board.pending.length).toBe(PROMPT_LINES + 2);
    expect(boardHasContent(board)).toBe(true);
  });

  it('fills the panels from a late joiner backlog silently', () => {
    const board = createSessionBoard();
    applyBoardEvents(board, [ev('prompt_shown', { text: 'start CPR' })], 1, false);
    expect(board.prompts).toEqual(['start CPR']);
    expect(board.pending).toEqual([]);
  });

  it('shows cues from the scenario and from the instructor', () => {
    const board = createSessionBoard();
    applyBoardEvents(board, [ev('cue_received', { cue: 'patient_vomits' }), ev('instructor', { control: 'cue', text: 'rhythm changes', by: 'ann' })], 1, true);
    expect(board.prompts).toEqual(['Instructor: rhythm changes', 'Cue: patient vomits']);
    expect(board.pending).toEqual([{ kind: 'cue' }, { kind: 'cue' }]);
  });

  it('ignores events it does not show and malformed payloads', () => {
    const board = createSessionBoard();
    applyBoardEvents(board, [ev('input', {}), ev('prompt_shown', { text: 42 }), ev('instructor', { control: 'pause' })], 1, true);
    expect(board.version).toBe(0);
    expect(board.pending).toEqual([]);
    expect(boardHasContent(board)).toBe(false);
  });

  it('hands every event to the module\'s room, redraws when its section changed, and plays the cues it asks for', () => {
    const room = countingRoom();
    const board = createSessionBoard(room);
    applyBoardEvents(board, [ev('reading', { participant: 2 }), ev('prompt_shown', { text: 'go' }), ev('other', {})], 2, true);
    expect(room.seen).toEqual(['reading', 'prompt_shown', 'other']);
    expect(board.version).toBe(2);
    expect(board.pending).toEqual([{ kind: 'alarm' }, { kind: 'prompt' }]);
  });

  it('shows the board for the module\'s section alone, once it has something', () => {
    const room = countingRoom();
    const board = createSessionBoard(room);
    expect(boardHasContent(board)).toBe(false);
    applyBoardEvents(board, [ev('reading', { participant: 3 })], 2, false);
    expect(boardHasContent(board)).toBe(true);
    expect(board.pending).toEqual([]);
  });

  it('keeps at most a few cues per frame (a fresh keyframe replays the recent events)', () => {
    const board = createSessionBoard();
    applyBoardEvents(board, Array.from({ length: 20 }, (_, i) => ev('cue_received', { cue: `c${i}` })), 1, true);
    expect(board.pending.length).toBe(8);
  });
});
