// The sandbox on a desktop: the admin creates a session from the list page,
// drags a body across the table with the mouse, and the move shows in the
// pixels and in the session's log.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sessionEvents } from '../harness/api.mjs';
import { loggedInPage, newSessionOnPage } from '../harness/browser.mjs';
import { projectToCanvas } from '../harness/camera.mjs';
import { log } from '../harness/log.mjs';
import { RESULTS_DIR } from '../harness/paths.mjs';
import { decodePng, findColourRegions, hueDistance } from '../harness/pixels.mjs';
import { pollUntil, sleep } from '../harness/wait.mjs';

export const cases = [
  { name: 'drag-a-body-across-the-table', behaviour: 'admin drags a body across the table', run: dragBodyAcrossTable },
];

// Table top of the server's sandbox (docs: y = 0.9, x in [-0.6, 0.6], z in [-0.9, -0.3]).
const TABLE = { y: 0.9, minX: -0.6, maxX: 0.6, minZ: -0.9, maxZ: -0.3 };
const MIN_DRAG_PIXELS = 100; // how far the test drags, on screen
const MIN_PIXEL_MOVE = 50; // how far the body's colour centroid must move

async function dragBodyAcrossTable({ server, context }) {
  log('log in as admin through the form');
  const { page, pageErrors } = await loggedInPage(server, context);
  try {
    log('create a session from the list page');
    const title = `e2e drag ${Date.now()}`;
    const row = await newSessionOnPage(page, { title });
    const sessionId = await row.getAttribute('data-session-id');
    log('session', sessionId, 'open it');
    await row.locator('button.open').click();

    await pollUntil(15_000, 'connected and the keyframe received', async () => {
      const state = await page.getAttribute('#session-status', 'data-state');
      if (state === 'closed' || state === 'error') {
        throw new Error(`session view says: ${await page.textContent('#session-status')}`);
      }
      const p = await probe(page);
      return p !== null && p.connected && p.bodies.length > 0;
    });
    const atRest = await waitForRest(page, 10_000);
    log(`keyframe: ${atRest.bodies.length} bodies, tick ${atRest.tick}`);

    const before = await screenshotCanvas(page, 'drag-before.png');
    const regions = findColourRegions(before.png);
    log(`before: ${regions.length} coloured regions:`, regions.map((r) => `hue ${r.hue.toFixed(0)} area ${r.area} at (${r.cx.toFixed(0)},${r.cy.toFixed(0)})`).join('; '));
    if (regions.length === 0) throw new Error('no coloured body is visible in drag-before.png');

    // The body to drag: the largest coloured region, matched to the body whose
    // projected centre is nearest (to aim the drop in world coordinates).
    const picked = regions[0];
    const { width, height } = before.png;
    const body = atRest.bodies
      .map((b) => ({ ...b, pixel: projectToCanvas(b, width, height) }))
      .sort((a, b) => Math.hypot(a.pixel.x - picked.cx, a.pixel.y - picked.cy) - Math.hypot(b.pixel.x - picked.cx, b.pixel.y - picked.cy))[0];
    const aimError = Math.hypot(body.pixel.x - picked.cx, body.pixel.y - picked.cy);
    log(`dragging body ${body.id} (hue ${picked.hue.toFixed(0)}), projected centre ${aimError.toFixed(1)} px from its pixel centroid`);
    if (aimError > 40) throw new Error(`no body projects near the region at (${picked.cx.toFixed(0)}, ${picked.cy.toFixed(0)}): camera model and view disagree`);

    const spot = chooseDropSpot(body, atRest.bodies, width, height);
    const dropPixel = projectToCanvas({ x: spot.x, y: body.y, z: spot.z }, width, height);
    log(`drop spot (${spot.x.toFixed(2)}, ${spot.z.toFixed(2)}) clearance ${spot.clearance.toFixed(2)} m, pixel (${dropPixel.x.toFixed(0)}, ${dropPixel.y.toFixed(0)})`);

    const from = { x: before.box.x + picked.cx, y: before.box.y + picked.cy };
    const to = { x: before.box.x + dropPixel.x, y: before.box.y + dropPixel.y };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await sleep(300); // let the grab reach the server before the hand moves
    const steps = 30;
    for (let i = 1; i <= steps; i++) {
      await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
      await sleep(30);
    }
    await sleep(400);
    const carried = (await probe(page)).bodies.find((b) => b.id === body.id);
    log(`while carried: body ${body.id} at (${carried.x.toFixed(3)}, ${carried.y.toFixed(3)}, ${carried.z.toFixed(3)})`);
    await page.mouse.up();

    let settled;
    try {
      settled = await waitForRest(page, 10_000);
    } catch (error) {
      log(`warning: ${error.message}`);
      settled = await probe(page);
    }
    const dropped = settled.bodies.find((b) => b.id === body.id);
    log(`after the drop: body ${body.id} at (${dropped.x.toFixed(3)}, ${dropped.y.toFixed(3)}, ${dropped.z.toFixed(3)}), tick ${settled.tick}`);

    const after = await screenshotCanvas(page, 'drag-after.png');
    const candidates = findColourRegions(after.png).filter(
      (r) => hueDistance(r.hue, picked.hue) <= 20 && r.area >= picked.area / 3 && r.area <= picked.area * 3,
    );
    if (candidates.length === 0) throw new Error(`the dragged body's colour (hue ${picked.hue.toFixed(0)}) is gone from drag-after.png`);
    const moved = candidates.sort((a, b) => Math.hypot(a.cx - dropPixel.x, a.cy - dropPixel.y) - Math.hypot(b.cx - dropPixel.x, b.cy - dropPixel.y))[0];
    const travel = Math.hypot(moved.cx - picked.cx, moved.cy - picked.cy);
    const missFromDrop = Math.hypot(moved.cx - dropPixel.x, moved.cy - dropPixel.y);
    log(`pixels: centroid (${picked.cx.toFixed(0)},${picked.cy.toFixed(0)}) -> (${moved.cx.toFixed(0)},${moved.cy.toFixed(0)}), moved ${travel.toFixed(0)} px, ${missFromDrop.toFixed(0)} px from the drop point`);
    if (travel < MIN_PIXEL_MOVE) throw new Error(`the body's colour centroid moved only ${travel.toFixed(1)} px (need ${MIN_PIXEL_MOVE})`);
    if (missFromDrop > travel) throw new Error(`the body ended nearer its start than the drop point (${missFromDrop.toFixed(0)} px from the drop point)`);

    log('the server logged grab and input events');
    const events = await sessionEvents(page, server, sessionId);
    const counts = {};
    for (const event of events) counts[event.type] = (counts[event.type] ?? 0) + 1;
    log('event types:', JSON.stringify(counts));
    for (const type of ['grab', 'input']) {
      if (!counts[type]) throw new Error(`the session log has no "${type}" event`);
    }
    // Not in docs/api.md, but the server records each input's client seq: none may be lost.
    const seqs = events.filter((e) => e.type === 'input' && typeof e.payload?.client_seq === 'number').map((e) => e.payload.client_seq);
    if (seqs.length > 0) {
      const gap = seqs.findIndex((seq, i) => seq !== i + 1);
      if (gap >= 0) throw new Error(`input events skip a client seq: expected ${gap + 1}, found ${seqs[gap]}`);
      log(`input events hold client seq 1..${seqs.length} without gaps`);
    }
    if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
  } catch (error) {
    await page.screenshot({ path: join(RESULTS_DIR, 'failure.png'), timeout: 5000 }).catch(() => {});
    if (pageErrors.length > 0) log('page errors:', pageErrors.join(' | '));
    throw error;
  }
}

