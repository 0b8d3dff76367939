// Laparoscopy in the emulated headset (IWER's Meta Quest 3). In peg
// transfer the laparoscope's image is on the virtual operating-room monitor,
// and the emulated controllers are the instrument handles: moving the right
// one moves the right instrument on the server, which its `tool_sample`
// events show, and the monitor's image changes. In tissue dissection the
// left grasper takes the organ and lifts it.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSession, lastInput, sessionEvents } from '../harness/api.mjs';
import { loggedInPage } from '../harness/browser.mjs';
import { headsetInitScripts, screenshotEyes } from '../harness/headset.mjs';
import { log } from '../harness/log.mjs';
import { RESULTS_DIR } from '../harness/paths.mjs';
import { decodePng, luminanceStats } from '../harness/pixels.mjs';
import { pollUntil, sleep } from '../harness/wait.mjs';

export const cases = [
  {
    name: 'peg-transfer-in-the-headset',
    behaviour: 'laparoscopy in the headset: the OR monitor shows the scope image and the controllers drive the instruments',
    run: laparoscopyInTheHeadset,
  },
  {
    name: 'dissection-in-the-headset',
    behaviour: 'dissection in the headset: the organ and duct arrive as meshes, and the left controller grasps and lifts the organ',
    run: dissectionInTheHeadset,
  },
];

// docs/laparoscopy.md: the ports, the shafts' length, and where the
// instruments rest when a session starts (0.16 m in, towards the board).
const PORTS = { left: [-0.1, 1.0, 0.12], right: [0.1, 1.0, 0.12] };
const AIM = [0, 0.82, -0.01];
const SHAFT_M = 0.36;
const START_DEPTH_M = 0.16;
const HAND_MOVE = [-0.05, 0.04, 0]; // how far the test moves the right handle, metres
const MIN_TIP_MOVE_M = 0.015;
const CELL_CHANGE = 8; // luminance (0..255) by which a cell of the monitor's image must change to count
const MIN_IMAGE_CHANGE = 8; // cells (of 32 x 24) that must change when the instrument moves
const MIN_IMAGE_SD = 8;

