// Frame time of the web client's standard scenes in headless chromium
// (SwiftShader: software WebGL on the CPU), as figures, never a threshold.
//
//   cd web && npm run build && cd ..
//   MEDVISION_BIN=build/release/src/app/medvision node bench/web_frame_time.mjs [seconds per scene]
//
// Frames follow requestAnimationFrame at 60 Hz, so ms/frame is at least
// 16.7: a figure above that is what a frame really costs here (CPU +
// software GPU). (With the frame-rate limit and vsync off, the page's own
// loop starves its main thread and the figures stop being repeatable.) The
// JS time inside the frame callback is measured separately. The
// headset scenes use IWER's emulated Quest 3 (both eyes drawn, side by
// side, into the page canvas; no real XR compositor): real headset timing
// must be measured on a headset. Draw calls and triangles are three.js's
// renderer.info for the last frame (both eyes together in the headset).

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB = join(ROOT, 'web');
const { chromium } = createRequire(join(WEB, 'package.json'))('playwright-core');
const BIN = resolve(process.env.MEDVISION_BIN ?? join(ROOT, 'build/release/src/app/medvision'));
const SECONDS = Number(process.argv[2] ?? 4);
const WARMUP_MS = 1500;
const PASSWORD = 'bench-Admin-password-42';
const VIEWPORT = { width: 960, height: 720 };
const IWER = readFileSync(join(WEB, 'node_modules/iwer/build/iwer.min.js'), 'utf8');
const HEADSET = `(() => {
  const d = new IWER.XRDevice(IWER.metaQuest3, { stereoEnabled: true });
  d.installRuntime({ forceInstall: true });
  d.quaternion.set(${-Math.sin((30 * Math.PI) / 360)}, 0, 0, ${Math.cos((30 * Math.PI) / 360)});
  window.__headset = d;
})();`;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => done(port));
    });
  });
}

