// End-to-end test: the real medvision server, Debian's chromium driven by
// playwright-core, pixels checked in screenshots. Run `npm run build` first.
// Prints `e2e: N passed, M failed` last and exits non-zero on any failure.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { projectToCanvas } from './camera.mjs';
import { decodePng, findColourRegions, hueDistance } from './pixels.mjs';
import { xrAnatomyHeadsetCases } from './xr-anatomy-headset.mjs';
import { xrAnatomyCases } from './xr-anatomy.mjs';
import { xrHeadsetCases } from './xr-headset.mjs';
import { xrLaparoscopyCases } from './xr-laparoscopy.mjs';

const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_BIN = resolve(WEB_DIR, process.env.MEDVISION_BIN ?? '../build/dev/src/app/medvision');
const DIST_DIR = join(WEB_DIR, 'dist');
const RESULTS_DIR = join(WEB_DIR, 'test-results');
const ADMIN_PASSWORD = 'e2e-Admin-password-42';
const WHOLE_RUN_TIMEOUT_MS = 360_000;
// E2E_ONLY=regex runs only the cases whose names match (e.g. E2E_ONLY=headset).
const ONLY = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY, 'i') : null;
const VIEWPORT = { width: 960, height: 720 };
// Table top of the server's sandbox (docs: y = 0.9, x in [-0.6, 0.6], z in [-0.9, -0.3]).
const TABLE = { y: 0.9, minX: -0.6, maxX: 0.6, minZ: -0.9, maxZ: -0.3 };
const MIN_DRAG_PIXELS = 100; // how far the test drags, on screen
const MIN_PIXEL_MOVE = 50; // how far the body's colour centroid must move

let liveServer = null; // killed by the watchdog if the run hangs

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const log = (...parts) => console.log('e2e:', ...parts);

