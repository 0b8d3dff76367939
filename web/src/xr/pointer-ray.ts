import {
  BufferGeometry,
  Float32BufferAttribute,
  Line,
  LineBasicMaterial,
  Mesh,
  MeshBasicMaterial,
  RingGeometry,
  Vector3,
  type Object3D,
} from 'three';

const MAX_RAY_M = 5;
const IDLE_COLOUR = 0xffffff;
const HOVER_COLOUR = 0x2f7de1;
const TELEPORT_COLOUR = 0x22c55e;

/**
 * A hand's pointer: a thin line from the target-ray space, cut where it
 * hits, and a ring on what it hits. `origin` and `direction` are the ray in
 * world coordinates for this frame (read them after `aimPointer`).
 */
export interface PointerRay {
  line: Line<BufferGeometry, LineBasicMaterial>;
  reticle: Mesh<RingGeometry, MeshBasicMaterial>;
  origin: Vector3;
  direction: Vector3;
}

export type PointerHitKind = 'none' | 'hover' | 'teleport';

export function createPointerRay(): PointerRay {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute([0, 0, 0, 0, 0, -1], 3));
  const line = new Line(geometry, new LineBasicMaterial({ color: IDLE_COLOUR, transparent: true, opacity: 0.7 }));
  line.name = 'pointer-ray';
  line.scale.z = MAX_RAY_M;
  const reticle = new Mesh(new RingGeometry(0.02, 0.03, 24), new MeshBasicMaterial({ color: HOVER_COLOUR, depthTest: false }));
  reticle.name = 'pointer-reticle';
  reticle.visible = false;
  return { line, reticle, origin: new Vector3(), direction: new Vector3() };
}

export function attachPointerRay(pointer: PointerRay, raySpace: Object3D, scene: Object3D): void {
  if (pointer.line.parent !== raySpace) raySpace.add(pointer.line);
  if (pointer.reticle.parent !== scene) scene.add(pointer.reticle);
}

/** Reads the ray's world origin and direction from its target-ray space. */
export function aimPointer(pointer: PointerRay, raySpace: Object3D): void {
  raySpace.updateWorldMatrix(true, false);
  pointer.origin.setFromMatrixPosition(raySpace.matrixWorld);
  pointer.direction.set(0, 0, -1).transformDirection(raySpace.matrixWorld);
}

const hitPoint = new Vector3();

/** Cuts the ray at `distance` (Infinity: full length) and puts the ring there, facing the user. */
export function showPointerHit(pointer: PointerRay, distance: number, kind: PointerHitKind, normalUp: boolean): void {
  const hit = Number.isFinite(distance) && kind !== 'none';
  pointer.line.scale.z = hit ? distance : MAX_RAY_M;
  pointer.line.material.color.setHex(kind === 'teleport' ? TELEPORT_COLOUR : kind === 'hover' ? HOVER_COLOUR : IDLE_COLOUR);
  pointer.reticle.visible = hit;
  if (!hit) return;
  hitPoint.copy(pointer.direction).multiplyScalar(distance).add(pointer.origin);
  pointer.reticle.position.copy(hitPoint);
  pointer.reticle.material.color.setHex(kind === 'teleport' ? TELEPORT_COLOUR : HOVER_COLOUR);
  if (normalUp) {
    pointer.reticle.rotation.set(-Math.PI / 2, 0, 0);
    pointer.reticle.scale.setScalar(4);
  } else {
    pointer.reticle.lookAt(pointer.origin);
    pointer.reticle.scale.setScalar(1);
  }
}

export function setPointerVisible(pointer: PointerRay, visible: boolean): void {
  pointer.line.visible = visible;
  if (!visible) pointer.reticle.visible = false;
}

export function disposePointerRay(pointer: PointerRay): void {
  pointer.line.removeFromParent();
  pointer.reticle.removeFromParent();
  pointer.line.geometry.dispose();
  pointer.line.material.dispose();
  pointer.reticle.geometry.dispose();
  pointer.reticle.material.dispose();
}
