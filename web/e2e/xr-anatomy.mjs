// End-to-end case for the anatomy viewer: a generated .glb (two coloured
// boxes, named like atlas structures) and a generated volume texture
// (.mvvol), passed as data: URLs since the server's imaging routes do not
// exist yet. A click labels the structure under it; two clicks in measure
// mode give the distance in millimetres. The volume is in the imaging
// export's format (JSON header naming a raw uint8 file, src/imaging/
// volume_texture.h), both as data: URLs. Registered in run.mjs.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePng, findColourRegions, hueDistance, luminanceStats } from './pixels.mjs';

const BOX_MM = 40;
const APART_MM = 70; // centre to centre, along x
export const STRUCTURES = [
  { name: 'left_kidney', label: 'left kidney', rgb: [0.85, 0.1, 0.1], hue: 0, xMm: -APART_MM / 2 },
  { name: 'liver', label: 'liver', rgb: [0.1, 0.3, 0.9], hue: 225, xMm: APART_MM / 2 },
];

export const xrAnatomyCases = [
  ['the anatomy viewer loads a .glb and a volume, labels a clicked structure and measures in mm', labelAndMeasure],
  ['the Anatomy link opens the library, which shows the bundled AAL brain model; a click reads its AAL label', libraryBrainAtlas],
];

// The AAL atlas' names (index, name, code per line), from the Debian package the server builds the model from.
const AAL_NAMES = '/usr/share/mricron/templates/aal.nii.txt';
const BRAIN_STUDY = 'Colin27 brain MRI (AAL atlas)';
// The bundled model is built at the server's first start (about 4 s with -O2); the case has 90 s in all.
const BUNDLED_MODEL_MS = 75_000;

