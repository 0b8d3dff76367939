import { Box3, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import type { BodyShape, KeyframeBody } from '../protocol';
import { applyKeyframe, applySnapshot, createBodyMeshes } from './body-meshes';

function body(id: number, shape: BodyShape): KeyframeBody {
  return { id, shape, color: 0x336699ff, position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };
}

/** The local bounding box's size of the mesh drawn for `shape`. */
function sizeOf(shape: BodyShape): Vector3 {
  const meshes = createBodyMeshes();
  applyKeyframe(meshes, [body(1, shape)]);
  const mesh = meshes.byId.get(1);
  if (mesh === undefined) throw new Error('no mesh');
  mesh.geometry.computeBoundingBox();
  return (mesh.geometry.boundingBox as Box3).getSize(new Vector3());
}

describe('body meshes', () => {
  it('draws each protocol shape at its documented size and axis', () => {
    const box = sizeOf({ kind: 'box', halfExtents: { x: 0.1, y: 0.2, z: 0.3 } });
    expect([box.x, box.y, box.z]).toEqual([0.2, 0.2 * 2, 0.3 * 2].map((v) => expect.closeTo(v, 6)));
    // A capsule along +Y: 2 * (half length + radius) long, 2 * radius across.
    const capsule = sizeOf({ kind: 'capsule', radius: 0.0025, halfLength: 0.18 });
    expect(capsule.y).toBeCloseTo(2 * (0.18 + 0.0025), 6);
    expect(capsule.x).toBeCloseTo(0.005, 4);
    expect(capsule.z).toBeCloseTo(0.005, 4);
    // A peg: a cylinder along +Y.
    const peg = sizeOf({ kind: 'cylinder', radius: 0.002, halfHeight: 0.0125 });
    expect(peg.y).toBeCloseTo(0.025, 6);
    expect(peg.x).toBeCloseTo(0.004, 3);
    // An equilateral prism of side 18 mm: 18 mm across in z, its height
    // (side * sqrt 3 / 2) in x, one corner on +X.
    const prism = sizeOf({ kind: 'prism', halfSide: 0.009, halfHeight: 0.004 });
    expect(prism.z).toBeCloseTo(0.018, 6);
    expect(prism.x).toBeCloseTo((0.018 * Math.sqrt(3)) / 2, 6);
    expect(prism.y).toBeCloseTo(0.008, 6);
  });

  it('moves only the bodies a snapshot names', () => {
    const meshes = createBodyMeshes();
    applyKeyframe(meshes, [body(1, { kind: 'sphere', radius: 0.01 }), body(2, { kind: 'sphere', radius: 0.01 })]);
    applySnapshot(meshes, [{ id: 2, position: { x: 1, y: 2, z: 3 }, orientation: { x: 0, y: 0, z: 0, w: 1 } }]);
    expect(meshes.byId.get(1)?.position.toArray()).toEqual([0, 0, 0]);
    expect(meshes.byId.get(2)?.position.toArray()).toEqual([1, 2, 3]);
    expect(meshes.positions.get(2)).toEqual({ x: 1, y: 2, z: 3 });
  });
});
