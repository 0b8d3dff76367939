import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../../protocol';
import { applyBoardEvents, boardHasContent, createSessionBoard } from '../../xr/session-board';
import { moduleUiFor } from '../registry';
import { createVitalsBoard } from './vitals-board';

let seq = 0;
const ev = (type: string, payload: Record<string, unknown>): SessionEvent => ({ seq: ++seq, tick: seq * 10, type, payload });

describe('the patient monitor on the in-world board', () => {
  it('shows the latest vital signs and bumps the board\'s version so the panel redraws', () => {
    const vitals = createVitalsBoard();
    const board = createSessionBoard(vitals);
    expect(boardHasContent(board)).toBe(false);
    applyBoardEvents(board, [ev('vitals', { heart_rate_per_min: 72, systolic_mmHg: 120, diastolic_mmHg: 80, spo2_pct: 98, rhythm: 'normal_sinus' })], 1, true);
    expect(vitals.monitor.heartRate).toBe(72);
    expect(vitals.monitor.systolic).toBe(120);
    expect(vitals.monitor.rhythm).toBe('normal_sinus');
    expect(board.version).toBe(1);
    expect(boardHasContent(board)).toBe(true);
  });

  it('fills the monitor from a late joiner backlog silently', () => {
    const vitals = createVitalsBoard();
    const board = createSessionBoard(vitals);
    applyBoardEvents(board, [ev('prompt_shown', { text: 'start CPR' }), ev('vitals', { rhythm: 'vf_coarse' })], 1, false);
    expect(board.prompts).toEqual(['start CPR']);
    expect(vitals.monitor.rhythm).toBe('vf_coarse');
    expect(board.pending).toEqual([]);
  });

  it('sounds the alarm when the rhythm turns to an arrest rhythm, once', () => {
    const board = createSessionBoard(createVitalsBoard());
    applyBoardEvents(board, [ev('vitals', { rhythm: 'normal_sinus' }), ev('vitals', { rhythm: 'vf_coarse' }), ev('vitals', { rhythm: 'vf_fine' })], 1, true);
    expect(board.pending).toEqual([{ kind: 'alarm' }]);
  });

  it('leaves other events to the board', () => {
    const vitals = createVitalsBoard();
    const board = createSessionBoard(vitals);
    applyBoardEvents(board, [ev('rhythm_changed', { rhythm: 'vf_coarse' }), ev('grab', { participant: 1, hand: 0, body: 1 })], 1, true);
    expect(vitals.monitor.seq).toBe(0);
    expect(board.version).toBe(0);
    expect(board.pending).toEqual([]);
  });

  it('is what the registry gives emergency sessions, with the monitor as the board\'s section', () => {
    const room = moduleUiFor('emergency/acls-vf:hypoxia')?.room?.();
    expect(room?.board?.heightPx).toBe(222);
    expect(room?.board?.hasContent()).toBe(false);
  });
});