async function libraryBrainAtlas({ server, browser, harness }) {
  const { log, sleep, pollUntil, loggedInPage, resultsDir } = harness;
  const names = new Set(
    readFileSync(AAL_NAMES, 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[1])
      .filter((name) => name !== undefined)
      .map((name) => name.replace(/_/g, ' ')),
  );
  if (names.size !== 116) throw new Error(`${AAL_NAMES} names ${names.size} structures, not 116`);
  const { context, page, pageErrors } = await loggedInPage(server, browser);
  try {
    const t0 = Date.now();
    const since = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    log('library: follow the Anatomy link from the sessions page');
    await page.click('#nav-anatomy');
    const brain = page.locator('#library-studies li.study', { hasText: BRAIN_STUDY });
    await pollUntil(15_000, `the library lists "${BRAIN_STUDY}"`, async () => (await brain.count()) === 1);
    const progress = new Set();
    const opened = Date.now();
    await pollUntil(BUNDLED_MODEL_MS, 'the bundled brain model open in the viewer', async () => {
      const status = await brain.locator('.model-status').first().textContent();
      if (/^building/.test(status)) progress.add(status);
      if (/^failed/.test(status)) throw new Error(`the bundled model ${status}`);
      const state = await page.getAttribute('#anatomy-status', 'data-state').catch(() => null);
      if (state === 'error') throw new Error(`the viewer says: ${await page.textContent('#anatomy-status')}`);
      return state === 'connected';
    }, 250);
    log(`library: viewer ready after ${((Date.now() - opened) / 1000).toFixed(1)} s; ${progress.size > 0 ? `progress seen: ${[...progress].join(', ')}` : 'the model was ready on arrival'}; the list says`,
      JSON.stringify((await brain.textContent()).replace(/\s+/g, ' ').trim()));
    log('library: viewer', JSON.stringify(await page.textContent('#anatomy-status')));
    if ((await page.getAttribute('#library-studies li.study[aria-current="true"]', 'data-study-id')) !== (await brain.getAttribute('data-study-id'))) {
      throw new Error('the brain study is not marked as the one shown');
    }
    await sleep(1000);

    const canvas = page.locator('#viewport canvas');
    const box = await canvas.boundingBox();
    const shot = await canvas.screenshot();
    writeFileSync(join(resultsDir, 'library-brain.png'), shot);
    log(`library: screenshot at ${since()}`);
    const png = decodePng(shot);
    const { sd } = luminanceStats(png);
    const regions = findColourRegions(png);
    const hues = new Set(regions.map((r) => Math.round(r.hue / 30)));
    const area = regions.reduce((n, r) => n + r.area, 0);
    log(`library: ${regions.length} coloured regions in ${hues.size} hue bands, ${area} pixels (${((100 * area) / (png.width * png.height)).toFixed(1)}% of the canvas), luminance sd ${sd.toFixed(1)}`);
    if (sd < 8) throw new Error('library-brain.png is uniform: broken render');
    if (area < 0.03 * png.width * png.height) throw new Error('the brain model covers less than 3% of the canvas');
    if (hues.size < 4) throw new Error(`the atlas shows only ${hues.size} hue bands; its structures have many colours`);

    // Click the middle of the largest coloured region: a structure's surface.
    const target = regions[0];
    await page.mouse.click(box.x + target.cx, box.y + target.cy);
    const label = await pollUntil(10_000, 'a label', async () => {
      const text = (await page.textContent('#anatomy-readout')) ?? '';
      return text !== '' ? text : null;
    });
    await sleep(300);
    writeFileSync(join(resultsDir, 'library-brain-label.png'), await canvas.screenshot());
    log(`library: labelled at ${since()}`);
    await page.screenshot({ path: join(resultsDir, 'library-page.png') });
    log(`library: clicked (${target.cx.toFixed(0)}, ${target.cy.toFixed(0)}): labelled ${JSON.stringify(label)}`);
    if (!names.has(label)) throw new Error(`the label ${JSON.stringify(label)} is not an AAL structure name`);

    log('library: a study that does not exist gets the server\'s answer, not a blank viewer');
    await page.evaluate(() => {
      location.hash = '#/anatomy?study=stu_does_not_exist';
    });
    const refusal = await pollUntil(10_000, 'an error for the unknown study', async () => (await page.textContent('#library-error').catch(() => '')) || null);
    log(`library: unknown study: ${JSON.stringify(refusal)}`);
    if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
  } catch (error) {
    await page.screenshot({ path: join(resultsDir, 'library-failure.png') }).catch(() => {});
    throw error;
  } finally {
    await context.close().catch(() => {});
  }
}

