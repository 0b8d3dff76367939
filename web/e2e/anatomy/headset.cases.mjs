// The anatomy viewer in an emulated headset (IWER's Meta Quest 3, injected
// with addInitScript): both hands scale a model, the wrist menu puts the
// clipping plane in the left hand and the hand cuts the model with it, and a
// tracked bare hand points at a structure and pinches to label it. The
// specimen is the generated two-box model and volume of specimen.mjs. Each
// case checks pixels of the eyes and the state the view publishes in
// window.__medvision.anatomy (src/xr/test-probe.ts).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loggedInPage } from '../harness/browser.mjs';
import { axisAngle, headsetInitScripts, quatMul, screenshotEyes } from '../harness/headset.mjs';
import { log } from '../harness/log.mjs';
import { RESULTS_DIR } from '../harness/paths.mjs';
import { countDarkPixels, cropColumns, decodePng, findColourRegions, hueDistance, luminanceStats } from '../harness/pixels.mjs';
import { pollUntil, sleep } from '../harness/wait.mjs';
import { openSpecimen, STRUCTURES } from './specimen.mjs';

// The head at IWER's default (0, 1.6, 0), looking 34 degrees down at the specimen above the table.
const HEADSET = headsetInitScripts(-34);
// Where the anatomy view puts the specimen (src/anatomy/anatomy-view.ts: 0.3 m above the sandbox table's centre).
const SPECIMEN = { x: 0, y: 1.2, z: -0.6 };
const HEAD = { x: 0, y: 1.6, z: 0 };
const [KIDNEY, LIVER] = STRUCTURES;

export const cases = [
  {
    name: 'headset-two-hand-scale',
    behaviour: 'in the headset, squeezing with both hands and moving them apart scales the anatomy model',
    run: twoHandScale,
  },
  {
    name: 'headset-wrist-menu-clip-plane',
    behaviour: 'in the headset, the wrist menu puts the clipping plane in the left hand, which cuts the model',
    run: wristMenuAndClipPlane,
  },
  {
    name: 'headset-pinch-to-label',
    behaviour: 'in the headset, a tracked bare hand points at a structure and pinches to label it; two pinching hands scale it',
    run: pinchToLabel,
  },
];

async function twoHandScale({ server, context }) {
  await withSpecimen({ server, context }, 'xr-scale', async ({ page, shot }) => {
    const place = calibratedPlacer(page, sleep);
    await place('left', { x: SPECIMEN.x - 0.05, y: SPECIMEN.y, z: SPECIMEN.z });
    await place('right', { x: SPECIMEN.x + 0.05, y: SPECIMEN.y, z: SPECIMEN.z });
    const before = areas(await shot('xr-scale-before.png'));
    log(`scale: before, red ${before.red} and blue ${before.blue} pixels in the left eye`);
    if (before.red === 0 || before.blue === 0) throw new Error('the headset does not show both structures before the gesture');

    await button(page, 'left', 'squeeze', 1);
    await button(page, 'right', 'squeeze', 1);
    await pollUntil(3000, 'both hands hold the model', async () => {
      const a = await anatomy(page);
      return a.heldLeft && a.heldRight;
    });
    const start = await anatomy(page);
    const startDistance = distance(start.left.grip, start.right.grip);
    const steps = 12;
    for (let i = 1; i <= steps; i++) {
      const half = 0.05 + (0.075 * i) / steps;
      await place('left', { x: SPECIMEN.x - half, y: SPECIMEN.y, z: SPECIMEN.z }, 0);
      await place('right', { x: SPECIMEN.x + half, y: SPECIMEN.y, z: SPECIMEN.z }, 0);
      await sleep(40);
    }
    await sleep(400);
    const held = await anatomy(page);
    const expected = distance(held.left.grip, held.right.grip) / startDistance;
    log(`scale: hands ${startDistance.toFixed(3)} m -> ${distance(held.left.grip, held.right.grip).toFixed(3)} m apart; model scale ${held.scale.toFixed(3)} (expected ${expected.toFixed(3)})`);
    if (Math.abs(held.scale - expected) > 0.03 * expected) throw new Error(`the model scaled by ${held.scale.toFixed(3)}, the hands by ${expected.toFixed(3)}`);
    if (held.scale < 2) throw new Error(`the model scaled only by ${held.scale.toFixed(3)}`);
    if (distance(held.position, SPECIMEN) > 0.01) throw new Error(`the model moved to (${fmt(held.position)}) although the hands stayed centred on it`);
    const after = areas(await shot('xr-scale-after.png'));
    const ratio = (after.red + after.blue) / (before.red + before.blue);
    log(`scale: after, red ${after.red} and blue ${after.blue} pixels: ${ratio.toFixed(2)} times the area (scale squared ${(held.scale ** 2).toFixed(2)})`);
    if (ratio < 2.5) throw new Error(`the structures cover only ${ratio.toFixed(2)} times their area after scaling by ${held.scale.toFixed(2)}`);

    await button(page, 'left', 'squeeze', 0);
    await button(page, 'right', 'squeeze', 0);
    await sleep(300);
    const released = await anatomy(page);
    if (released.heldLeft || released.heldRight) throw new Error('the model is still held after both squeezes were released');
    if (Math.abs(released.scale - held.scale) > 0.01) throw new Error(`the scale changed on release: ${held.scale} -> ${released.scale}`);
  });
}

