import {
  BoxGeometry,
  CapsuleGeometry,
  CylinderGeometry,
  Group,
  Mesh,
  MeshLambertMaterial,
  SphereGeometry,
  type BufferGeometry,
} from 'three';
import type { BodyUpdate, KeyframeBody, Vec3 } from '../protocol';

/** Meshes of the server's bodies, by body id, under one group. */
export interface BodyMeshes {
  group: Group;
  byId: Map<number, Mesh>;
  /** Latest positions, shared read-only with the test probe. */
  positions: Map<number, Vec3>;
}

export function createBodyMeshes(): BodyMeshes {
  const group = new Group();
  group.name = 'bodies';
  return { group, byId: new Map(), positions: new Map() };
}

/** Replaces every mesh with the keyframe's bodies. */
export function applyKeyframe(meshes: BodyMeshes, bodies: readonly KeyframeBody[]): void {
  clearBodies(meshes);
  for (const body of bodies) {
    const mesh = new Mesh(geometryOf(body), materialOf(body.color));
    mesh.name = `body-${body.id}`;
    mesh.userData['bodyId'] = body.id;
    mesh.position.set(body.position.x, body.position.y, body.position.z);
    mesh.quaternion.set(body.orientation.x, body.orientation.y, body.orientation.z, body.orientation.w);
    meshes.group.add(mesh);
    meshes.byId.set(body.id, mesh);
    meshes.positions.set(body.id, { x: body.position.x, y: body.position.y, z: body.position.z });
  }
}

/** Moves the bodies a snapshot names; ids not in the last keyframe are ignored. */
export function applySnapshot(meshes: BodyMeshes, updates: readonly BodyUpdate[]): void {
  for (const update of updates) {
    const mesh = meshes.byId.get(update.id);
    if (mesh === undefined) continue;
    const p = update.position;
    const q = update.orientation;
    mesh.position.set(p.x, p.y, p.z);
    mesh.quaternion.set(q.x, q.y, q.z, q.w);
    const shared = meshes.positions.get(update.id);
    if (shared !== undefined) {
      shared.x = p.x;
      shared.y = p.y;
      shared.z = p.z;
    }
  }
}

export function clearBodies(meshes: BodyMeshes): void {
  for (const mesh of meshes.byId.values()) {
    mesh.geometry.dispose();
    (mesh.material as MeshLambertMaterial).dispose();
  }
  meshes.group.clear();
  meshes.byId.clear();
  meshes.positions.clear();
}

function geometryOf(body: KeyframeBody): BufferGeometry {
  const shape = body.shape;
  switch (shape.kind) {
    case 'sphere':
      return new SphereGeometry(shape.radius, 32, 16);
    case 'capsule':
      return new CapsuleGeometry(shape.radius, 2 * shape.halfLength, 8, 16);
    case 'cylinder':
      return new CylinderGeometry(shape.radius, shape.radius, 2 * shape.halfHeight, 24);
    case 'prism':
      // Three segments: a triangular cylinder, a corner on +X (circumradius = side / sqrt 3).
      return new CylinderGeometry(
        (2 * shape.halfSide) / Math.sqrt(3),
        (2 * shape.halfSide) / Math.sqrt(3),
        2 * shape.halfHeight,
        3,
      ).rotateY(Math.PI / 2);
    case 'box': {
      const h = shape.halfExtents;
      return new BoxGeometry(2 * h.x, 2 * h.y, 2 * h.z);
    }
  }
}

/** `rgba` is 0xRRGGBBAA. */
function materialOf(rgba: number): MeshLambertMaterial {
  const alpha = (rgba & 0xff) / 255;
  return new MeshLambertMaterial({
    color: rgba >>> 8,
    transparent: alpha < 1,
    opacity: alpha,
  });
}
