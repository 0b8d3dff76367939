import { describe, expect, it } from 'vitest';
import { ClientSeq } from './client-seq';

describe('ClientSeq', () => {
  it('hands out 1, 2, 3 ... to whichever frame comes next', () => {
    const seq = new ClientSeq();
    expect(seq.last).toBe(0);
    const taken = [
      seq.next((s) => ['input', s]),
      seq.next((s) => ['action', s]),
      seq.next((s) => ['control', s]),
      seq.next((s) => ['input', s]),
    ];
    expect(taken).toEqual([
      ['input', 1],
      ['action', 2],
      ['control', 3],
      ['input', 4],
    ]);
    expect(seq.last).toBe(4);
  });

  it('does not use up a number when encoding fails', () => {
    const seq = new ClientSeq();
    seq.next((s) => s);
    expect(() =>
      seq.next(() => {
        throw new Error('cannot encode');
      }),
    ).toThrow(/cannot encode/);
    expect(seq.last).toBe(1);
    expect(seq.next((s) => s)).toBe(2);
  });
});
