import { Plane, Vector3, type Material } from 'three';
import type { AnatomyModel } from './glb-model';
import { clearVolumeClipPlane, setVolumeClipPlane, type VolumeRenderer } from './volume-renderer';

/**
 * One clipping plane through the whole specimen: the ray-marched volume
 * (in its shader) and the surface model (three.js local clipping on the
 * model's materials), so a cut shows the model's structures and the
 * volume's voxels on the same face. The side the normal points to is cut
 * away, as with the volume renderer's plane. Moving the plane allocates
 * nothing; switching it on or off reassigns the model's materials (three.js
 * then rebuilds their shaders once).
 */
export interface SpecimenClip {
  active: boolean;
  /** World point and unit normal of the plane while active. */
  point: Vector3;
  normal: Vector3;
  /** three.js keeps points whose signed distance is positive: the normal negated. */
  planes: Plane[];
  /** The model whose materials carry `planes` now. */
  clippedModel: AnatomyModel | null;
}

export function createSpecimenClip(): SpecimenClip {
  return { active: false, point: new Vector3(), normal: new Vector3(0, 0, -1), planes: [new Plane()], clippedModel: null };
}

const keptSide = new Vector3();

/** Puts the plane through a world point with a world normal (the side cut away). */
export function setSpecimenClip(clip: SpecimenClip, point: Vector3, normal: Vector3, volume: VolumeRenderer | null, model: AnatomyModel | null): void {
  clip.active = true;
  clip.point.copy(point);
  clip.normal.copy(normal).normalize();
  clip.planes[0]!.setFromNormalAndCoplanarPoint(keptSide.copy(clip.normal).negate(), clip.point);
  if (volume !== null) setVolumeClipPlane(volume, clip.point, clip.normal);
  clipModel(clip, model);
}

export function clearSpecimenClip(clip: SpecimenClip, volume: VolumeRenderer | null): void {
  clip.active = false;
  if (volume !== null) clearVolumeClipPlane(volume);
  clipModel(clip, null);
}

/** The model's materials carry the plane exactly while the clip is active (call after a model loads). */
export function clipModel(clip: SpecimenClip, model: AnatomyModel | null): void {
  const target = clip.active ? model : null;
  if (clip.clippedModel === target) return;
  if (clip.clippedModel !== null) setPlanes(clip.clippedModel, null);
  if (target !== null) setPlanes(target, clip.planes);
  clip.clippedModel = target;
}

function setPlanes(model: AnatomyModel, planes: Plane[] | null): void {
  for (const mesh of model.meshes) {
    const materials: Material[] = Array.isArray(mesh.material) ? mesh.material : [mesh.material];
    for (const material of materials) {
      material.clippingPlanes = planes;
      material.needsUpdate = true;
    }
  }
}
