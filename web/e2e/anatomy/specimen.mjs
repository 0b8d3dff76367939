// The anatomy specimen the viewer cases open: a generated .glb (two
// coloured boxes, named like atlas structures) and a generated volume
// texture in the imaging export's format (JSON header naming a raw uint8
// file, src/imaging/volume_texture.h), both as data: URLs since the
// server's imaging routes do not exist yet.

import { pollUntil } from '../harness/wait.mjs';

export const BOX_MM = 40;
export const APART_MM = 70; // centre to centre, along x
export const STRUCTURES = [
  { name: 'left_kidney', label: 'left kidney', rgb: [0.85, 0.1, 0.1], hue: 0, xMm: -APART_MM / 2 },
  { name: 'liver', label: 'liver', rgb: [0.1, 0.3, 0.9], hue: 225, xMm: APART_MM / 2 },
];

/** Opens the specimen in the page's anatomy view (CT bone preset) and waits until both are loaded. */
export async function openSpecimen(page) {
  const model = `data:model/gltf-binary;base64,${makeGlb().toString('base64')}`;
  const volume = `data:application/json;base64,${Buffer.from(JSON.stringify(makeVolumeHeader())).toString('base64')}`;
  const query = new URLSearchParams({ model, volume, preset: 'ct-bone' }).toString();
  await page.evaluate((q) => {
    location.hash = `#/anatomy?${q}`;
  }, query);
  await pollUntil(15_000, 'the model and the volume loaded', async () => {
    const state = await page.getAttribute('#anatomy-status', 'data-state').catch(() => null);
    if (state === 'error') throw new Error(`the viewer says: ${await page.textContent('#anatomy-status')}`);
    return state === 'connected';
  });
}

/** A .glb (glTF 2.0 binary) with one box mesh per structure, in metres, with its colour. */
function makeGlb() {
  const s = BOX_MM / 2000;
  // 24 vertices (4 per face, so each face has its own normal) and 36 indices.
  const faces = [
    [[1, 0, 0], [[s, -s, -s], [s, s, -s], [s, s, s], [s, -s, s]]],
    [[-1, 0, 0], [[-s, -s, s], [-s, s, s], [-s, s, -s], [-s, -s, -s]]],
    [[0, 1, 0], [[-s, s, -s], [-s, s, s], [s, s, s], [s, s, -s]]],
    [[0, -1, 0], [[-s, -s, s], [-s, -s, -s], [s, -s, -s], [s, -s, s]]],
    [[0, 0, 1], [[-s, -s, s], [s, -s, s], [s, s, s], [-s, s, s]]],
    [[0, 0, -1], [[s, -s, -s], [-s, -s, -s], [-s, s, -s], [s, s, -s]]],
  ];
  const positions = [];
  const normals = [];
  const indices = [];
  faces.forEach(([n, quad], f) => {
    for (const p of quad) {
      positions.push(...p);
      normals.push(...n);
    }
    indices.push(4 * f, 4 * f + 1, 4 * f + 2, 4 * f, 4 * f + 2, 4 * f + 3);
  });
  const pos = Buffer.from(new Float32Array(positions).buffer);
  const nor = Buffer.from(new Float32Array(normals).buffer);
  const idx = Buffer.from(new Uint16Array(indices).buffer);
  const bin = Buffer.concat([pos, nor, idx]);
  const json = {
    asset: { version: '2.0', generator: 'medvision e2e' },
    scene: 0,
    scenes: [{ nodes: STRUCTURES.map((_, i) => i) }],
    nodes: STRUCTURES.map((st, i) => ({ name: st.name, mesh: i, translation: [st.xMm / 1000, 0, 0] })),
    meshes: STRUCTURES.map((st, i) => ({ name: st.name, primitives: [{ attributes: { POSITION: 0, NORMAL: 1 }, indices: 2, material: i }] })),
    materials: STRUCTURES.map((st) => ({ name: st.name, pbrMetallicRoughness: { baseColorFactor: [...st.rgb, 1], metallicFactor: 0, roughnessFactor: 0.8 } })),
    accessors: [
      { bufferView: 0, componentType: 5126, count: 24, type: 'VEC3', min: [-s, -s, -s], max: [s, s, s] },
      { bufferView: 1, componentType: 5126, count: 24, type: 'VEC3' },
      { bufferView: 2, componentType: 5123, count: 36, type: 'SCALAR' },
    ],
    bufferViews: [
      { buffer: 0, byteOffset: 0, byteLength: pos.length },
      { buffer: 0, byteOffset: pos.length, byteLength: nor.length },
      { buffer: 0, byteOffset: pos.length + nor.length, byteLength: idx.length },
    ],
    buffers: [{ byteLength: bin.length }],
  };
  const text = Buffer.from(JSON.stringify(json));
  const jsonChunk = Buffer.concat([text, Buffer.alloc((4 - (text.length % 4)) % 4, 0x20)]);
  const binChunk = Buffer.concat([bin, Buffer.alloc((4 - (bin.length % 4)) % 4, 0)]);
  const header = Buffer.alloc(12);
  header.writeUInt32LE(0x46546c67, 0);
  header.writeUInt32LE(2, 4);
  header.writeUInt32LE(12 + 8 + jsonChunk.length + 8 + binChunk.length, 8);
  const chunk = (type, data) => {
    const h = Buffer.alloc(8);
    h.writeUInt32LE(data.length, 0);
    h.writeUInt32LE(type, 4);
    return Buffer.concat([h, data]);
  };
  return Buffer.concat([header, chunk(0x4e4f534a, jsonChunk), chunk(0x004e4942, binChunk)]);
}

const VOLUME_N = 24;
const VOXEL_MM = 6; // a 144 mm cube around the structures

/** The export's header for a 24^3 texture centred on the patient origin, the raw voxels inline. */
function makeVolumeHeader() {
  const n = VOLUME_N;
  const extent = n * VOXEL_MM;
  const origin = -((n - 1) / 2) * VOXEL_MM;
  return {
    format: 'medvision-volume-texture',
    version: 1,
    data: `data:application/octet-stream;base64,${makeVoxels().toString('base64')}`,
    byte_length: n ** 3,
    voxel_type: 'uint8',
    dims: [n, n, n],
    spacing_mm: [VOXEL_MM, VOXEL_MM, VOXEL_MM],
    downsampling: [1, 1, 1],
    index_to_lps: [[VOXEL_MM, 0, 0, origin], [0, VOXEL_MM, 0, origin], [0, 0, VOXEL_MM, origin], [0, 0, 0, 1]],
    // texture = (index + 0.5) / n with index = (lps - origin) / spacing: lps / extent + 0.5
    lps_to_texture: [[1 / extent, 0, 0, 0.5], [0, 1 / extent, 0, 0.5], [0, 0, 1 / extent, 0.5], [0, 0, 0, 1]],
    preset: 'ct-bone',
    value_mapping: { kind: 'linear_clamped', unit: 'HU', value_at_0: -1000, value_at_255: 1550 },
  };
}

/** A faint bone-like shell, as uint8 bytes x fastest. */
function makeVoxels() {
  const n = VOLUME_N;
  const voxels = Buffer.alloc(n * n * n);
  const c = (n - 1) / 2;
  for (let z = 0; z < n; z++) for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
    const r = Math.hypot(x - c, y - c, z - c) / c;
    voxels[(z * n + y) * n + x] = r > 0.92 && r < 1 ? 160 : 0;
  }
  return voxels;
}