/** Resolves with fn's value, or rejects after ms with a message naming what timed out. */
async function within(ms, what, fn) {
  let timer;
  const timeout = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([fn(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function pollUntil(ms, what, check, intervalMs = 100) {
  return within(ms, what, async () => {
    for (;;) {
      const value = await check();
      if (value) return value;
      await sleep(intervalMs);
    }
  });
}

function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

// ---------------------------------------------------------------- server

async function startServer(dataDir) {
  const port = await freePort();
  const args = [
    'serve', '--host', '127.0.0.1', '--port', String(port),
    '--db', `sqlite:${join(dataDir, 'e2e.db')}`, '--web-root', DIST_DIR,
    '--content', join(WEB_DIR, '..', 'content'),
    // One admin opens a session per case and ends few of them.
    '--max-running-sessions', '100',
  ];
  log('starting', SERVER_BIN, args.join(' '));
  const logFile = createWriteStream(join(RESULTS_DIR, 'server.log'));
  const child = spawn(SERVER_BIN, args, {
    env: { ...process.env, MEDVISION_ADMIN_PASSWORD: ADMIN_PASSWORD, MEDVISION_DATA: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    logFile.write(chunk);
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
  child.once('error', (error) => keep(`spawn failed: ${error.message}\n`));
  const server = { child, port, base: `http://127.0.0.1:${port}`, exited, output: () => output, logFile };
  liveServer = server;

  let gone = null;
  exited.then((status) => { gone = status; });
  await pollUntil(20_000, 'GET /api/health answers 200', async () => {
    if (gone) throw new Error(`server exited (${JSON.stringify(gone)}) before it was healthy:\n${output}`);
    try {
      const response = await fetch(`${server.base}/api/health`);
      return response.status === 200;
    } catch {
      return false;
    }
  }, 150);
  log('server healthy on port', port);
  return server;
}

async function stopServer(server) {
  if (!server) return;
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    const stopped = await Promise.race([server.exited, sleep(5000).then(() => null)]);
    if (stopped === null) {
      log('server ignored SIGTERM for 5 s; killing it');
      server.child.kill('SIGKILL');
      await Promise.race([server.exited, sleep(2000)]);
    } else {
      log('server stopped', JSON.stringify(stopped));
    }
  }
  server.logFile.end();
}

// ---------------------------------------------------------------- browser

function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-dev-shm-usage', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    ],
  });
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

// ---------------------------------------------------------------- the test

async function dragBodyAcrossTable({ server, browser }) {
  log('log in as admin through the form');
  const { context, page, pageErrors } = await loggedInPage(server, browser);
  try {
    log('create a session from the list page');
    const title = `e2e drag ${Date.now()}`;
    await page.fill('#session-title', title);
    await page.click('#new-session');
    const row = page.locator('#session-rows tr', { hasText: title });
    await pollUntil(10_000, `a row titled "${title}"`, async () => {
      const error = (await page.locator('#sessions-error').textContent({ timeout: 2000 })) ?? '';
      if (error !== '') throw new Error(`creating the session failed: ${error}`);
      return (await row.count()) === 1;
    });
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
    const response = await page.request.get(`${server.base}/api/sessions/${encodeURIComponent(sessionId)}/events?limit=10000`);
    if (response.status() !== 200) throw new Error(`GET events answered ${response.status()}: ${await response.text()}`);
    const body_ = await response.json();
    const events = Array.isArray(body_) ? body_ : body_.events;
    if (!Array.isArray(events)) throw new Error(`GET events did not return a list: ${JSON.stringify(body_).slice(0, 200)}`);
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
  } finally {
    await context.close().catch(() => {});
  }
}

/**
 * Opens a page that collects page errors; logs in as admin through the form.
 * `initScripts` run in the page before its own scripts (an emulated headset).
 */
async function loggedInPage(server, browser, { initScripts = [] } = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  for (const script of initScripts) await context.addInitScript({ content: script });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      pageErrors.push(`console: ${message.text()}`);
    }
  });
  await page.goto(`${server.base}/`, { waitUntil: 'load' });
  await page.waitForSelector('#login-form');
  await page.fill('#login-username', 'admin');
  await page.fill('#login-password', ADMIN_PASSWORD);
  await page.click('#login-form button[type=submit]');
  await pollUntil(10_000, 'the session list after login', async () => {
    const state = await page.evaluate(() => ({
      error: document.querySelector('#login-error')?.textContent ?? '',
      listed: location.hash === '#/sessions' && document.querySelector('#session-rows') !== null,
    }));
    if (state.error !== '') throw new Error(`login refused: ${state.error}`);
    return state.listed;
  });
  return { context, page, pageErrors };
}

const text = async (page, testid) => ((await page.locator(`[data-testid="${testid}"]`).first().textContent()) ?? '').trim();

async function runMegacodeInTheBrowser({ server, browser }) {
  const { context, page, pageErrors } = await loggedInPage(server, browser);
  try {
    log('create an ACLS megacode session with the scenario picker');
    await pollUntil(10_000, 'the scenario picker offers emergency/acls-vf', async () =>
      (await page.locator('[data-testid="scenario-picker"] option[value="emergency/acls-vf"]').count()) === 1);
    await page.selectOption('[data-testid="scenario-picker"]', 'emergency/acls-vf');
    const title = `e2e megacode ${Date.now()}`;
    await page.fill('#session-title', title);
    await page.click('#new-session');
    const row = page.locator('#session-rows tr', { hasText: title });
    await pollUntil(10_000, `a row titled "${title}"`, async () => (await row.count()) === 1);
    const sessionId = await row.getAttribute('data-session-id');
    if (!(await row.textContent()).includes('emergency/acls-vf')) throw new Error('the list does not show the kind');
    await row.locator('button.open').click();

    log('the monitor shows the arrested patient');
    await pollUntil(15_000, 'the monitor shows VF and a heart rate', async () => {
      const rhythm = await text(page, 'rhythm');
      return /ventricular fibrillation|vf/i.test(rhythm) && (await text(page, 'vital-hr')) !== '';
    });
    log('monitor: rhythm', JSON.stringify(await text(page, 'rhythm')), 'HR', JSON.stringify(await text(page, 'vital-hr')),
      'SpO2', JSON.stringify(await text(page, 'vital-spo2')));
    await pollUntil(10_000, 'a prompt', async () => (await text(page, 'prompts')) !== '');

    log('start compressions, then shock, from the action buttons');
    await page.click('[data-testid="action-compressions"]');
    await pollUntil(10_000, 'compressions under way', async () =>
      /compress/i.test(await text(page, 'event-feed')) && !/refused/i.test(await text(page, 'action-reply')));
    await page.click('[data-testid="action-shock"]');
    await pollUntil(10_000, 'a shock in the event feed', async () => /shock/i.test(await text(page, 'event-feed')));

    log('the admin pauses the scenario and adds an observation');
    await page.click('[data-testid="control-pause"]');
    await pollUntil(10_000, 'the scenario shows paused', async () =>
      (await page.locator('[data-testid="scenario-paused"]').isVisible()) || /pause/i.test(await text(page, 'event-feed')));
    await page.fill('[data-testid="observation-text"]', 'good recoil, leader called the shock');
    await page.click('[data-testid="control-observation"]');
    await pollUntil(10_000, 'the observation in the feed', async () => /good recoil/.test(await text(page, 'event-feed')));
    await screenshotPage(page, 'megacode-panel');

    log('end the session; the page shows the outcome and the debrief link');
    const ended = await page.evaluate(async (id) => (await fetch(`/api/sessions/${id}/end`, { method: 'POST' })).status, sessionId);
    if (ended !== 200) throw new Error(`ending the session answered ${ended}`);
    await pollUntil(10_000, 'the outcome and report link', async () =>
      (await page.locator('[data-testid="report-link"]').count()) > 0 && /aborted/i.test(await text(page, 'session-outcome')));
    const href = await page.locator('[data-testid="report-link"]').first().getAttribute('href');
    const report = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, type: r.headers.get('content-type'), body: await r.text() };
    }, href);
    if (report.status !== 200 || !report.type.startsWith('text/html') || !report.body.includes('<svg')) {
      throw new Error(`the debrief report at ${href} answered ${report.status} ${report.type}`);
    }
    log('debrief report', href, `${report.body.length} bytes with vital-sign plots`);
    if (pageErrors.length > 0) throw new Error(`page errors: ${pageErrors.join(' | ')}`);
  } finally {
    await context.close().catch(() => {});
  }
}