async function wristMenuAndClipPlane({ server, context }) {
  await withSpecimen({ server, context }, 'xr-clip', async ({ page, shot }) => {
    // Hands away from the specimen. Unturned, the left grip shows its own turn (IWER's grip offset);
    // rolled half a turn, the inside of the wrist faces away from the eyes: the reference picture.
    const away = { x: -0.35, y: 1.0, z: -0.1 };
    await pose(page, 'left', away, [0, 0, 0, 1]);
    await pose(page, 'right', { x: 0.35, y: 1.0, z: -0.1 }, [0, 0, 0, 1]);
    await sleep(400);
    const gripTurn = quat((await anatomy(page)).left.gripQuaternion);
    await pose(page, 'left', away, axisAngle([0, 0, 1], Math.PI));
    await sleep(400);
    const reference = areas(await shot('xr-clip-none.png'));
    const hidden = await anatomy(page);
    if (hidden.menu.visible) throw new Error('the wrist menu shows before the wrist is turned to the eyes');
    const darkHidden = darkPixels(await shot('xr-menu-hidden.png'));

    log('clip: turn the inside of the left wrist towards the eyes, the fist upright (thumb up)');
    const wrist = { x: -0.12, y: 1.3, z: -0.3 };
    await pose(page, 'left', wrist, fromBasis(unit(sub(HEAD, wrist)), [0, -1, 0]));
    const menu = await pollUntil(3000, 'the wrist menu shows', async () => {
      const a = await anatomy(page);
      return a.menu.visible ? a.menu : null;
    });
    const darkShown = darkPixels(await shot('xr-menu-shown.png'));
    log(`clip: wrist menu rows ${menu.rows.map((r) => JSON.stringify(r.label)).join(', ')}; dark panel pixels ${darkHidden} -> ${darkShown}`);
    if (darkShown < darkHidden + 1000) throw new Error(`the wrist menu is not drawn: ${darkHidden} -> ${darkShown} dark pixels in the left eye`);

    const row = menu.rows.findIndex((r) => r.id === 'clip');
    if (row < 0) throw new Error('the wrist menu has no clip row');
    const from = { x: 0.12, y: 1.45, z: -0.1 };
    await pose(page, 'right', from, fromUnitVectors([0, 0, -1], unit(sub(menu.rows[row].centre, from))));
    await pollUntil(3000, `the right pointer hovers the row "${menu.rows[row].label}"`, async () => (await anatomy(page)).menu.hovered === row);
    await button(page, 'right', 'trigger', 1);
    await sleep(200);
    await button(page, 'right', 'trigger', 0);
    await pollUntil(3000, 'the clipping plane in the hand', async () => (await anatomy(page)).clip.inHand);
    const chosen = await anatomy(page);
    log(`clip: chose the row; it now reads ${JSON.stringify(chosen.menu.rows[row].label)}`);
    if (chosen.menu.rows[row].label !== 'Clip plane: in hand') throw new Error(`the row reads ${JSON.stringify(chosen.menu.rows[row].label)}`);
    await pose(page, 'right', { x: 0.35, y: 1.0, z: -0.1 }, [0, 0, 0, 1]);

    // The plane x = 0 between the structures, cutting away first +x (the liver), then -x (the kidney). It is
    // held at a point 12 cm behind the specimen, so the controller (8 cm behind the paddle) hides neither box.
    const planeAt = { x: SPECIMEN.x, y: SPECIMEN.y, z: SPECIMEN.z - 0.12 };
    for (const [cut, kept, yaw, file] of [[LIVER, KIDNEY, -Math.PI / 2, 'xr-clip-liver.png'], [KIDNEY, LIVER, Math.PI / 2, 'xr-clip-kidney.png']]) {
      // The grip's -Z (the plane's normal) along +-x, its +X (the inside of the wrist) away from the eyes.
      const roll = yaw < 0 ? Math.PI : 0;
      const turn = quatMul(quatMul(axisAngle([0, 1, 0], yaw), axisAngle([0, 0, 1], roll)), conj(gripTurn));
      let at = { x: planeAt.x - 0.1 * Math.sign(-yaw), y: planeAt.y, z: planeAt.z };
      await pose(page, 'left', at, turn);
      await sleep(300);
      const first = (await anatomy(page)).clip.point;
      at = { x: at.x + planeAt.x - first.x, y: at.y + planeAt.y - first.y, z: at.z + planeAt.z - first.z };
      await pose(page, 'left', at, turn);
      await sleep(400);
      const { clip } = await anatomy(page);
      const side = (s) => (s.xMm / 1000 + SPECIMEN.x - clip.point.x) * clip.normal.x + (SPECIMEN.y - clip.point.y) * clip.normal.y + (SPECIMEN.z - clip.point.z) * clip.normal.z;
      log(`clip: plane through (${fmt(clip.point)}) with normal (${fmt(clip.normal)}); ${cut.label} ${side(cut).toFixed(3)} m on the cut side`);
      if (!clip.active || side(cut) <= 0.01 || side(kept) >= -0.01) throw new Error(`the hand's plane does not separate ${cut.label} from ${kept.label}`);
      const seen = areas(await shot(file));
      const cutArea = seen[colourName(cut)];
      const keptArea = seen[colourName(kept)];
      log(`clip: ${cut.label} ${reference[colourName(cut)]} -> ${cutArea} pixels, ${kept.label} ${reference[colourName(kept)]} -> ${keptArea}`);
      if (cutArea > 0.05 * reference[colourName(cut)]) throw new Error(`${cut.label} is still drawn (${cutArea} pixels) on the cut side of the plane`);
      if (keptArea < 0.8 * reference[colourName(kept)]) throw new Error(`${kept.label} lost its pixels (${keptArea}) on the kept side of the plane`);
    }
  });
}

