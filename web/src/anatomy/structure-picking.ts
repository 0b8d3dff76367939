import { Vector3, type Intersection, type Raycaster } from 'three';
import { structureName, type AnatomyModel } from './glb-model';

export interface StructurePick {
  name: string;
  /** World coordinates of the hit. */
  point: Vector3;
}

const hits: Intersection[] = [];

/** The nearest structure on the ray (a click, a tap, or a controller's select). */
export function pickStructure(raycaster: Raycaster, model: AnatomyModel): StructurePick | null {
  hits.length = 0;
  raycaster.intersectObjects(model.structures, false, hits);
  const hit = hits[0];
  if (hit === undefined) return null;
  return { name: structureName(hit.object), point: hit.point.clone() };
}