/**
 * Sessions are seen by their members only: the admin makes an invite code on
 * the sessions page, a trainee (who cannot see the session before) joins with
 * it through the page and opens the session.
 */
async function joinWithAnInviteCode({ server, browser }) {
  const { context, page } = await loggedInPage(server, browser);
  const trainee = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  try {
    const username = `e2e-trainee-${Date.now()}`;
    const made = await page.request.post(`${server.base}/api/users`, {
      headers: { Origin: server.base },
      data: { username, password: 'correct horse', role: 'trainee' },
    });
    if (made.status() !== 201) throw new Error(`creating the trainee answered ${made.status()}: ${await made.text()}`);
    const title = `e2e invite ${Date.now()}`;
    await page.fill('#session-title', title);
    await page.click('#new-session');
    const row = page.locator('#session-rows tr', { hasText: title });
    await pollUntil(10_000, `a row titled "${title}"`, async () => (await row.count()) === 1);
    await row.locator('button.invite').click();
    let code = '';
    await pollUntil(10_000, 'an invite code on the page', async () => {
      const notice = (await page.locator('#sessions-notice').textContent()) ?? '';
      code = /: ([A-Za-z0-9_-]{16,}) \(/.exec(notice)?.[1] ?? '';
      return code !== '';
    });
    log('invite code made on the page');

    const other = await trainee.newPage();
    other.setDefaultTimeout(15_000);
    await other.goto(`${server.base}/`, { waitUntil: 'load' });
    await other.fill('#login-username', username);
    await other.fill('#login-password', 'correct horse');
    await other.click('#login-form button[type=submit]');
    await pollUntil(10_000, 'the trainee\'s session list', async () => (await other.locator('#session-rows').count()) === 1);
    if ((await other.locator('#session-rows tr', { hasText: title }).count()) !== 0) {
      throw new Error('a trainee who is not a member sees the session');
    }
    await other.fill('#invite-code', code);
    await other.click('#join-with-code');
    const theirs = other.locator('#session-rows tr', { hasText: title });
    await pollUntil(10_000, 'the session in the trainee\'s list', async () => (await theirs.count()) === 1);
    await theirs.locator('button.open').click();
    await pollUntil(15_000, 'the trainee in the session', async () =>
      /#\/sessions\/ses_/.test(await other.evaluate(() => location.hash)));
    log('the trainee joined with the code and opened the session');
  } finally {
    await trainee.close().catch(() => {});
    await context.close().catch(() => {});
  }
}

async function screenshotPage(page, name) {
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  log('screenshot', path);
}

// ---------------------------------------------------------------- runner

async function main() {
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (!existsSync(join(DIST_DIR, 'index.html'))) throw new Error(`${DIST_DIR}/index.html is missing: run npm run build first`);
  if (!existsSync(SERVER_BIN)) throw new Error(`no server binary at ${SERVER_BIN} (set MEDVISION_BIN)`);

  const dataDir = mkdtempSync(join(tmpdir(), 'medvision-e2e-'));
  let server = null;
  let browser = null;
  let passed = 0;
  let failed = 0;
  const tests = [
    ['admin drags a body across the table', dragBodyAcrossTable],
    ['a megacode runs in the browser: monitor, actions, controls, debrief', runMegacodeInTheBrowser],
    ['a trainee joins a session with an invite code made on the page', joinWithAnInviteCode],
    ...xrHeadsetCases,
    ...xrAnatomyCases,
    ...xrAnatomyHeadsetCases,
    ...xrLaparoscopyCases,
  ].filter(([name]) => ONLY === null || ONLY.test(name));
  // What cases in other files (xr-headset.mjs) may use of this runner.
  const harness = { log, sleep, pollUntil, loggedInPage, resultsDir: RESULTS_DIR };
  try {
    server = await startServer(dataDir);
    browser = await launchBrowser();
    for (const [name, run] of tests) {
      const started = Date.now();
      try {
        await within(90_000, name, () => run({ server, browser, harness }));
        passed += 1;
        log(`PASS ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (error) {
        failed += 1;
        log(`FAIL ${name}: ${error.stack ?? error}`);
      }
    }
  } catch (error) {
    failed = Math.max(failed, tests.length - passed);
    log(`setup failed: ${error.stack ?? error}`);
    if (server) log('server output (tail):\n' + server.output());
  } finally {
    if (browser) await within(10_000, 'closing chromium', () => browser.close()).catch((e) => log(e.message));
    await stopServer(server);
    if (failed === 0) rmSync(dataDir, { recursive: true, force: true });
    else log('kept the server data in', dataDir, '; server log in', join(RESULTS_DIR, 'server.log'));
  }
  return { passed, failed };
}

const watchdog = setTimeout(() => {
  console.log(`e2e: the whole run exceeded ${WHOLE_RUN_TIMEOUT_MS / 1000} s`);
  if (liveServer && liveServer.child.exitCode === null) liveServer.child.kill('SIGKILL');
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}, WHOLE_RUN_TIMEOUT_MS);
watchdog.unref();

main()
  .catch((error) => {
    log(`error: ${error.stack ?? error}`);
    return { passed: 0, failed: 1 };
  })
  .then(({ passed, failed }) => {
    console.log(`e2e: ${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  });
