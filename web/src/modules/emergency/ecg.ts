// An ECG-like trace for the monitor: a stylised waveform per rhythm, good
// enough to tell sinus, VF, VT, PEA and asystole apart at a glance. It is a
// display, not physiology: the patient model sends rhythm and rate only.

const TWO_PI = Math.PI * 2;

function bump(t: number, centre: number, width: number, height: number): number {
  const d = (t - centre) / width;
  return height * Math.exp(-d * d);
}

/** One organised beat (P, QRS, T) at `tau` seconds after its start; `rr` is the beat length. */
function beat(tau: number, rr: number, wide: boolean, withP: boolean): number {
  const s = Math.min(1, rr / 0.8); // squeeze P and T into short beats
  const qrsWidth = wide ? 0.035 : 0.012;
  let v = 0;
  if (withP) v += bump(tau, 0.08 * s, 0.025, 0.12);
  v += bump(tau, 0.17 * s, qrsWidth * 0.8, -0.12);
  v += bump(tau, 0.2 * s, qrsWidth, 1);
  v += bump(tau, 0.23 * s, qrsWidth, -0.25);
  v += bump(tau, 0.2 * s + 0.22 * s + (wide ? 0.06 : 0), 0.05 * s, wide ? -0.35 : 0.28);
  return v;
}

/**
 * The trace value at `t` seconds for a rhythm and heart rate (per minute);
 * `cprRatePerMin` adds the compression artefact seen during CPR. Values stay
 * within about [-1.3, 1.3]. Deterministic: the same arguments give the same value.
 */
export function ecgValue(rhythm: string | null, t: number, heartRate: number | null, cprRatePerMin: number | null = null): number {
  let v: number;
  switch (rhythm) {
    case 'vf_coarse':
    case 'vf_fine': {
      const amp = rhythm === 'vf_coarse' ? 0.55 : 0.18;
      v =
        amp *
        (0.55 * Math.sin(TWO_PI * 4.7 * t) +
          0.3 * Math.sin(TWO_PI * 6.3 * t + 1.3) +
          0.25 * Math.sin(TWO_PI * 3.1 * t + 0.4) * Math.sin(TWO_PI * 0.37 * t));
      break;
    }
    case 'pulseless_vt': {
      const rate = positive(heartRate) ?? 180;
      v = 0.9 * Math.sin(TWO_PI * (rate / 60) * t) + 0.15 * Math.sin(TWO_PI * (rate / 30) * t + 0.5);
      break;
    }
    case 'asystole':
      v = 0.03 * Math.sin(TWO_PI * 0.3 * t);
      break;
    case null:
      v = 0;
      break;
    default: {
      // Sinus rhythms and PEA: organised complexes (PEA at the rate the model
      // reports, or slow and wide when it reports none).
      const pea = rhythm === 'pea';
      const rate = positive(heartRate) ?? (pea ? 40 : 70);
      const rr = 60 / Math.min(Math.max(rate, 20), 250);
      const tau = t - Math.floor(t / rr) * rr;
      v = beat(tau, rr, pea, !pea || rate < 60);
      break;
    }
  }
  const cpr = positive(cprRatePerMin);
  if (cpr !== null) v += 0.45 * Math.sin(TWO_PI * (cpr / 60) * t);
  return Math.max(-1.3, Math.min(1.3, v));
}

function positive(value: number | null): number | null {
  return value !== null && Number.isFinite(value) && value > 0 ? value : null;
}

/**
 * A sweeping trace: a ring of `length` samples taken `rateHz` times a second,
 * written at `cursor` like a monitor's erase bar.
 */
export class EcgSweep {
  readonly values: Float32Array;
  cursor = 0;
  private time = 0;
  private carry = 0;

  constructor(
    readonly length = 400,
    readonly rateHz = 100,
  ) {
    this.values = new Float32Array(length);
  }

  /** Advances by `seconds` (capped at one sweep), writing the new samples. */
  advance(seconds: number, rhythm: string | null, heartRate: number | null, cprRatePerMin: number | null): number {
    if (!(seconds > 0)) return 0;
    const total = Math.min(seconds, this.length / this.rateHz) * this.rateHz + this.carry;
    const count = Math.floor(total);
    this.carry = total - count;
    for (let i = 0; i < count; i++) {
      this.time += 1 / this.rateHz;
      this.values[this.cursor] = ecgValue(rhythm, this.time, heartRate, cprRatePerMin);
      this.cursor = (this.cursor + 1) % this.length;
    }
    return count;
  }
}
