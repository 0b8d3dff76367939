import { describe, expect, it } from 'vitest';
import { EcgSweep, ecgValue } from './ecg';

function range(rhythm: string | null, hr: number | null, cpr: number | null = null): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < 1000; i++) {
    const v = ecgValue(rhythm, i / 200, hr, cpr);
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

describe('ecgValue', () => {
  it('is flat in asystole and with no rhythm', () => {
    expect(range('asystole', 0).max).toBeLessThan(0.05);
    expect(range(null, null)).toEqual({ min: 0, max: 0 });
  });

  it('draws tall R waves in sinus rhythm and low chaos in fine VF', () => {
    expect(range('normal_sinus', 72).max).toBeGreaterThan(0.8);
    const fine = range('vf_fine', 0);
    expect(fine.max).toBeLessThan(0.3);
    expect(fine.max - fine.min).toBeGreaterThan(0.1);
    expect(range('vf_coarse', 0).max).toBeGreaterThan(fine.max);
  });

  it('beats at the heart rate', () => {
    // Count R peaks (crossings of 0.5) over 10 s at 60/min.
    let peaks = 0;
    let above = false;
    for (let i = 0; i < 10000; i++) {
      const v = ecgValue('normal_sinus', i / 1000, 60);
      if (v > 0.5 && !above) peaks++;
      above = v > 0.5;
    }
    expect(peaks).toBe(10);
  });

  it('stays within bounds, also with the CPR artefact', () => {
    for (const rhythm of ['normal_sinus', 'sinus_tachycardia', 'vf_coarse', 'vf_fine', 'pulseless_vt', 'pea', 'asystole']) {
      const r = range(rhythm, 180, 110);
      expect(r.max).toBeLessThanOrEqual(1.3);
      expect(r.min).toBeGreaterThanOrEqual(-1.3);
    }
  });
});

describe('EcgSweep', () => {
  it('writes samples at its rate and wraps around', () => {
    const sweep = new EcgSweep(100, 100);
    expect(sweep.advance(0.25, 'normal_sinus', 70, null)).toBe(25);
    expect(sweep.cursor).toBe(25);
    expect(sweep.advance(0.005, 'normal_sinus', 70, null)).toBe(0); // half a sample carried
    expect(sweep.advance(0.005, 'normal_sinus', 70, null)).toBe(1);
    sweep.advance(10, 'normal_sinus', 70, null); // capped at one sweep
    expect(sweep.cursor).toBe(26);
    expect(sweep.advance(-1, 'asystole', 0, null)).toBe(0);
  });
});
