import { BufferAttribute, BufferGeometry, DynamicDrawUsage, Mesh, MeshLambertMaterial } from 'three';
import type { Vec3 } from '../protocol';

/**
 * A soft-tissue surface the server deforms. The architecture's snapshots
 * carry vertex positions quantized to 16 bits in the mesh's bounding box,
 * only for vertices that moved; this writes them into the one position
 * buffer made at creation (no reallocation), and uploads only the changed
 * range. `scene-meshes.ts` feeds it the decoded KEYFRAME, MESH and SNAPSHOT
 * records of protocol version 2.
 */
export interface DeformableMesh {
  mesh: Mesh<BufferGeometry, MeshLambertMaterial>;
  positions: BufferAttribute;
  /** Quantization box: q = 0 is `min`, q = 65535 is `max`, per axis. */
  min: Vec3;
  max: Vec3;
  /** Recompute normals after an update (shading follows the deformation; costs one pass over the mesh). */
  smoothNormals: boolean;
}

const Q_MAX = 65535;

export function createDeformableMesh(
  restPositions: Float32Array,
  triangles: Uint16Array | Uint32Array,
  box: { min: Vec3; max: Vec3 },
  colour: number,
): DeformableMesh {
  const geometry = new BufferGeometry();
  const positions = new BufferAttribute(restPositions, 3);
  positions.setUsage(DynamicDrawUsage); // rewritten often
  geometry.setAttribute('position', positions);
  geometry.setIndex(new BufferAttribute(triangles, 1));
  geometry.computeVertexNormals();
  geometry.computeBoundingSphere();
  const mesh = new Mesh(geometry, new MeshLambertMaterial({ color: colour }));
  return { mesh, positions, min: { ...box.min }, max: { ...box.max }, smoothNormals: true };
}

/**
 * Writes `count` moved vertices: `ids[i]` is a vertex index, and
 * `quantized[3i..3i+2]` its x, y, z in 0..65535 across the box.
 * Ids outside the mesh are skipped (a message for another revision of the
 * mesh must not write out of bounds). Returns how many were written.
 */
export function applyVertexUpdates(d: DeformableMesh, ids: ArrayLike<number>, quantized: ArrayLike<number>, count: number): number {
  const array = d.positions.array as Float32Array;
  const vertices = array.length / 3;
  const sx = (d.max.x - d.min.x) / Q_MAX;
  const sy = (d.max.y - d.min.y) / Q_MAX;
  const sz = (d.max.z - d.min.z) / Q_MAX;
  let lowest = vertices;
  let highest = -1;
  let written = 0;
  for (let i = 0; i < count; i++) {
    const id = ids[i]!;
    if (!(id >= 0 && id < vertices)) continue;
    const o = 3 * id;
    array[o] = d.min.x + quantized[3 * i]! * sx;
    array[o + 1] = d.min.y + quantized[3 * i + 1]! * sy;
    array[o + 2] = d.min.z + quantized[3 * i + 2]! * sz;
    if (id < lowest) lowest = id;
    if (id > highest) highest = id;
    written += 1;
  }
  if (written === 0) return 0;
  d.positions.clearUpdateRanges();
  d.positions.addUpdateRange(3 * lowest, 3 * (highest - lowest + 1));
  d.positions.needsUpdate = true;
  if (d.smoothNormals) d.mesh.geometry.computeVertexNormals();
  return written;
}

/** The quantized value of a coordinate, as the server computes it (round to nearest). */
export function quantize(value: number, min: number, max: number): number {
  if (max <= min) return 0;
  return Math.max(0, Math.min(Q_MAX, Math.round(((value - min) / (max - min)) * Q_MAX)));
}
