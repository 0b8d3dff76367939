import { describe, expect, it } from 'vitest';
import type { SessionEvent } from '../protocol';
import { applyBoardEvents, createSessionBoard, PROMPT_LINES } from './session-board';

let seq = 0;
const ev = (type: string, payload: Record<string, unknown>): SessionEvent => ({ seq: ++seq, tick: seq * 10, type, payload });

describe('session board for the in-world panels', () => {
  it('shows the latest vital signs and bumps its version so the panel redraws', () => {
    const board = createSessionBoard();
    applyBoardEvents(board, [ev('vitals', { heart_rate_per_min: 72, systolic_mmHg: 120, diastolic_mmHg: 80, spo2_pct: 98, rhythm: 'normal_sinus' })], 1, true);
    expect(board.monitor.heartRate).toBe(72);
    expect(board.monitor.systolic).toBe(120);
    expect(board.monitor.rhythm).toBe('normal_sinus');
    expect(board.version).toBe(1);
  });

  it('keeps the newest prompts first, at most PROMPT_LINES, and chimes for live ones', () => {
    const board = createSessionBoard();
    const prompts = Array.from({ length: PROMPT_LINES + 2 }, (_, i) => ev('prompt_shown', { text: `prompt ${i}` }));
    applyBoardEvents(board, prompts, 1, true);
    expect(board.prompts).toEqual(['prompt 4', 'prompt 3', 'prompt 2']);
    expect(board.pending.every((c) => c.kind === 'prompt')).toBe(true);
    expect(board.pending.length).toBe(PROMPT_LINES + 2);
  });

  it('fills the panels from a late joiner backlog silently', () => {
    const board = createSessionBoard();
    applyBoardEvents(board, [ev('prompt_shown', { text: 'start CPR' }), ev('vitals', { rhythm: 'vf_coarse' })], 1, false);
    expect(board.prompts).toEqual(['start CPR']);
    expect(board.pending).toEqual([]);
  });

  it('sounds the alarm when the rhythm turns to an arrest rhythm, once', () => {
    const board = createSessionBoard();
    applyBoardEvents(board, [ev('vitals', { rhythm: 'normal_sinus' }), ev('vitals', { rhythm: 'vf_coarse' }), ev('vitals', { rhythm: 'vf_fine' })], 1, true);
    expect(board.pending).toEqual([{ kind: 'alarm' }]);
  });

  it('shows cues from the scenario and from the instructor', () => {
    const board = createSessionBoard();
    applyBoardEvents(board, [ev('cue_received', { cue: 'patient_vomits' }), ev('instructor', { control: 'cue', text: 'rhythm changes', by: 'ann' })], 1, true);
    expect(board.prompts).toEqual(['Instructor: rhythm changes', 'Cue: patient vomits']);
    expect(board.pending).toEqual([{ kind: 'cue' }, { kind: 'cue' }]);
  });

  it('vibrates only for this participant\'s own grabs and releases, on the right hand', () => {
    const board = createSessionBoard();
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
  });

  it('ignores events it does not show and malformed payloads', () => {
    const board = createSessionBoard();
    applyBoardEvents(board, [ev('input', {}), ev('prompt_shown', { text: 42 }), ev('grab', { participant: 1, hand: 7 })], 1, true);
    expect(board.version).toBe(0);
    expect(board.pending).toEqual([]);
  });
});
