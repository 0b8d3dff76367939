// The patient monitor's model: the latest `vitals` sample (docs/events.md)
// and what the monitor shows for it. No DOM here.

export interface CprState {
  depthMm: number | null;
  ratePerMin: number | null;
}

export interface MonitorState {
  /** Physiology time of the sample, seconds. */
  timeS: number | null;
  heartRate: number | null;
  systolic: number | null;
  diastolic: number | null;
  map: number | null;
  spo2: number | null;
  etco2: number | null;
  respRate: number | null;
  bloodLossFraction: number | null;
  rhythm: string | null;
  /** Compressions running (from compressions_started / _stopped). */
  cpr: CprState | null;
  /** The code timer: seconds since the arrest began (held at ROSC); null before any arrest. */
  codeTimeS: number | null;
  /** The CPR cycle timer: seconds since compressions last started; null without CPR. */
  cprCycleS: number | null;
  /** Shocks delivered. */
  shocks: number | null;
  /** When the cuff last measured the blood pressure (physiology time, s); null: no reading. */
  nibpAtS: number | null;
  /** Seq of the event that last changed the monitor. */
  seq: number;
}

export function emptyMonitor(): MonitorState {
  return {
    timeS: null,
    heartRate: null,
    systolic: null,
    diastolic: null,
    map: null,
    spo2: null,
    etco2: null,
    respRate: null,
    bloodLossFraction: null,
    rhythm: null,
    cpr: null,
    codeTimeS: null,
    cprCycleS: null,
    shocks: null,
    nibpAtS: null,
    seq: 0,
  };
}

/** Copies a `vitals` payload into the monitor; fields absent or not numbers leave the old value. */
export function applyVitals(monitor: MonitorState, payload: Record<string, unknown>, seq = monitor.seq): void {
  monitor.timeS = num(payload['time_s']) ?? monitor.timeS;
  monitor.heartRate = num(payload['heart_rate_per_min']) ?? monitor.heartRate;
  monitor.systolic = num(payload['systolic_mmHg']) ?? monitor.systolic;
  monitor.diastolic = num(payload['diastolic_mmHg']) ?? monitor.diastolic;
  monitor.map = num(payload['map_mmHg']) ?? monitor.map;
  // spo2_pct is the documented field; a fraction `spo2` is accepted too.
  const spo2Pct = num(payload['spo2_pct']);
  const spo2Fraction = num(payload['spo2']);
  monitor.spo2 = spo2Pct ?? (spo2Fraction !== null ? (spo2Fraction <= 1 ? spo2Fraction * 100 : spo2Fraction) : monitor.spo2);
  monitor.etco2 = num(payload['etco2_mmHg']) ?? monitor.etco2;
  monitor.respRate = num(payload['respiration_rate_per_min']) ?? monitor.respRate;
  monitor.bloodLossFraction = num(payload['blood_loss_fraction']) ?? monitor.bloodLossFraction;
  const rhythm = payload['rhythm'];
  if (typeof rhythm === 'string' && rhythm !== '') monitor.rhythm = rhythm;
  const shown = payload['monitor'];
  if (shown !== null && typeof shown === 'object') applyMonitorDisplay(monitor, shown as Record<string, unknown>);
  monitor.seq = seq;
}

/**
 * What the monitor in the room can measure (the server's `monitor` block of
 * `vitals`, docs/events.md): null is "no reading" (no QRS, no pleth, the
 * cuff failed), so it replaces the physiology's value rather than leaving it.
 */
function applyMonitorDisplay(monitor: MonitorState, shown: Record<string, unknown>): void {
  monitor.heartRate = num(shown['heart_rate_per_min']);
  monitor.spo2 = num(shown['spo2_pct']);
  monitor.respRate = num(shown['respiration_rate_per_min']);
  const nibp = shown['nibp'];
  if (nibp !== null && typeof nibp === 'object') {
    const n = nibp as Record<string, unknown>;
    monitor.systolic = num(n['systolic_mmHg']);
    monitor.diastolic = num(n['diastolic_mmHg']);
    monitor.map = num(n['map_mmHg']);
    monitor.nibpAtS = num(n['measured_at_s']);
  } else {
    monitor.systolic = null;
    monitor.diastolic = null;
    monitor.map = null;
    monitor.nibpAtS = null;
  }
  monitor.codeTimeS = num(shown['code_time_s']);
  monitor.cprCycleS = num(shown['cpr_cycle_s']);
  monitor.shocks = num(shown['shocks']);
}

