import { describe, expect, it } from 'vitest';
import { applyVitals, emptyMonitor, isArrestRhythm, monitorReadout, rhythmLabel } from './monitor';

// A `vitals` payload as emergency_module.cpp writes it.
const vitals = {
  time_s: 12,
  heart_rate_per_min: 72.4,
  systolic_mmHg: 118.6,
  diastolic_mmHg: 79.2,
  map_mmHg: 92.3,
  cardiac_output_L_per_min: 5.1,
  stroke_volume_mL: 70,
  cvp_mmHg: 4,
  respiration_rate_per_min: 14,
  tidal_volume_mL: 500,
  spo2_pct: 97.6,
  etco2_mmHg: 37.8,
  pao2_mmHg: 95,
  paco2_mmHg: 40,
  blood_volume_mL: 5000,
  blood_loss_fraction: 0.05,
  rhythm: 'normal_sinus',
};

describe('monitor model', () => {
  it('shows dashes before the first sample', () => {
    const r = monitorReadout(emptyMonitor());
    expect(r).toMatchObject({ hr: '—', bp: '—/—', map: '(—)', spo2: '—', etco2: '—', rr: '—', rhythm: '—', cpr: 'no CPR' });
    expect(r.alarms.hr).toBe('none');
  });

  it('takes every monitored value from a vitals event, rounded', () => {
    const m = emptyMonitor();
    applyVitals(m, vitals, 41);
    expect(m).toMatchObject({ heartRate: 72.4, systolic: 118.6, diastolic: 79.2, map: 92.3, spo2: 97.6, etco2: 37.8, respRate: 14, rhythm: 'normal_sinus', seq: 41, timeS: 12 });
    const r = monitorReadout(m);
    expect(r).toMatchObject({ hr: '72', bp: '119/79', map: '(92)', spo2: '98', etco2: '38', rr: '14', rhythm: 'Sinus rhythm', bloodLoss: '5%' });
    expect(r.alarms).toEqual({ hr: 'ok', bp: 'ok', spo2: 'ok', etco2: 'ok', rr: 'ok', rhythm: 'ok' });
  });

  it('keeps old values for fields a sample lacks or garbles', () => {
    const m = emptyMonitor();
    applyVitals(m, vitals);
    applyVitals(m, { heart_rate_per_min: 0, spo2_pct: 'high', map_mmHg: null, rhythm: 'vf_coarse' });
    expect(m.heartRate).toBe(0);
    expect(m.spo2).toBe(97.6);
    expect(m.map).toBe(92.3);
    expect(m.rhythm).toBe('vf_coarse');
  });

  it('accepts SpO2 as a fraction under the name spo2', () => {
    const m = emptyMonitor();
    applyVitals(m, { spo2: 0.91 });
    expect(m.spo2).toBeCloseTo(91);
  });

  it('raises alarms in cardiac arrest', () => {
    const m = emptyMonitor();
    applyVitals(m, { ...vitals, heart_rate_per_min: 0, systolic_mmHg: 20, diastolic_mmHg: 10, map_mmHg: 13, spo2_pct: 70, etco2_mmHg: 8, respiration_rate_per_min: 0, rhythm: 'vf_coarse' });
    const r = monitorReadout(m);
    expect(r.alarms).toEqual({ hr: 'alarm', bp: 'alarm', spo2: 'alarm', etco2: 'alarm', rr: 'alarm', rhythm: 'alarm' });
    expect(r.rhythm).toBe('VF (coarse)');
  });

  it('shows CPR while compressions run', () => {
    const m = emptyMonitor();
    m.cpr = { depthMm: 55, ratePerMin: 110 };
    expect(monitorReadout(m).cpr).toBe('CPR 110/min 55 mm');
    m.cpr = { depthMm: null, ratePerMin: null };
    expect(monitorReadout(m).cpr).toBe('CPR');
  });

  it('names rhythms', () => {
    expect(rhythmLabel('pulseless_vt')).toBe('Pulseless VT');
    expect(rhythmLabel('pea')).toBe('PEA');
    expect(rhythmLabel('asystole')).toBe('Asystole');
    expect(rhythmLabel('junctional_escape')).toBe('junctional escape');
    expect(rhythmLabel(null)).toBe('—');
    expect(isArrestRhythm('pea')).toBe(true);
    expect(isArrestRhythm('sinus_tachycardia')).toBe(false);
  });
});

describe('the monitor block of vitals (what a real monitor can show)', () => {
  const truth = { heart_rate_per_min: 0, systolic_mmHg: 12, diastolic_mmHg: 8, map_mmHg: 10, spo2_pct: 97, respiration_rate_per_min: 14, rhythm: 'vf_coarse' };

  it('shows no rate, no SpO2, no breathing and no cuff reading in VF, whatever the physiology says', () => {
    const m = emptyMonitor();
    applyVitals(m, {
      ...truth,
      monitor: { heart_rate_per_min: null, spo2_pct: null, respiration_rate_per_min: 0, nibp: null, nibp_failed_at_s: 0, code_time_s: 192, cpr_cycle_s: 65, shocks: 2 },
    });
    const r = monitorReadout(m);
    expect(r.hr).toBe('—');
    expect(r.spo2).toBe('—');
    expect(r.rr).toBe('0');
    expect(r.bp).toBe('—/—');
    expect(r.code).toBe('Code 03:12 · Cycle 01:05 · Shocks 2');
  });

  it('shows the cuff reading it holds, and no code timers before any arrest', () => {
    const m = emptyMonitor();
    applyVitals(m, {
      ...truth,
      rhythm: 'normal_sinus',
      monitor: { heart_rate_per_min: 80, spo2_pct: 98, respiration_rate_per_min: 14, nibp: { systolic_mmHg: 121, diastolic_mmHg: 79, map_mmHg: 93, measured_at_s: 0 }, code_time_s: null, cpr_cycle_s: null, shocks: 0 },
    });
    const r = monitorReadout(m);
    expect(r.bp).toBe('121/79');
    expect(r.hr).toBe('80');
    expect(r.code).toBe('');
  });
});
