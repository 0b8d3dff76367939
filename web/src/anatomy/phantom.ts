import type { Volume } from './volume-format';

/**
 * A head-like CT phantom generated in the browser: air, skin and soft
 * tissue, a skull shell, brain and two ventricles, in Hounsfield units.
 * It is what the anatomy view shows without a study, and the standard
 * scene of the frame-time benchmark. Not anatomy: a test object.
 */
export function createHeadPhantom(n = 128, spacingMm = 1.5): Volume {
  const voxels = new Int16Array(n * n * n);
  const c = (n - 1) / 2;
  for (let z = 0; z < n; z++) {
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        // Normalised coordinates, the head a little longer front to back (z) than wide.
        const u = (x - c) / c;
        const v = (y - c) / c;
        const w = (z - c) / c;
        const r = Math.sqrt((u / 0.78) ** 2 + (v / 0.9) ** 2 + (w / 0.92) ** 2);
        let hu = -1000;
        if (r < 1) hu = 40; // scalp
        if (r < 0.93) hu = 1100 + 200 * Math.sin(9 * u) * Math.sin(7 * w); // skull, uneven like real bone
        if (r < 0.85) hu = 35 + 6 * Math.sin(20 * v); // brain, grey/white texture
        const ventricle = Math.sqrt(((Math.abs(u) - 0.16) / 0.1) ** 2 + ((v - 0.05) / 0.25) ** 2 + (w / 0.35) ** 2);
        if (ventricle < 1) hu = 5;
        voxels[(z * n + y) * n + x] = Math.round(hu);
      }
    }
  }
  return { dims: [n, n, n], spacingMm: [spacingMm, spacingMm, spacingMm], voxels, slope: 1, intercept: 0, modality: 'CT' };
}
