import { Sphere, Vector3, type Mesh } from 'three';

/**
 * Ray tests for the pointer that allocate nothing, so they can run every
 * frame: bounding spheres for bodies, a horizontal disc for the floor.
 * (three.js's Raycaster allocates one object per hit; it is used for
 * picking on select, not for hover.)
 */

/** Distance along a unit ray to a sphere, or Infinity. */
export function raySphereDistance(origin: Vector3, direction: Vector3, centre: Vector3, radius: number): number {
  const ox = origin.x - centre.x;
  const oy = origin.y - centre.y;
  const oz = origin.z - centre.z;
  const b = ox * direction.x + oy * direction.y + oz * direction.z;
  const c = ox * ox + oy * oy + oz * oz - radius * radius;
  const disc = b * b - c;
  if (disc < 0) return Number.POSITIVE_INFINITY;
  const root = Math.sqrt(disc);
  const near = -b - root;
  if (near >= 0) return near;
  const far = -b + root;
  return far >= 0 ? 0 : Number.POSITIVE_INFINITY; // inside the sphere: hit at once
}

/** Distance along a unit ray to the plane y = `height` within `radius` of the vertical axis, or Infinity. */
export function rayFloorDistance(origin: Vector3, direction: Vector3, height: number, radius: number): number {
  if (direction.y > -1e-4) return Number.POSITIVE_INFINITY;
  const t = (height - origin.y) / direction.y;
  if (t < 0) return Number.POSITIVE_INFINITY;
  const x = origin.x + t * direction.x;
  const z = origin.z + t * direction.z;
  return x * x + z * z <= radius * radius ? t : Number.POSITIVE_INFINITY;
}

const centre = new Vector3();

/** The nearest mesh whose world bounding sphere the ray crosses; index into `meshes`, or -1. */
export function nearestMeshOnRay(meshes: readonly Mesh[], origin: Vector3, direction: Vector3, out: { distance: number }): number {
  let best = -1;
  out.distance = Number.POSITIVE_INFINITY;
  for (let i = 0; i < meshes.length; i++) {
    const mesh = meshes[i]!;
    const sphere = boundingSphereOf(mesh);
    centre.copy(sphere.center).applyMatrix4(mesh.matrixWorld);
    const d = raySphereDistance(origin, direction, centre, sphere.radius * mesh.matrixWorld.getMaxScaleOnAxis());
    if (d < out.distance) {
      out.distance = d;
      best = i;
    }
  }
  return best;
}

function boundingSphereOf(mesh: Mesh): Sphere {
  if (mesh.geometry.boundingSphere === null) mesh.geometry.computeBoundingSphere(); // once per geometry
  return mesh.geometry.boundingSphere ?? EMPTY_SPHERE;
}

const EMPTY_SPHERE = new Sphere(new Vector3(), 0);
