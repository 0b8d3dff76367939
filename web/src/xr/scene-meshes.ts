import { DoubleSide, Group, LinearSRGBColorSpace } from 'three';
import type { MeshDelta, MeshTopology } from '../protocol';
import { applyVertexUpdates, createDeformableMesh, type DeformableMesh } from './deformable-mesh';

/**
 * The module's deformable surfaces (tissue, gauze) as the server streams
 * them (docs/protocol.md): a keyframe or a MESH frame brings a topology and
 * makes its geometry once; snapshots move vertices inside that geometry's
 * one position buffer. Deltas for a topology the client does not hold (a
 * cut that crossed a snapshot) are skipped, never written out of bounds.
 */
export interface SceneMeshes {
  group: Group;
  byId: Map<number, SceneMeshEntry>;
  /** Vertices written by snapshots since creation (a test figure). */
  verticesApplied: number;
}

export interface SceneMeshEntry {
  topologyVersion: number;
  vertexCount: number;
  deformable: DeformableMesh;
}

export function createSceneMeshes(): SceneMeshes {
  const group = new Group();
  group.name = 'deformable-meshes';
  return { group, byId: new Map(), verticesApplied: 0 };
}

/** Replaces every mesh with a keyframe's. */
export function applyMeshKeyframe(set: SceneMeshes, meshes: readonly MeshTopology[]): void {
  clearSceneMeshes(set);
  for (const mesh of meshes) applyMeshTopology(set, mesh);
}

/** Makes (or remakes, after a cut) one mesh from its topology. */
export function applyMeshTopology(set: SceneMeshes, topology: MeshTopology): void {
  const old = set.byId.get(topology.id);
  if (old !== undefined) dispose(set, old);
  const deformable = createDeformableMesh(
    dequantisedPositions(topology),
    topology.triangles,
    { min: topology.boundsMin, max: topology.boundsMax },
    0xffffff,
  );
  const material = deformable.mesh.material;
  const c = topology.colour;
  material.color.setRGB(c.r, c.g, c.b, LinearSRGBColorSpace);
  material.opacity = c.a;
  material.transparent = c.a < 1;
  // A sheet (gauze, a peritoneal flap) is seen from both sides.
  material.side = DoubleSide;
  deformable.mesh.name = `mesh-${topology.id}-${topology.name}`;
  deformable.mesh.userData['meshId'] = topology.id;
  set.group.add(deformable.mesh);
  set.byId.set(topology.id, { topologyVersion: topology.topologyVersion, vertexCount: topology.vertexCount, deformable });
}

/** Writes a snapshot's moved vertices; returns how many were written. */
export function applyMeshDeltas(set: SceneMeshes, deltas: readonly MeshDelta[]): number {
  let written = 0;
  for (const delta of deltas) {
    const entry = set.byId.get(delta.id);
    if (entry === undefined || entry.topologyVersion !== delta.topologyVersion) continue;
    written += applyVertexUpdates(entry.deformable, delta.vertices, delta.quantised, delta.count);
  }
  set.verticesApplied += written;
  return written;
}

export function clearSceneMeshes(set: SceneMeshes): void {
  for (const entry of set.byId.values()) dispose(set, entry);
  set.byId.clear();
}

/** v = min + q * (max - min) / 65535 per axis (docs/protocol.md, quantisation). */
export function dequantisedPositions(topology: MeshTopology): Float32Array {
  const q = topology.quantised;
  const out = new Float32Array(q.length);
  const lo = topology.boundsMin;
  const hi = topology.boundsMax;
  const sx = (hi.x - lo.x) / 65535;
  const sy = (hi.y - lo.y) / 65535;
  const sz = (hi.z - lo.z) / 65535;
  for (let i = 0; i < q.length; i += 3) {
    out[i] = lo.x + q[i]! * sx;
    out[i + 1] = lo.y + q[i + 1]! * sy;
    out[i + 2] = lo.z + q[i + 2]! * sz;
  }
  return out;
}

function dispose(set: SceneMeshes, entry: SceneMeshEntry): void {
  set.group.remove(entry.deformable.mesh);
  entry.deformable.mesh.geometry.dispose();
  entry.deformable.mesh.material.dispose();
}