async function laparoscopyInTheHeadset({ server, context }) {
  // Stand behind the box looking at the monitor across it (pitch down 10 degrees).
  const { page, pageErrors } = await loggedInPage(server, context, { initScripts: headsetInitScripts(-10) });
  try {
    const sessionId = await openInHeadset(page, server, 'laparoscopy/peg-transfer', 'the keyframe brought the laparoscope', 0);
    const { holdHandle, offset } = await calibrateGrips(page, server, sessionId);
    const rest = { left: restingHandle(PORTS.left), right: restingHandle(PORTS.right) };
    await holdHandle('left', rest.left);
    await holdHandle('right', rest.right);
    const held = await settledInput(page, server, sessionId);
    await settledSample(page, server, sessionId);
    await sleep(500); // a few scope images of the instruments at rest
    log(`laparoscopy: grip offsets (${fmt(offset.left)}) and (${fmt(offset.right)}); right handle wanted (${fmt(rest.right)}), sent (${fmt(held.right.slice(0, 3))})`);

    const before = await scopeImage(page);
    const eyesBefore = await screenshotEyes(page);
    writeFileSync(join(RESULTS_DIR, 'xr-laparoscopy-before.png'), eyesBefore);
    log(`laparoscopy: monitor image mean ${before.mean.toFixed(1)}, sd ${before.sd.toFixed(1)}`);
    if (before.sd < MIN_IMAGE_SD) throw new Error(`the monitor's scope image is blank or uniform (sd ${before.sd.toFixed(1)})`);
    checkMonitorInEyes(decodePng(eyesBefore));
    const tipBefore = await lastTip(page, server, sessionId, 'right');

    // Move the right handle up and to the left: through the fulcrum, the tip goes down and to the right.
    const steps = 12;
    for (let i = 1; i <= steps; i++) {
      await holdHandle('right', rest.right.map((v, k) => v + (HAND_MOVE[k] * i) / steps));
      await sleep(50);
    }
    await settledInput(page, server, sessionId);
    await settledSample(page, server, sessionId);
    await sleep(500);
    const after = await scopeImage(page);
    const eyesAfter = await screenshotEyes(page);
    writeFileSync(join(RESULTS_DIR, 'xr-laparoscopy-after.png'), eyesAfter);
    // The shaft is 5 mm thick: it moves across a few percent of the picture.
    const change = before.cells.filter((v, i) => Math.abs(v - after.cells[i]) > CELL_CHANGE).length;
    const tipAfter = await lastTip(page, server, sessionId, 'right');
    const moved = Math.hypot(...tipAfter.map((v, k) => v - tipBefore[k]));
    log(`laparoscopy: right tip (${fmt(tipBefore)}) -> (${fmt(tipAfter)}), ${(moved * 1000).toFixed(1)} mm; ${change} of 768 cells of the monitor image changed`);
    if (moved < MIN_TIP_MOVE_M) throw new Error(`the right instrument's tip moved only ${(moved * 1000).toFixed(1)} mm on the server`);
    // A remote centre of motion inverts the motion: hand to -x, tip to +x; hand up, tip down.
    if (!(tipAfter[0] > tipBefore[0]) || !(tipAfter[1] < tipBefore[1])) {
      throw new Error(`the tip did not move opposite to the hand through the port: (${fmt(tipBefore)}) -> (${fmt(tipAfter)})`);
    }
    if (change < MIN_IMAGE_CHANGE) throw new Error(`the monitor's image did not change when the instrument moved (${change} cells)`);

    // Press the left tip down onto an object: the one on the peg at (-0.04, 0.80, 0)
    // has a bar across z = -6.4 mm, its top at y = 0.81 (sim/pegboard.h), on the
    // board. The contact force reaches this participant and vibrates the left controller.
    const pulsesBefore = await page.evaluate(() => window.__medvision.contact.pulses);
    const samplesBefore = (await sessionEvents(page, server, sessionId)).filter((e) => e.type === 'tool_sample').length;
    const bar = [-0.04, 0.81, -0.0064];
    // The object can settle a little differently on its peg from run to run
    // (inputs reach the server at whatever frame rate SwiftShader manages), so
    // a press that only grazes it is repeated a few millimetres deeper.
    let contact;
    let most = 0;
    for (const depth of [0.004, 0.008, 0.012]) {
      for (let i = 0; i <= 15; i++) {
        const tip = [bar[0], bar[1] + 0.03 - ((0.03 + depth) * i) / 15, bar[2]];
        await holdHandle('left', handleFor(PORTS.left, tip));
        await sleep(60);
      }
      await settledInput(page, server, sessionId);
      await settledSample(page, server, sessionId);
      await sleep(500);
      contact = await page.evaluate(() => ({ ...window.__medvision.contact }));
      const pressing = (await sessionEvents(page, server, sessionId)).filter((e) => e.type === 'tool_sample').slice(samplesBefore);
      most = Math.max(...pressing.map((e) => e.payload.left.force_N));
      log(`laparoscopy: pressing ${(depth * 1000).toFixed(0)} mm into the bar, ${contact.snapshots} snapshots carried hand forces (last left ${contact.leftN.toFixed(2)} N; largest in tool_sample ${most} N), ${contact.pulses - pulsesBefore} pulses`);
      if (most > 0.5) break;
    }
    if (contact.snapshots === 0) throw new Error('no snapshot carried hand forces to the participant holding the instruments');
    if (!(most > 0.5)) throw new Error(`the left instrument did not press on the object (largest tool_sample force ${most} N)`);
    if (contact.pulses - pulsesBefore === 0) throw new Error('the contact force did not vibrate the controller');
    if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
  } catch (error) {
    await page.screenshot({ path: join(RESULTS_DIR, 'xr-laparoscopy-failure.png'), timeout: 5000 }).catch(() => {});
    throw error;
  }
}

/**
 * Creates a session of `kind`, opens it, waits for the keyframe to bring the
 * laparoscope and `meshes` deformable meshes, and enters the emulated
 * headset. Returns the session's id.
 */
async function openInHeadset(page, server, kind, what, meshes) {
  const sessionId = await createSession(page, server, { title: `e2e ${kind} ${Date.now()}`, kind });
  log(`${kind}: session`, sessionId);
  await page.evaluate((id) => { location.hash = `#/sessions/${encodeURIComponent(id)}`; }, sessionId);
  await pollUntil(15_000, what, async () =>
    page.evaluate((n) => window.__medvision?.connected === true && window.__medvision.cameraMonitor?.camera === 'laparoscope' && (window.__medvision.meshes?.count ?? 0) === n, meshes),
  );
  await page.click('#enter-vr');
  await pollUntil(10_000, 'presenting, with scope images rendered', async () =>
    page.evaluate(() => window.__medvision.xr.frames > 10 && window.__medvision.cameraMonitor.frames > 10),
  );
  return sessionId;
}