async function pinchToLabel({ server, context }) {
  await withSpecimen({ server, context }, 'xr-pinch', async ({ page, shot }) => {
    await page.evaluate(() => {
      window.__headset.primaryInputMode = 'hand';
    });
    await pollUntil(5000, 'both hands tracked as bare hands', async () => {
      const a = await anatomy(page);
      return a.left.isHand && a.right.isHand && a.left.tracked && a.right.tracked;
    });
    log('pinch: bare hands tracked, grips from the hands\' gripSpace');
    await handPose(page, 'left', { x: -0.35, y: 1.0, z: -0.1 }, [0, 0, 0, 1]);
    for (const s of [LIVER, KIDNEY]) {
      const from = { x: 0.12, y: 1.4, z: -0.25 };
      const target = { x: SPECIMEN.x + s.xMm / 1000, y: SPECIMEN.y, z: SPECIMEN.z };
      await handPose(page, 'right', from, fromUnitVectors([0, 0, -1], unit(sub(target, from))));
      await sleep(300);
      await page.evaluate(() => window.__headset.hands.right.updatePinchValue(1));
      await pollUntil(3000, `a pinch on ${s.label}`, async () => (await anatomy(page)).right.select);
      await pollUntil(3000, `the label "${s.label}"`, async () => (await anatomy(page)).label === s.label);
      const readout = await page.textContent('#anatomy-readout');
      log(`pinch: pointed at ${s.label} and pinched: labelled ${JSON.stringify((await anatomy(page)).label)}, readout ${JSON.stringify(readout)}`);
      if (readout !== s.label) throw new Error(`the readout says ${JSON.stringify(readout)}`);
      await shot(`xr-pinch-${s.name}.png`);
      await page.evaluate(() => window.__headset.hands.right.updatePinchValue(0));
      await pollUntil(3000, 'the pinch released', async () => !(await anatomy(page)).right.select);
    }

    log('pinch: both hands pinch beside the model and draw apart');
    const place = calibratedPlacer(page, sleep, handPose);
    await place('left', { x: SPECIMEN.x - 0.06, y: SPECIMEN.y, z: SPECIMEN.z });
    await place('right', { x: SPECIMEN.x + 0.06, y: SPECIMEN.y, z: SPECIMEN.z });
    const before = areas(await shot('xr-pinch-scale-before.png'));
    await page.evaluate(() => {
      window.__headset.hands.left.updatePinchValue(1);
      window.__headset.hands.right.updatePinchValue(1);
    });
    await pollUntil(3000, 'both pinching hands hold the model', async () => {
      const a = await anatomy(page);
      return a.heldLeft && a.heldRight;
    });
    const start = await anatomy(page);
    for (let i = 1; i <= 10; i++) {
      const half = 0.06 + (0.06 * i) / 10;
      await place('left', { x: SPECIMEN.x - half, y: SPECIMEN.y, z: SPECIMEN.z }, 0);
      await place('right', { x: SPECIMEN.x + half, y: SPECIMEN.y, z: SPECIMEN.z }, 0);
      await sleep(40);
    }
    await sleep(400);
    const held = await anatomy(page);
    const expected = (start.scale * distance(held.left.grip, held.right.grip)) / distance(start.left.grip, start.right.grip);
    const after = areas(await shot('xr-pinch-scale.png'));
    const ratio = (after.red + after.blue) / (before.red + before.blue);
    log(`pinch: the structures cover ${ratio.toFixed(2)} times their pixels`);
    if (ratio < 2) throw new Error(`the structures cover only ${ratio.toFixed(2)} times their pixels after the pinch scale`);
    log(`pinch: hands ${distance(start.left.grip, start.right.grip).toFixed(3)} m -> ${distance(held.left.grip, held.right.grip).toFixed(3)} m apart; model scale ${held.scale.toFixed(3)} (expected ${expected.toFixed(3)})`);
    if (Math.abs(held.scale - expected) > 0.03 * expected || held.scale < 1.5) throw new Error(`the pinched model scaled by ${held.scale.toFixed(3)}, expected ${expected.toFixed(3)}`);
  });
}

