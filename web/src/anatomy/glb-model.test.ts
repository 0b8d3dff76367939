import { Raycaster, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { parseAnatomyModel } from './glb-model';
import { structureAtTriangle } from './merged-structures';
import { pickStructure } from './structure-picking';

/**
 * A .glb (glTF 2.0 binary, spec section 4.4) with one triangle mesh per
 * name, side by side along x (5 cm apart), each node moved by `lift` in y.
 */
function makeGlb(names: string[], lift = 0): ArrayBuffer {
  const triangle = [0, 0, 0, 0.02, 0, 0, 0, 0.02, 0];
  const positions = new Float32Array(triangle.length * names.length);
  names.forEach((_, i) => triangle.forEach((v, k) => (positions[i * 9 + k] = v + (k % 3 === 0 ? i * 0.05 : 0))));
  const bin = new Uint8Array(positions.buffer);
  const json = {
    asset: { version: '2.0' },
    scene: 0,
    scenes: [{ nodes: names.map((_, i) => i) }],
    nodes: names.map((name, i) => ({ name, mesh: i, ...(lift !== 0 ? { translation: [0, lift * i, 0] } : {}) })),
    meshes: names.map((name, i) => ({ name, primitives: [{ attributes: { POSITION: i } }] })),
    accessors: names.map((_, i) => ({
      bufferView: i, componentType: 5126, count: 3, type: 'VEC3',
      min: [i * 0.05, 0, 0], max: [i * 0.05 + 0.02, 0.02, 0],
    })),
    bufferViews: names.map((_, i) => ({ buffer: 0, byteOffset: i * 36, byteLength: 36 })),
    buffers: [{ byteLength: bin.byteLength }],
  };
  let text = JSON.stringify(json);
  while (text.length % 4 !== 0) text += ' ';
  const jsonBytes = new TextEncoder().encode(text);
  const total = 12 + 8 + jsonBytes.length + 8 + bin.byteLength;
  const out = new ArrayBuffer(total);
  const view = new DataView(out);
  view.setUint32(0, 0x46546c67, true); // "glTF"
  view.setUint32(4, 2, true);
  view.setUint32(8, total, true);
  view.setUint32(12, jsonBytes.length, true);
  view.setUint32(16, 0x4e4f534a, true); // "JSON"
  new Uint8Array(out, 20, jsonBytes.length).set(jsonBytes);
  const binAt = 20 + jsonBytes.length;
  view.setUint32(binAt, bin.byteLength, true);
  view.setUint32(binAt + 4, 0x004e4942, true); // "BIN\0"
  new Uint8Array(out, binAt + 8).set(bin);
  return out;
}

describe('anatomy model from .glb', () => {
  it('names each structure and draws them all as one centred mesh', async () => {
    const model = await parseAnatomyModel(makeGlb(['left_kidney', 'liver']));
    expect(model.names).toEqual(['left kidney', 'liver']);
    expect(model.meshes).toHaveLength(1);
    expect(Array.from(model.firstTriangle)).toEqual([0, 1]);
    expect(model.size.x).toBeCloseTo(0.07, 5);
    // Centred: the box 0..0.07 m in x now spans -0.035..0.035.
    const box = model.meshes[0]!.geometry.boundingBox!;
    expect(box.min.x).toBeCloseTo(-0.035, 6);
    expect(box.max.x).toBeCloseTo(0.035, 6);
  });

  it("bakes each node's transform into the merged mesh", async () => {
    // The second triangle's node is lifted 10 cm: the model is 12 cm tall, centred at 6 cm.
    const model = await parseAnatomyModel(makeGlb(['left_kidney', 'liver'], 0.1));
    expect(model.size.y).toBeCloseTo(0.12, 6);
    expect(model.centre.y).toBeCloseTo(0.06, 6);
    model.root.updateMatrixWorld(true);
    const liver = new Raycaster(new Vector3(0.015 + 0.002, 0.1 - 0.06 + 0.002, 1), new Vector3(0, 0, -1));
    expect(pickStructure(liver, model)?.name).toBe('liver');
    const kidney = new Raycaster(new Vector3(-0.033, -0.06 + 0.002, 1), new Vector3(0, 0, -1));
    expect(pickStructure(kidney, model)?.name).toBe('left kidney');
  });

  it('finds the structure of a triangle, skipping structures without triangles', () => {
    const first = new Uint32Array([0, 10, 10, 25]);
    expect([0, 9, 10, 24, 25, 1000].map((t) => structureAtTriangle(first, t))).toEqual([0, 0, 2, 2, 3, 3]);
  });

  it('picks the structure under a ray and where it was hit', async () => {
    const model = await parseAnatomyModel(makeGlb(['left_kidney', 'liver']));
    model.root.updateMatrixWorld(true);
    const ray = new Raycaster(new Vector3(0.02, -0.005, 1), new Vector3(0, 0, -1));
    const pick = pickStructure(ray, model);
    expect(pick?.name).toBe('liver');
    expect(pick?.point.z).toBeCloseTo(0, 6);
    expect(pickStructure(new Raycaster(new Vector3(5, 5, 1), new Vector3(0, 0, -1)), model)).toBeNull();
  });
});
