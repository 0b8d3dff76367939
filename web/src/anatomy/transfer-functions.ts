/**
 * Transfer functions: what colour and opacity a voxel value gets when the
 * volume is ray marched. Presets give control points in the volume's own
 * units (Hounsfield units for CT) or, for MR whose intensities have no
 * absolute scale, as fractions of the volume's range. The shader reads a
 * 256-entry RGBA table spanning the prepared texture's [valueMin, valueMax].
 */

export type PresetName = 'ct-bone' | 'ct-soft-tissue' | 'mr-brain';

export interface ControlPoint {
  /** HU for `units: 'value'`, 0..1 of the range for `units: 'relative'`. */
  at: number;
  rgb: [number, number, number];
  opacity: number;
}

export interface TransferPreset {
  name: PresetName;
  title: string;
  units: 'value' | 'relative';
  points: readonly ControlPoint[];
}

export const TRANSFER_TABLE_SIZE = 256;

// Values after the usual radiology windows: bone from about +200 HU, soft
// tissue (muscle, organs) around +20..+80 HU and fat near -100 HU.
export const PRESETS: Record<PresetName, TransferPreset> = {
  'ct-bone': {
    name: 'ct-bone',
    title: 'CT bone',
    units: 'value',
    points: [
      { at: -1000, rgb: [0, 0, 0], opacity: 0 },
      { at: 150, rgb: [0.55, 0.25, 0.15], opacity: 0 },
      { at: 300, rgb: [0.9, 0.82, 0.68], opacity: 0.35 },
      { at: 1200, rgb: [1, 1, 0.96], opacity: 0.9 },
      { at: 3000, rgb: [1, 1, 1], opacity: 1 },
    ],
  },
  'ct-soft-tissue': {
    name: 'ct-soft-tissue',
    title: 'CT soft tissue',
    units: 'value',
    points: [
      { at: -1000, rgb: [0, 0, 0], opacity: 0 },
      { at: -150, rgb: [0.9, 0.75, 0.45], opacity: 0 },
      { at: -60, rgb: [0.95, 0.8, 0.5], opacity: 0.04 },
      { at: 20, rgb: [0.75, 0.3, 0.25], opacity: 0.08 },
      { at: 80, rgb: [0.85, 0.4, 0.35], opacity: 0.2 },
      { at: 250, rgb: [0.95, 0.92, 0.85], opacity: 0.5 },
      { at: 3000, rgb: [1, 1, 1], opacity: 0.8 },
    ],
  },
  'mr-brain': {
    name: 'mr-brain',
    title: 'MR brain',
    units: 'relative',
    points: [
      { at: 0, rgb: [0, 0, 0], opacity: 0 },
      { at: 0.12, rgb: [0.2, 0.2, 0.3], opacity: 0 },
      { at: 0.3, rgb: [0.55, 0.5, 0.6], opacity: 0.06 },
      { at: 0.55, rgb: [0.85, 0.78, 0.75], opacity: 0.2 },
      { at: 0.8, rgb: [1, 0.95, 0.9], opacity: 0.5 },
      { at: 1, rgb: [1, 1, 1], opacity: 0.7 },
    ],
  },
};

/**
 * The preset's RGBA table (8 bits per channel) for a texture whose 0..255
 * spans [valueMin, valueMax]: linear between control points, clamped to
 * the first and last point outside them.
 */
export function transferTable(preset: TransferPreset, valueMin: number, valueMax: number): Uint8Array {
  const table = new Uint8Array(TRANSFER_TABLE_SIZE * 4);
  const points = preset.points;
  for (let i = 0; i < TRANSFER_TABLE_SIZE; i++) {
    const fraction = i / (TRANSFER_TABLE_SIZE - 1);
    const at = preset.units === 'relative' ? fraction : valueMin + fraction * (valueMax - valueMin);
    let k = 0;
    while (k < points.length - 1 && points[k + 1]!.at < at) k++;
    const a = points[k]!;
    const b = points[Math.min(k + 1, points.length - 1)]!;
    const t = b.at === a.at ? 0 : Math.min(1, Math.max(0, (at - a.at) / (b.at - a.at)));
    for (let c = 0; c < 3; c++) table[4 * i + c] = Math.round(255 * (a.rgb[c]! + t * (b.rgb[c]! - a.rgb[c]!)));
    table[4 * i + 3] = Math.round(255 * (a.opacity + t * (b.opacity - a.opacity)));
  }
  return table;
}

/** The preset that suits a modality, when the user has not chosen one. */
export function defaultPreset(modality: 'CT' | 'MR' | 'other'): PresetName {
  return modality === 'MR' ? 'mr-brain' : 'ct-bone';
}