/** Logs in, opens the specimen in the anatomy view, enters VR, runs `body`; screenshots on failure. */
async function withSpecimen({ server, context }, name, body) {
  const { page, pageErrors } = await loggedInPage(server, context, { initScripts: HEADSET });
  try {
    await openSpecimen(page);
    await page.click('#enter-vr');
    await pollUntil(10_000, 'the immersive session renders frames', async () => {
      const xr = await page.evaluate(() => window.__medvision.xr);
      return xr.presenting && xr.frames > 10;
    });
    const shot = async (file) => {
      const buffer = await screenshotEyes(page);
      writeFileSync(join(RESULTS_DIR, file), buffer);
      const png = decodePng(buffer);
      checkNotBlank(png, file);
      return cropColumns(png, 0, Math.floor(png.width / 2));
    };
    await body({ page, shot });
    if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
  } catch (error) {
    await page.screenshot({ path: join(RESULTS_DIR, `${name}-failure.png`), timeout: 5000 }).catch(() => {});
    if (pageErrors.length > 0) log('page errors:', pageErrors.join(' | '));
    throw error;
  }
}

const anatomy = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.__medvision.anatomy)));

function pose(page, hand, p, q) {
  return page.evaluate(([h, x, y, z, qx, qy, qz, qw]) => {
    const c = window.__headset.controllers[h];
    c.position.set(x, y, z);
    c.quaternion.set(qx, qy, qz, qw);
  }, [hand, p.x, p.y, p.z, ...q]);
}

function handPose(page, hand, p, q) {
  return page.evaluate(([h, x, y, z, qx, qy, qz, qw]) => {
    const c = window.__headset.hands[h];
    c.position.set(x, y, z);
    c.quaternion.set(qx, qy, qz, qw);
  }, [hand, p.x, p.y, p.z, ...q]);
}

const button = (page, hand, id, value) => page.evaluate(([h, i, v]) => window.__headset.controllers[h].updateButtonValue(i, v), [hand, id, value]);

