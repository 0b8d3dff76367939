import { Vector3, type Object3D } from 'three';

/** glTF models are in metres (glTF 2.0 spec, 3.4); clinicians measure in millimetres. */
export const MM_PER_METRE = 1000;

/**
 * Distance between two picked points in the model's own units, converted
 * to millimetres: however the user scaled or moved the model in the room,
 * the figure is the patient's anatomy. Points are in world coordinates.
 */
export function distanceMm(model: Object3D, a: Vector3, b: Vector3, mmPerModelUnit = MM_PER_METRE): number {
  model.updateWorldMatrix(true, false);
  const localA = model.worldToLocal(scratchA.copy(a));
  const localB = model.worldToLocal(scratchB.copy(b));
  return localA.distanceTo(localB) * mmPerModelUnit;
}

/** "42.3 mm", or "1.2 mm" below a centimetre too: one decimal, as a ruler reads. */
export function formatMm(mm: number): string {
  return `${mm.toFixed(1)} mm`;
}

const scratchA = new Vector3();
const scratchB = new Vector3();
