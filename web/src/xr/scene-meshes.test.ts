import { describe, expect, it } from 'vitest';
import type { MeshTopology } from '../protocol';
import { applyMeshDeltas, applyMeshKeyframe, applyMeshTopology, createSceneMeshes, dequantisedPositions } from './scene-meshes';

// Bounds of 0.1 m on x and z, 0.02 m on y: a quantum of 1.53 um (x, z) and 0.31 um (y).
const min = { x: -0.05, y: 0.8, z: -0.06 };
const max = { x: 0.05, y: 0.82, z: 0.04 };
const quantum = { x: 0.1 / 65535, y: 0.02 / 65535, z: 0.1 / 65535 };

function gauze(version = 1, triangles = [0, 2, 1, 1, 2, 3]): MeshTopology {
  return {
    id: 40,
    topologyVersion: version,
    name: 'gauze',
    colour: { r: 0.9, g: 0.9, b: 0.85, a: 1 },
    boundsMin: min,
    boundsMax: max,
    vertexCount: 4,
    quantised: new Uint16Array([0, 0, 0, 65535, 0, 0, 0, 0, 65535, 65535, 65535, 65535]),
    triangles: new Uint32Array(triangles),
  };
}

describe('scene meshes from the wire', () => {
  it('makes a keyframe mesh with positions read back from the quantised values', () => {
    const set = createSceneMeshes();
    applyMeshKeyframe(set, [gauze()]);
    expect(set.group.children).toHaveLength(1);
    const positions = set.byId.get(40)!.deformable.positions;
    // q = 0 is the bounds' min, q = 65535 its max (docs/protocol.md).
    expect(positions.getX(0)).toBeCloseTo(-0.05, 6);
    expect(positions.getY(0)).toBeCloseTo(0.8, 6);
    expect(positions.getX(3)).toBeCloseTo(0.05, 6);
    expect(positions.getY(3)).toBeCloseTo(0.82, 6);
    expect(positions.getZ(2)).toBeCloseTo(0.04, 6);
    expect(set.byId.get(40)!.deformable.mesh.geometry.index!.count).toBe(6);
  });

  it('moves vertices in place from snapshot deltas, within one quantum of the server position', () => {
    const set = createSceneMeshes();
    applyMeshKeyframe(set, [gauze()]);
    const buffer = set.byId.get(40)!.deformable.positions.array;
    // The server's vertex 2 moved to (0.0123, 0.8111, -0.0011): its quantised values, by the formula.
    const target = { x: 0.0123, y: 0.8111, z: -0.0011 };
    const q = (v: number, lo: number, hi: number): number => Math.round(((v - lo) / (hi - lo)) * 65535);
    const written = applyMeshDeltas(set, [
      {
        id: 40,
        topologyVersion: 1,
        count: 1,
        vertices: new Uint32Array([2]),
        quantised: new Uint16Array([q(target.x, min.x, max.x), q(target.y, min.y, max.y), q(target.z, min.z, max.z)]),
      },
    ]);
    expect(written).toBe(1);
    const positions = set.byId.get(40)!.deformable.positions;
    expect(positions.array).toBe(buffer);
    expect(Math.abs(positions.getX(2) - target.x)).toBeLessThanOrEqual(quantum.x);
    expect(Math.abs(positions.getY(2) - target.y)).toBeLessThanOrEqual(quantum.y);
    expect(Math.abs(positions.getZ(2) - target.z)).toBeLessThanOrEqual(quantum.z);
    expect(set.verticesApplied).toBe(1);
  });

  it('skips deltas for another topology version or an unknown mesh', () => {
    const set = createSceneMeshes();
    applyMeshKeyframe(set, [gauze(2)]);
    const delta = { count: 1, vertices: new Uint32Array([0]), quantised: new Uint16Array([100, 100, 100]) };
    expect(applyMeshDeltas(set, [{ id: 40, topologyVersion: 1, ...delta }])).toBe(0);
    expect(applyMeshDeltas(set, [{ id: 41, topologyVersion: 2, ...delta }])).toBe(0);
    expect(set.byId.get(40)!.deformable.positions.getX(0)).toBeCloseTo(-0.05, 6);
  });

  it('replaces a mesh when a MESH frame brings its new topology (a cut)', () => {
    const set = createSceneMeshes();
    applyMeshKeyframe(set, [gauze(1)]);
    applyMeshTopology(set, gauze(2, [0, 2, 1]));
    expect(set.group.children).toHaveLength(1);
    expect(set.byId.get(40)!.topologyVersion).toBe(2);
    expect(set.byId.get(40)!.deformable.mesh.geometry.index!.count).toBe(3);
  });

  it('reads positions back with v = min + q (max - min) / 65535', () => {
    const p = dequantisedPositions({ ...gauze(), quantised: new Uint16Array([32768, 0, 65535, 1, 1, 1, 0, 0, 0, 0, 0, 0]) });
    expect(p[0]).toBeCloseTo(-0.05 + (32768 * 0.1) / 65535, 7);
    expect(p[2]).toBeCloseTo(0.04, 7);
    expect(p[3]).toBeCloseTo(-0.05 + quantum.x, 7);
  });
});
