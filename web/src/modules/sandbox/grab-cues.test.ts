import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../protocol';
import { applyBoardEvents, createSessionBoard } from '../../xr/session-board';
import { moduleUiFor } from '../registry';
import { createGrabCues } from './grab-cues';

let seq = 0;
const ev = (type: string, payload: Record<string, unknown>): SessionEvent => ({ seq: ++seq, tick: seq * 10, type, payload });

describe('the sandbox\'s grab and release vibrations', () => {
  it('vibrates only for this participant\'s own grabs and releases, on the right hand', () => {
    const board = createSessionBoard(createGrabCues());
    applyBoardEvents(
      board,
      [ev('grab', { participant: 2, hand: 1, body: 4 }), ev('grab', { participant: 3, hand: 0, body: 5 }), ev('release', { participant: 2, hand: 0, body: 4 })],
      2,
      true,
    );
    expect(board.pending).toEqual([
      { kind: 'grab', hand: 'right', held: true },
      { kind: 'grab', hand: 'left', held: false },
    ]);
    expect(board.version).toBe(0);
  });

  it('stays still for a late joiner\'s backlog and for malformed payloads', () => {
    const board = createSessionBoard(createGrabCues());
    applyBoardEvents(board, [ev('grab', { participant: 1, hand: 0, body: 1 })], 1, false);
    applyBoardEvents(board, [ev('grab', { participant: 1, hand: 7 }), ev('release', { participant: '1', hand: 0 })], 1, true);
    expect(board.pending).toEqual([]);
  });

  it('is what the registry gives the sandbox\'s open room, with no panel and no board section', () => {
    const ui = moduleUiFor('sandbox');
    expect(ui?.id).toBe('sandbox');
    expect(ui?.panel).toBeUndefined();
    expect(ui?.room?.().board).toBeUndefined();
  });
});