const RHYTHM_LABELS: Record<string, string> = {
  normal_sinus: 'Sinus rhythm',
  sinus_tachycardia: 'Sinus tachycardia',
  vf_coarse: 'VF (coarse)',
  vf_fine: 'VF (fine)',
  pulseless_vt: 'Pulseless VT',
  pea: 'PEA',
  asystole: 'Asystole',
};

export function rhythmLabel(rhythm: string | null): string {
  if (rhythm === null) return '—';
  return RHYTHM_LABELS[rhythm] ?? rhythm.replace(/_/g, ' ');
}

/** Rhythms without a pulse (cardiac arrest). */
export function isArrestRhythm(rhythm: string | null): boolean {
  return rhythm === 'vf_coarse' || rhythm === 'vf_fine' || rhythm === 'pulseless_vt' || rhythm === 'pea' || rhythm === 'asystole';
}

export type Alarm = 'none' | 'ok' | 'warn' | 'alarm';

export interface MonitorReadout {
  hr: string;
  bp: string;
  map: string;
  spo2: string;
  etco2: string;
  rr: string;
  rhythm: string;
  cpr: string;
  bloodLoss: string;
  /** The defibrillator-monitor's timers: "Code 03:12 · Cycle 01:05 · Shocks 2"; empty before any arrest. */
  code: string;
  alarms: { hr: Alarm; bp: Alarm; spo2: Alarm; etco2: Alarm; rr: Alarm; rhythm: Alarm };
}

const DASH = '—';

/** What the monitor shows: rounded numbers, a dash for what is not known yet, alarm levels. */
export function monitorReadout(m: MonitorState): MonitorReadout {
  const bp = m.systolic === null || m.diastolic === null ? `${DASH}/${DASH}` : `${round(m.systolic)}/${round(m.diastolic)}`;
  return {
    hr: fmt(m.heartRate),
    bp,
    map: m.map === null ? `(${DASH})` : `(${round(m.map)})`,
    spo2: fmt(m.spo2),
    etco2: fmt(m.etco2),
    rr: fmt(m.respRate),
    rhythm: rhythmLabel(m.rhythm),
    cpr:
      m.cpr === null
        ? 'no CPR'
        : `CPR ${m.cpr.ratePerMin === null ? '' : `${round(m.cpr.ratePerMin)}/min`}${
            m.cpr.depthMm === null ? '' : ` ${round(m.cpr.depthMm)} mm`
          }`.trim(),
    bloodLoss: m.bloodLossFraction === null ? DASH : `${round(m.bloodLossFraction * 100)}%`,
    code:
      m.codeTimeS === null
        ? ''
        : [`Code ${clock(m.codeTimeS)}`, m.cprCycleS === null ? null : `Cycle ${clock(m.cprCycleS)}`, `Shocks ${m.shocks ?? 0}`]
            .filter((part) => part !== null)
            .join(' · '),
    alarms: {
      hr: level(m.heartRate, (v) => (v < 40 || v > 150 ? 'alarm' : v < 50 || v > 120 ? 'warn' : 'ok')),
      bp: level(m.map ?? m.systolic, () =>
        m.map !== null && m.map < 65 ? 'alarm' : m.systolic !== null && m.systolic < 90 ? 'warn' : 'ok',
      ),
      spo2: level(m.spo2, (v) => (v < 90 ? 'alarm' : v < 94 ? 'warn' : 'ok')),
      etco2: level(m.etco2, (v) => (v < 10 ? 'alarm' : v < 30 || v > 50 ? 'warn' : 'ok')),
      rr: level(m.respRate, (v) => (v < 8 || v > 30 ? 'alarm' : v < 10 || v > 24 ? 'warn' : 'ok')),
      rhythm: m.rhythm === null ? 'none' : isArrestRhythm(m.rhythm) ? 'alarm' : m.rhythm === 'normal_sinus' ? 'ok' : 'warn',
    },
  };
}

/** mm:ss */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function level(value: number | null, judge: (v: number) => Alarm): Alarm {
  return value === null ? 'none' : judge(value);
}

function fmt(value: number | null): string {
  return value === null ? DASH : String(round(value));
}

function round(value: number): number {
  const r = Math.round(value);
  return Object.is(r, -0) ? 0 : r;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