/**
 * Each controller's grip space is offset from IWER's controller position:
 * measures it from the hand positions the server logs, as
 * sandbox/headset.cases.mjs does, and returns `holdHandle(hand, world)`,
 * which puts a grip (a handle) at a world position, with the offsets.
 */
async function calibrateGrips(page, server, sessionId) {
  const place = (hand, [x, y, z]) => page.evaluate(([h, a, b, c]) => window.__headset.controllers[h].position.set(a, b, c), [hand, x, y, z]);
  const probeAt = { left: [-0.2, 1.1, 0.3], right: [0.2, 1.1, 0.3] };
  await place('left', probeAt.left);
  await place('right', probeAt.right);
  // Frames (and so inputs) are slow under SwiftShader: wait for inputs sent after the move.
  const first = await settledInput(page, server, sessionId);
  const offset = {
    left: [0, 1, 2].map((k) => first.left[k] - probeAt.left[k]),
    right: [0, 1, 2].map((k) => first.right[k] - probeAt.right[k]),
  };
  const holdHandle = (hand, world) => place(hand, [0, 1, 2].map((k) => world[k] - offset[hand][k]));
  return { holdHandle, offset };
}

/** The handle position that rests an instrument START_DEPTH_M into its port, aimed at `aim`. */
function restingHandle(port, aim = AIM) {
  const d = aim.map((v, k) => v - port[k]);
  const n = Math.hypot(...d);
  return port.map((v, k) => v - ((SHAFT_M - START_DEPTH_M) * d[k]) / n);
}

/** The handle position that puts the tip at `tip`: the shaft is straight through the port's fulcrum. */
function handleFor(port, tip) {
  const d = tip.map((v, k) => v - port[k]);
  const depth = Math.hypot(...d);
  return port.map((v, k) => v - ((SHAFT_M - depth) * d[k]) / depth);
}

// docs/laparoscopy.md, tissue dissection: the ports aim at (0, 0.80, -0.01);
// the organ's front flank, where the scripted trainee bites, is at
// (0, 0.798, 0.008) in the room, and the grasper takes it with the middle of
// its 16 mm jaws.
const DISSECTION_AIM = [0, 0.8, -0.01];
const FLANK = [0, 0.798, 0.008];
const JAW_REACH_M = 0.008;
const LIFT = [0, 0.02, -0.006];

