// The sandbox in an emulated headset: IWER (Immersive Web Emulation
// Runtime) stands in for a Meta Quest 3 inside Debian's chromium, injected
// with addInitScript so production bundles never contain it. The headset
// enters VR, renders both eyes, its right controller carries a body, and its
// trigger teleports.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSession, lastInput, sessionEvents } from '../harness/api.mjs';
import { loggedInPage } from '../harness/browser.mjs';
import { axisAngle, headsetInitScripts, quatMul, screenshotEyes } from '../harness/headset.mjs';
import { log } from '../harness/log.mjs';
import { RESULTS_DIR } from '../harness/paths.mjs';
import { cropColumns, decodePng, findColourRegions, luminanceStats } from '../harness/pixels.mjs';
import { pollUntil, sleep } from '../harness/wait.mjs';

export const cases = [
  {
    name: 'headset-carries-a-body-and-teleports',
    behaviour: 'a headset enters VR, renders both eyes, and its right controller carries a body',
    run: enterVrAndCarryABody,
  },
];

// Look down at the table (35 degrees), as someone standing at it does.
const HEADSET = headsetInitScripts(-35);

const GRIP_BIT = 2;
const TRIGGER_BIT = 1;
const CARRY = { dx: 0.2, dy: 0.15 }; // how far the test carries the body with the right controller, metres
const MIN_CARRY_M = 0.12;

async function enterVrAndCarryABody({ server, context }) {
  const { page, pageErrors } = await loggedInPage(server, context, { initScripts: HEADSET });
  try {
    const sessionId = await createSession(page, server, { title: `e2e headset ${Date.now()}` });
    log('headset: session', sessionId);
    await page.evaluate((id) => { location.hash = `#/sessions/${encodeURIComponent(id)}`; }, sessionId);
    await pollUntil(15_000, 'connected and the keyframe received', async () => {
      const p = await page.evaluate(() => window.__medvision && { connected: window.__medvision.connected, n: window.__medvision.bodies.size });
      return p !== null && p !== undefined && p.connected && p.n > 0;
    });

    log('headset: the page offers "Enter VR"; click it');
    await page.locator('#enter-vr').waitFor({ state: 'visible', timeout: 10_000 });
    await page.click('#enter-vr');
    await pollUntil(10_000, 'the immersive session renders frames', async () => {
      const xr = await page.evaluate(() => window.__medvision.xr);
      const note = await page.textContent('#xr-note');
      if (note) throw new Error(`the page says: ${note}`);
      return xr.presenting && xr.mode === 'immersive-vr' && xr.frames > 10;
    });
    const render = await page.evaluate(() => ({ ...window.__medvision.render }));
    log(`headset: presenting; ${render.drawCalls} draw calls and ${render.triangles} triangles for both eyes`);

    const stereo = await screenshotEyes(page);
    writeFileSync(join(RESULTS_DIR, 'xr-stereo.png'), stereo);
    checkBothEyes(decodePng(stereo));

    const bodies = await bodiesNow(page);
    const body = pickReachableBody(bodies);
    log(`headset: carry body ${body.id} from (${fmt(body)})`);

    // Where the client says the right hand is (its grip space) differs from
    // IWER's controller position by the controller's grip offset: measure it.
    const right = (x, y, z) => page.evaluate(([a, b, c]) => window.__headset.controllers.right.position.set(a, b, c), [x, y, z]);
    const button = (id, value) => page.evaluate(([i, v]) => window.__headset.controllers.right.updateButtonValue(i, v), [id, value]);
    await right(body.x + 0.3, body.y + 0.3, body.z + 0.2);
    await sleep(300);
    const probeAt = await lastRightHand(page, server, sessionId);
    const offset = { x: probeAt.x - (body.x + 0.3), y: probeAt.y - (body.y + 0.3), z: probeAt.z - (body.z + 0.2) };
    log(`headset: grip offset from the controller (${fmt(offset)}) m`);
    const to = (x, y, z) => right(x - offset.x, y - offset.y, z - offset.z);

    log('headset: press the trigger once (it goes up in INPUT; a trigger on a body does nothing else)');
    await button('trigger', 1);
    await sleep(150);
    await button('trigger', 0);

    await to(body.x, body.y, body.z);
    await sleep(250);
    await button('squeeze', 1);
    await sleep(300);
    const steps = 15;
    for (let i = 1; i <= steps; i++) {
      await to(body.x + (CARRY.dx * i) / steps, body.y + (CARRY.dy * i) / steps, body.z);
      await sleep(40);
    }
    await sleep(400);
    const carried = (await bodiesNow(page)).find((b) => b.id === body.id);
    const moved = Math.hypot(carried.x - body.x, carried.y - body.y, carried.z - body.z);
    log(`headset: while held, body ${body.id} at (${fmt(carried)}), ${moved.toFixed(3)} m from its start`);
    const held = await screenshotEyes(page);
    writeFileSync(join(RESULTS_DIR, 'xr-carry.png'), held);
    checkBothEyes(decodePng(held));
    await button('squeeze', 0);
    await sleep(300);
    if (moved < MIN_CARRY_M) throw new Error(`the carried body moved only ${moved.toFixed(3)} m (need ${MIN_CARRY_M})`);
    if (carried.x - body.x < MIN_CARRY_M / 2) throw new Error(`the body did not follow the controller along +x (dx ${(carried.x - body.x).toFixed(3)} m)`);

    log('headset: point the right controller at the floor beside the table and pull the trigger: teleport');
    const headBefore = (await lastInput(page, server, sessionId)).head;
    // Facing +x (yaw -90 degrees), tilted 45 degrees down; the ray is the controller's -z.
    const q = quatMul(axisAngle([0, 1, 0], -Math.PI / 2), axisAngle([1, 0, 0], -Math.PI / 4));
    await page.evaluate(([x, y, z, w]) => {
      const right = window.__headset.controllers.right;
      right.position.set(0.25, 1.3, 0.1);
      right.quaternion.set(x, y, z, w);
    }, q);
    await sleep(300);
    await button('trigger', 1);
    await sleep(200);
    await button('trigger', 0);
    await sleep(300);
    const headAfter = (await lastInput(page, server, sessionId)).head;
    log(`headset: head in INPUT from (${headBefore.slice(0, 3).map((v) => v.toFixed(2))}) to (${headAfter.slice(0, 3).map((v) => v.toFixed(2))})`);
    // The ray meets the floor 1.3 m out along +x (from x = 0.25): the head lands above that point.
    if (Math.abs(headAfter[0] - 1.55) > 0.15 || Math.abs(headAfter[2] - 0.1) > 0.15) {
      throw new Error(`the teleport did not put the head above (1.55, 0.10): it is at (${headAfter[0].toFixed(2)}, ${headAfter[2].toFixed(2)})`);
    }
    if (Math.abs(headAfter[1] - headBefore[1]) > 0.02) throw new Error('the teleport changed the head height');

    log('headset: the server logged the grab, the release and the buttons');
    const events = await sessionEvents(page, server, sessionId);
    const mine = events.filter((e) => e.type === 'participant_joined').map((e) => e.payload.participant).at(-1);
    const grab = events.find((e) => e.type === 'grab' && e.payload.participant === mine && e.payload.hand === 1 && e.payload.body === body.id);
    if (grab === undefined) throw new Error(`no grab of body ${body.id} by the right hand of participant ${mine}: ${types(events)}`);
    if (!events.some((e) => e.type === 'release' && e.payload.participant === mine && e.payload.body === body.id)) {
      throw new Error(`no release of body ${body.id}: ${types(events)}`);
    }
    const inputs = events.filter((e) => e.type === 'input' && e.payload.participant === mine);
    const rightButtons = inputs.map((e) => e.payload.right[7]);
    if (!rightButtons.some((b) => (b & TRIGGER_BIT) !== 0)) throw new Error('no INPUT carried the right trigger');
    if (!rightButtons.some((b) => (b & GRIP_BIT) !== 0)) throw new Error('no INPUT carried the right grip');
    const heads = inputs.map((e) => e.payload.head[1]);
    if (!heads.some((y) => Math.abs(y - 1.6) < 0.05)) throw new Error(`no INPUT has the headset's head height 1.6 m (saw ${heads.slice(-3)})`);
    log(`headset: ${inputs.length} inputs, grab at tick ${grab.tick}, trigger and grip bits seen`);
    if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
  } catch (error) {
    await page.screenshot({ path: join(RESULTS_DIR, 'xr-failure.png'), timeout: 5000 }).catch(() => {});
    if (pageErrors.length > 0) log('page errors:', pageErrors.join(' | '));
    throw error;
  }
}