async function screenshotCanvas(page, name) {
  const canvas = page.locator('#viewport canvas');
  const buffer = await canvas.screenshot({ timeout: 10_000 });
  writeFileSync(join(RESULTS_DIR, name), buffer);
  const box = await canvas.boundingBox();
  return { png: decodePng(buffer), box };
}

const probe = (page) =>
  page.evaluate(() => {
    const m = window.__medvision;
    if (!m) return null;
    return { tick: m.tick, connected: m.connected, bodies: [...m.bodies].map(([id, p]) => ({ id, x: p.x, y: p.y, z: p.z })) };
  });

async function waitForRest(page, ms) {
  // Bodies may still be settling on the table: wait until none moves 1 mm in 300 ms.
  let previous = null;
  return pollUntil(ms, 'bodies at rest', async () => {
    const now = await probe(page);
    const still =
      previous !== null &&
      now.bodies.length === previous.bodies.length &&
      now.bodies.every((b, i) => Math.hypot(b.x - previous.bodies[i].x, b.y - previous.bodies[i].y, b.z - previous.bodies[i].z) < 0.001);
    previous = now;
    return still ? now : null;
  }, 300);
}

/**
 * A free spot on the table for `body`: at least MIN_DRAG_PIXELS away on screen
 * (so the move is unmistakable in pixels), as clear of the other bodies as
 * possible, and otherwise near.
 */
function chooseDropSpot(body, bodies, width, height) {
  const start = projectToCanvas(body, width, height);
  let best = null;
  for (let x = TABLE.minX + 0.12; x <= TABLE.maxX - 0.12 + 1e-9; x += 0.04) {
    for (let z = TABLE.minZ + 0.1; z <= TABLE.maxZ - 0.1 + 1e-9; z += 0.05) {
      const pixel = projectToCanvas({ x, y: body.y, z }, width, height);
      if (Math.hypot(pixel.x - start.x, pixel.y - start.y) < MIN_DRAG_PIXELS) continue;
      const clearance = Math.min(...bodies.filter((b) => b.id !== body.id).map((b) => Math.hypot(x - b.x, z - b.z)));
      const score = Math.min(clearance, 0.2) - 0.05 * Math.hypot(x - body.x, z - body.z);
      if (best === null || score > best.score) best = { x, z, score, clearance };
    }
  }
  if (best === null) throw new Error(`no spot on the table is ${MIN_DRAG_PIXELS} px away from body ${body.id}`);
  return best;
}