async function startServer(dataDir) {
  const port = await freePort();
  const child = spawn(BIN, ['serve', '--host', '127.0.0.1', '--port', String(port), '--db', `sqlite:${join(dataDir, 'bench.db')}`,
    '--web-root', join(WEB, 'dist'), '--content', join(ROOT, 'content')], {
    env: { ...process.env, MEDVISION_ADMIN_PASSWORD: PASSWORD, MEDVISION_DATA: dataDir },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { child, base };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('the server did not become healthy');
}

/** A logged-in page; `headset` injects the emulated Quest 3 first. */
async function openPage(browser, base, headset) {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  if (headset) {
    await context.addInitScript({ content: IWER });
    await context.addInitScript({ content: HEADSET });
  }
  const login = await context.request.post(`${base}/api/login`, { data: { username: 'admin', password: PASSWORD } });
  if (!login.ok()) throw new Error(`login answered ${login.status()}`);
  const page = await context.newPage();
  return { context, page };
}

async function newSession(page, base, kind) {
  const r = await page.request.post(`${base}/api/sessions`, { data: { title: `bench ${kind}`, kind } });
  if (r.status() !== 201) throw new Error(`POST /api/sessions answered ${r.status()}`);
  return (await r.json()).id;
}

/** Frames counted inside the page, so a busy page does not skew the clock of the measurement. */
async function measure(page) {
  await sleep(WARMUP_MS);
  return page.evaluate(async (seconds) => {
    const probe = window.__medvision.render;
    const t0 = performance.now();
    const f0 = probe.frames;
    let cpu = 0;
    let worst = 0;
    let seen = f0;
    // Sum the frame callback's JS time over the window (the probe holds the last frame's).
    await new Promise((done) => {
      const poll = () => {
        if (probe.frames !== seen) {
          seen = probe.frames;
          cpu += probe.cpuMs;
          worst = Math.max(worst, probe.cpuMs);
        }
        if (performance.now() - t0 >= seconds * 1000) done();
        else setTimeout(poll, 0);
      };
      poll();
    });
    const frames = probe.frames - f0;
    return {
      msPerFrame: (performance.now() - t0) / Math.max(1, frames),
      frames,
      drawCalls: probe.drawCalls,
      triangles: probe.triangles,
      cpuMs: cpu / Math.max(1, frames),
      worstMs: worst,
    };
  }, SECONDS);
}

async function ready(page, what, tenthsOfSeconds = 150) {
  for (let i = 0; i < tenthsOfSeconds; i++) {
    const ok = await page.evaluate(() => window.__medvision?.connected === true).catch(() => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${what} did not load`);
}

async function enterVr(page) {
  await page.locator('#enter-vr').waitFor({ state: 'visible', timeout: 10_000 });
  await page.click('#enter-vr');
  for (let i = 0; i < 100; i++) {
    if (await page.evaluate(() => window.__medvision.xr.presenting)) return;
    await sleep(100);
  }
  throw new Error('the headset did not enter VR');
}

const scenes = [
  { name: 'sandbox session, desktop', kind: 'sandbox', headset: false },
  { name: 'sandbox session, headset (2 eyes)', kind: 'sandbox', headset: true },
  { name: 'ACLS megacode session, desktop + monitor panel', kind: 'emergency/acls-vf', headset: false },
  { name: 'ACLS megacode session, headset (2 eyes) + in-world monitor', kind: 'emergency/acls-vf', headset: true },
  { name: 'laparoscopy peg transfer, desktop + OR monitor (512x384 scope pass)', kind: 'laparoscopy/peg-transfer', headset: false },
  { name: 'laparoscopy peg transfer, headset (2 eyes) + OR monitor (512x384 scope pass)', kind: 'laparoscopy/peg-transfer', headset: true },
  { name: 'anatomy: 128^3 CT phantom ray marched, desktop', anatomy: '#/anatomy?phantom', headset: false },
  { name: 'anatomy: 128^3 CT phantom ray marched, headset (2 eyes)', anatomy: '#/anatomy?phantom', headset: true },
  // The library's default: the bundled AAL brain model (116 structures) with the Colin27 volume ray marched.
  { name: 'anatomy library: bundled AAL brain + MR volume, desktop', anatomy: '#/anatomy', headset: false, bundled: true },
  { name: 'anatomy library: bundled AAL brain + MR volume, headset (2 eyes)', anatomy: '#/anatomy', headset: true, bundled: true },
  // The same two parts apart: what the surfaces cost and what the ray marcher costs.
  { name: 'anatomy: bundled AAL brain model alone, desktop', anatomy: (b) => `#/anatomy?model=${encodeURIComponent(b.glb)}`, headset: false, bundled: true },
  { name: 'anatomy: bundled Colin27 volume alone (181x217x181), desktop', anatomy: (b) => `#/anatomy?volume=${encodeURIComponent(b.volume)}`, headset: false, bundled: true },
];
// WEB_FRAME_SCENES=regex measures only the matching scenes.
const ONLY = process.env.WEB_FRAME_SCENES ? new RegExp(process.env.WEB_FRAME_SCENES, 'i') : null;

/** The bundled brain's model and volume URLs once its model is ready (built at the server's first start). */
async function bundledBrain(page, base) {
  for (let i = 0; i < 600; i++) {
    const r = await page.request.get(`${base}/api/studies`);
    const studies = r.ok() ? await r.json() : [];
    for (const study of studies) {
      for (const series of study.series ?? []) {
        const model = (series.models ?? []).find((m) => m.kind === 'labels' && m.status === 'ready');
        if (study.source === 'bundled' && model) return { glb: model.glb, volume: series.volume };
      }
    }
    await sleep(200);
  }
  throw new Error('the bundled brain model did not become ready');
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'medvision-bench-'));
  const server = await startServer(dataDir);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-dev-shm-usage', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
  });
  console.log(`web_frame_time: ${VIEWPORT.width}x${VIEWPORT.height}, ${SECONDS} s per scene, chromium ${browser.version()} (SwiftShader)`);
  console.log('scene | ms/frame | frames | draw calls | triangles | frame callback JS ms (mean, worst)');
  try {
    for (const scene of scenes.filter((s) => ONLY === null || ONLY.test(s.name))) {
      const { context, page } = await openPage(browser, server.base, scene.headset);
      try {
        if (scene.anatomy) {
          const hash = typeof scene.anatomy === 'function' ? scene.anatomy(await bundledBrain(page, server.base)) : scene.anatomy;
          await page.goto(`${server.base}/${hash}`);
          // The bundled model is built at the server's first start: wait for it (and its 8 MB .glb) longer.
          await ready(page, 'the anatomy view', scene.bundled ? 900 : 150);
        } else {
          const id = await newSession(page, server.base, scene.kind);
          await page.goto(`${server.base}/#/sessions/${encodeURIComponent(id)}`);
          await ready(page, 'the session view');
        }
        if (scene.headset) await enterVr(page);
        const m = await measure(page);
        console.log(`${scene.name} | ${m.msPerFrame.toFixed(2)} | ${m.frames} | ${m.drawCalls} | ${m.triangles} | ${m.cpuMs.toFixed(2)}, ${m.worstMs.toFixed(1)}`);
      } catch (error) {
        console.log(`${scene.name} | failed: ${error.message}`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    server.child.kill('SIGTERM');
    await sleep(500);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