const fmt = (p) => `${p.x.toFixed(3)}, ${p.y.toFixed(3)}, ${p.z.toFixed(3)}`;
const types = (events) => JSON.stringify([...new Set(events.map((e) => e.type))]);

async function bodiesNow(page) {
  return page.evaluate(() => [...window.__medvision.bodies].map(([id, p]) => ({ id, x: p.x, y: p.y, z: p.z })));
}

/** The body with the most room to its +x side, so the carry does not push others. */
function pickReachableBody(bodies) {
  const room = (b) => Math.min(0.6 - b.x, ...bodies.filter((o) => o.id !== b.id && o.x > b.x).map((o) => Math.hypot(o.x - b.x, o.z - b.z)));
  return [...bodies].sort((a, b) => room(b) - room(a))[0];
}

async function lastRightHand(page, server, sessionId) {
  const [x, y, z] = (await lastInput(page, server, sessionId)).right;
  return { x, y, z };
}

/**
 * A broken render fails: each eye's half of the frame must vary (not blank
 * or one colour) and show at least one of the strongly coloured bodies.
 */
function checkBothEyes(png) {
  const half = Math.floor(png.width / 2);
  for (const [eye, x0] of [['left', 0], ['right', half]]) {
    const { mean, sd } = luminanceStats(png, { x0, x1: x0 + half });
    const eyePng = cropColumns(png, x0, half);
    const regions = findColourRegions(eyePng);
    log(`headset: ${eye} eye mean ${mean.toFixed(0)}, sd ${sd.toFixed(1)}, ${regions.length} coloured regions`);
    if (sd < 8) throw new Error(`the ${eye} eye is uniform (luminance sd ${sd.toFixed(1)}): broken render`);
    if (regions.length === 0) throw new Error(`the ${eye} eye shows no coloured body`);
  }
}

