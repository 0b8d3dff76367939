import { Raycaster, Vector3 } from 'three';
import { describe, expect, it } from 'vitest';
import { parseAnatomyModel, structureName } from './glb-model';
import { pickStructure } from './structure-picking';

/** A .glb (glTF 2.0 binary, spec section 4.4) with one triangle mesh per name, side by side along x. */
function makeGlb(names: string[]): ArrayBuffer {
  const triangle = [0, 0, 0, 0.02, 0, 0, 0, 0.02, 0];
  const positions = new Float32Array(triangle.length * names.length);
  names.forEach((_, i) => triangle.forEach((v, k) => (positions[i * 9 + k] = v + (k % 3 === 0 ? i * 0.05 : 0))));
  const bin = new Uint8Array(positions.buffer);
  const json = {
    asset: { version: '2.0' },
    scene: 0,
    scenes: [{ nodes: names.map((_, i) => i) }],
    nodes: names.map((name, i) => ({ name, mesh: i })),
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
  it('lists each mesh as a named structure, centred under one root', async () => {
    const model = await parseAnatomyModel(makeGlb(['left_kidney', 'liver']));
    expect(model.structures.map(structureName)).toEqual(['left kidney', 'liver']);
    expect(model.size.x).toBeCloseTo(0.07, 5);
    model.root.updateMatrixWorld(true);
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