async function labelAndMeasure({ server, browser, harness }) {
  const { log, sleep, pollUntil, loggedInPage, resultsDir } = harness;
  const { context, page, pageErrors } = await loggedInPage(server, browser);
  try {
    const model = `data:model/gltf-binary;base64,${makeGlb().toString('base64')}`;
    const volume = `data:application/json;base64,${Buffer.from(JSON.stringify(makeVolumeHeader())).toString('base64')}`;
    const query = new URLSearchParams({ model, volume, preset: 'ct-bone' }).toString();
    await page.evaluate((q) => { location.hash = `#/anatomy?${q}`; }, query);
    await pollUntil(15_000, 'the model and the volume loaded', async () => {
      const state = await page.getAttribute('#anatomy-status', 'data-state').catch(() => null);
      if (state === 'error') throw new Error(`the viewer says: ${await page.textContent('#anatomy-status')}`);
      return state === 'connected';
    });
    log('anatomy:', await page.textContent('#anatomy-status'));
    await sleep(500);

    const canvas = page.locator('#viewport canvas');
    const box = await canvas.boundingBox();
    const shot = await canvas.screenshot();
    writeFileSync(join(resultsDir, 'anatomy.png'), shot);
    const regions = findColourRegions(decodePng(shot));
    const found = STRUCTURES.map((s) => {
      const region = regions.find((r) => hueDistance(r.hue, s.hue) < 25);
      if (region === undefined) throw new Error(`no ${s.label} (hue ${s.hue}) in anatomy.png: ${regions.map((r) => r.hue.toFixed(0)).join(', ')}`);
      return { ...s, at: { x: box.x + region.cx, y: box.y + region.cy } };
    });

    for (const s of found) {
      await page.mouse.click(s.at.x, s.at.y);
      await pollUntil(5000, `the label "${s.label}"`, async () => (await page.textContent('#anatomy-readout')) === s.label);
      log(`anatomy: clicked ${s.label} at (${s.at.x.toFixed(0)}, ${s.at.y.toFixed(0)}): labelled "${s.label}"`);
    }
    await sleep(300);
    writeFileSync(join(resultsDir, 'anatomy-label.png'), await canvas.screenshot());

    await page.check('#anatomy-measure');
    await page.mouse.click(found[0].at.x, found[0].at.y);
    await pollUntil(5000, 'the first measure point', async () => /second point/.test(await page.textContent('#anatomy-readout')));
    await page.mouse.click(found[1].at.x, found[1].at.y);
    const readout = await pollUntil(5000, 'a distance', async () => {
      const text = await page.textContent('#anatomy-readout');
      return /distance [\d.]+ mm/.test(text) ? text : null;
    });
    const mm = Number(/distance ([\d.]+) mm/.exec(readout)[1]);
    writeFileSync(join(resultsDir, 'anatomy-measure.png'), await canvas.screenshot());
    // Both points lie on the boxes' faces, near their centres: the distance is
    // the centre-to-centre distance give or take where on the faces the clicks landed.
    log(`anatomy: measured ${mm} mm between the structures (centres ${APART_MM} mm apart)`);
    if (Math.abs(mm - APART_MM) > BOX_MM / 2) throw new Error(`measured ${mm} mm, expected about ${APART_MM} mm`);

    // The clip depth slider: a plane across the view through the specimen's middle cuts away what is
    // nearer the eye (the camera stands on the liver's side, +x), model and volume alike; back at the end
    // of its travel, nothing is cut.
    await page.uncheck('#anatomy-measure');
    const structurePixels = async (file) => {
      const buffer = await canvas.screenshot();
      writeFileSync(join(resultsDir, file), buffer);
      const regions = findColourRegions(decodePng(buffer));
      return Object.fromEntries(STRUCTURES.map((st) => [st.name, regions.filter((r) => hueDistance(r.hue, st.hue) < 25).reduce((n, r) => n + r.area, 0)]));
    };
    const whole = await structurePixels('anatomy-clip-none.png');
    await page.locator('#anatomy-clip').fill('0');
    await sleep(500);
    const cut = await structurePixels('anatomy-clip-half.png');
    await page.locator('#anatomy-clip').fill('0.5');
    await sleep(500);
    const restored = await structurePixels('anatomy-clip-off.png');
    log(`anatomy: clip depth: pixels ${JSON.stringify(whole)} -> ${JSON.stringify(cut)} cut through the middle -> ${JSON.stringify(restored)} with the plane off`);
    if (cut.liver > 0.1 * whole.liver) throw new Error(`the near structure (liver) keeps ${cut.liver} of ${whole.liver} pixels with the plane through the middle`);
    if (cut.left_kidney === 0) throw new Error('the far structure (left kidney) was cut away entirely');
    for (const st of STRUCTURES) {
      if (restored[st.name] < 0.9 * whole[st.name]) throw new Error(`${st.label} did not come back when the plane was turned off (${restored[st.name]} of ${whole[st.name]} pixels)`);
    }
    if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
  } catch (error) {
    await page.screenshot({ path: join(resultsDir, 'anatomy-failure.png') }).catch(() => {});
    throw error;
  } finally {
    await context.close().catch(() => {});
  }
}

/** A .glb (glTF 2.0 binary) with one box mesh per structure, in metres, with its colour. */
export function makeGlb() {
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
export function makeVolumeHeader() {
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