/**
 * Puts a controller or bare hand (unturned) so that the client's grip lands
 * on a point: the grip sits at an offset from IWER's pose of the hand,
 * measured once per hand.
 */
function calibratedPlacer(page, sleep, place = pose) {
  const offsets = {};
  return async (hand, target, settleMs = 300) => {
    if (offsets[hand] === undefined) {
      await place(page, hand, target, [0, 0, 0, 1]);
      await sleep(300);
      const grip = (await anatomy(page))[hand].grip;
      offsets[hand] = sub(grip, target);
    }
    await place(page, hand, sub(target, offsets[hand]), [0, 0, 0, 1]);
    if (settleMs > 0) await sleep(settleMs);
  };
}

function colourName(structure) {
  return structure.hue === 0 ? 'red' : 'blue';
}

/** Pixels of the red (kidney) and blue (liver) structures in an eye. */
function areas(eye) {
  const regions = findColourRegions(eye);
  const sum = (hue) => regions.filter((r) => hueDistance(r.hue, hue) < 25).reduce((n, r) => n + r.area, 0);
  return { red: sum(KIDNEY.hue), blue: sum(LIVER.hue) };
}

/** Pixels as dark as the wrist menu's face (rgba(20, 26, 34, 0.9)). */
const darkPixels = (eye) => countDarkPixels(eye, 45);

/** A blank or uniform frame is a broken render: fail. */
function checkNotBlank(png, file) {
  const { sd } = luminanceStats(png);
  if (sd < 8) throw new Error(`${file} is uniform (luminance sd ${sd.toFixed(1)}): broken render`);
}

const fmt = (p) => `${p.x.toFixed(3)}, ${p.y.toFixed(3)}, ${p.z.toFixed(3)}`;
const sub = (a, b) => ({ x: a.x - b.x, y: a.y - b.y, z: a.z - b.z });
const distance = (a, b) => Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
const unit = (v) => {
  const n = Math.hypot(v.x, v.y, v.z);
  return [v.x / n, v.y / n, v.z / n];
};
const quat = (q) => [q.x, q.y, q.z, q.w];
const conj = ([x, y, z, w]) => [-x, -y, -z, w];

/** The shortest rotation taking unit vector a to unit vector b, [x, y, z, w]. */
function fromUnitVectors(a, b) {
  const d = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  if (d < -0.999999) {
    // Opposite: half a turn about any axis perpendicular to a.
    const axis = Math.abs(a[0]) < 0.9 ? [0, -a[2], a[1]] : [-a[1], a[0], 0];
    const n = Math.hypot(...axis);
    return [axis[0] / n, axis[1] / n, axis[2] / n, 0];
  }
  const c = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const q = [c[0], c[1], c[2], 1 + d];
  const n = Math.hypot(...q);
  return q.map((v) => v / n);
}

/** The rotation whose +X is unit vector x and whose +Z is as near to `towardsZ` as x allows, [x, y, z, w]. */
function fromBasis(x, towardsZ) {
  const along = x[0] * towardsZ[0] + x[1] * towardsZ[1] + x[2] * towardsZ[2];
  const zRaw = [towardsZ[0] - along * x[0], towardsZ[1] - along * x[1], towardsZ[2] - along * x[2]];
  const n = Math.hypot(...zRaw);
  const z = zRaw.map((v) => v / n);
  const y = [z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2], z[0] * x[1] - z[1] * x[0]];
  // Rotation matrix columns x, y, z to a quaternion (Shepperd's method, the trace branch and the largest-diagonal branches).
  const [m00, m10, m20] = x;
  const [m01, m11, m21] = y;
  const [m02, m12, m22] = z;
  const trace = m00 + m11 + m22;
  if (trace > 0) {
    const s = 0.5 / Math.sqrt(trace + 1);
    return [(m21 - m12) * s, (m02 - m20) * s, (m10 - m01) * s, 0.25 / s];
  }
  if (m00 > m11 && m00 > m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    return [0.25 * s, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s];
  }
  if (m11 > m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    return [(m01 + m10) / s, 0.25 * s, (m12 + m21) / s, (m02 - m20) / s];
  }
  const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
  return [(m02 + m20) / s, (m12 + m21) / s, 0.25 * s, (m10 - m01) / s];
}