async function dissectionInTheHeadset({ server, context }) {
  const { page, pageErrors } = await loggedInPage(server, context, { initScripts: headsetInitScripts(-10) });
  try {
    const sessionId = await openInHeadset(page, server, 'laparoscopy/tissue-dissection', 'the keyframe brought the laparoscope and the organ and duct meshes', 2);
    const { holdHandle } = await calibrateGrips(page, server, sessionId);
    await holdHandle('left', restingHandle(PORTS.left, DISSECTION_AIM));
    await holdHandle('right', restingHandle(PORTS.right, DISSECTION_AIM));
    await settledInput(page, server, sessionId);
    const before = await scopeImage(page);
    const meshesBefore = await page.evaluate(() => ({ ...window.__medvision.meshes }));

    // The jaws' middle on the flank: the hinge 8 mm short of it along the shaft.
    const d = FLANK.map((v, k) => v - PORTS.left[k]);
    const n = Math.hypot(...d);
    const hinge = FLANK.map((v, k) => v - (JAW_REACH_M * d[k]) / n);
    const start = await lastTip(page, server, sessionId, 'left');
    const steps = 12;
    for (let i = 1; i <= steps; i++) {
      await holdHandle('left', handleFor(PORTS.left, start.map((v, k) => v + ((hinge[k] - v) * i) / steps)));
      await sleep(60);
    }
    await settledInput(page, server, sessionId);
    await settledSample(page, server, sessionId);
    await page.evaluate(() => window.__headset.controllers.left.updateButtonValue('trigger', 1));
    await pollUntil(15_000, 'the server logged organ_grasped', async () =>
      (await sessionEvents(page, server, sessionId)).some((e) => e.type === 'organ_grasped'),
    200);
    for (let i = 1; i <= steps; i++) {
      await holdHandle('left', handleFor(PORTS.left, hinge.map((v, k) => v + (LIFT[k] * i) / steps)));
      await sleep(60);
    }
    await settledInput(page, server, sessionId);
    await settledSample(page, server, sessionId);
    await sleep(1000);
    const sample = await lastSample(page, server, sessionId);
    const meshes = await page.evaluate(() => ({ ...window.__medvision.meshes }));
    const contact = await page.evaluate(() => ({ ...window.__medvision.contact }));
    const after = await scopeImage(page);
    writeFileSync(join(RESULTS_DIR, 'xr-dissection-lifted.png'), await screenshotEyes(page));
    const change = before.cells.filter((v, i) => Math.abs(v - after.cells[i]) > CELL_CHANGE).length;
    log(`dissection: left holding ${sample.left.holding}, ${sample.left.force_N} N; ${meshes.verticesApplied - meshesBefore.verticesApplied} mesh vertices applied while lifting; last left hand force ${contact.leftN.toFixed(2)} N; ${change} of 768 monitor cells changed`);
    if (!sample.left.holding) throw new Error('the grasper let go of the organ');
    // The organ's weight alone is about 0.4 N; lifted, it pulls harder.
    if (!(sample.left.force_N > 0.3)) throw new Error(`the lifted organ pulled on the grasper with only ${sample.left.force_N} N`);
    if (!(meshes.verticesApplied > meshesBefore.verticesApplied)) throw new Error('no organ vertices reached the client while it was lifted');
    if (!(contact.leftN > 0.3)) throw new Error(`the participant's left hand force is ${contact.leftN} N`);
    if (change < MIN_IMAGE_CHANGE) throw new Error(`the monitor's image did not change when the organ was lifted (${change} cells)`);
    if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
  } catch (error) {
    await page.screenshot({ path: join(RESULTS_DIR, 'xr-dissection-failure.png'), timeout: 5000 }).catch(() => {});
    throw error;
  }
}

const scopeImage = (page) => page.evaluate(() => window.__medvision.cameraMonitor.sample());
const fmt = (p) => p.map((v) => v.toFixed(3)).join(', ');

/** The last INPUT once three more have arrived since the call (the view sends one per frame). */
async function settledInput(page, server, sessionId) {
  const count = async () => (await sessionEvents(page, server, sessionId)).filter((e) => e.type === 'input').length;
  const before = await count();
  await pollUntil(20_000, 'three more inputs from the headset', async () => (await count()) >= before + 3, 200);
  return lastInput(page, server, sessionId);
}

/** Waits for two more tool samples (20 Hz), so they reflect the inputs before the call. */
async function settledSample(page, server, sessionId) {
  const count = async () => (await sessionEvents(page, server, sessionId)).filter((e) => e.type === 'tool_sample').length;
  const before = await count();
  await pollUntil(20_000, 'two more tool samples', async () => (await count()) >= before + 2, 100);
}

async function lastSample(page, server, sessionId) {
  const last = (await sessionEvents(page, server, sessionId)).filter((e) => e.type === 'tool_sample').at(-1);
  if (last === undefined) throw new Error('the server logged no tool_sample: the instruments are not held');
  return last.payload;
}

async function lastTip(page, server, sessionId, tool) {
  return (await lastSample(page, server, sessionId))[tool].tip;
}

/**
 * The monitor stands straight ahead of the trainee, so the middle of each
 * eye's image is the monitor's screen: it must not be blank or one colour.
 */
function checkMonitorInEyes(png) {
  const half = Math.floor(png.width / 2);
  for (const [eye, x0] of [['left', 0], ['right', half]]) {
    const { mean, sd } = luminanceStats(png, {
      x0: x0 + Math.floor(half * 0.35),
      x1: x0 + half * 0.65,
      y0: Math.floor(png.height * 0.3),
      y1: png.height * 0.6,
    });
    log(`laparoscopy: ${eye} eye, middle of the view (the monitor): mean ${mean.toFixed(0)}, sd ${sd.toFixed(1)}`);
    if (sd < MIN_IMAGE_SD) throw new Error(`the ${eye} eye's view of the monitor is uniform (sd ${sd.toFixed(1)})`);
  }
}
