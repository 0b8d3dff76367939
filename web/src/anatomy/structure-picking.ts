import { Vector3, type Intersection, type Raycaster } from 'three';
import { structureNameAt, type AnatomyModel } from './glb-model';

export interface StructurePick {
  name: string;
  /** World coordinates of the hit. */
  point: Vector3;
}

const hits: Intersection[] = [];

/** The nearest structure on the ray (a click, a tap, or a controller's select). */
export function pickStructure(raycaster: Raycaster, model: AnatomyModel): StructurePick | null {
  hits.length = 0;
  raycaster.intersectObjects(model.meshes, false, hits);
  const hit = hits[0];
  if (hit === undefined || hit.faceIndex === undefined || hit.faceIndex === null) return null;
  return { name: structureNameAt(model, hit.faceIndex), point: hit.point.clone() };
}
