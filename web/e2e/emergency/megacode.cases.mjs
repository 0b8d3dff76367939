// The ACLS megacode (emergency/acls-vf): on a desktop, the monitor, the
// action buttons, the instructor's controls and the debrief report; in an
// emulated headset (IWER's Meta Quest 3), the monitor on an in-world panel.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSession } from '../harness/api.mjs';
import { loggedInPage, newSessionOnPage, screenshotPage } from '../harness/browser.mjs';
import { headsetInitScripts, screenshotEyes } from '../harness/headset.mjs';
import { log } from '../harness/log.mjs';
import { RESULTS_DIR } from '../harness/paths.mjs';
import { countDarkPixels, cropColumns, decodePng, findColourRegions } from '../harness/pixels.mjs';
import { pollUntil, sleep } from '../harness/wait.mjs';

export const cases = [
  {
    name: 'megacode-in-the-browser',
    behaviour: 'a megacode runs in the browser: monitor, actions, controls, debrief',
    run: runMegacodeInTheBrowser,
  },
  {
    name: 'megacode-monitor-panel-in-the-headset',
    behaviour: 'in a megacode the headset shows the patient monitor on an in-world panel',
    run: monitorPanelInTheHeadset,
  },
];

const text = async (page, testid) => ((await page.locator(`[data-testid="${testid}"]`).first().textContent()) ?? '').trim();

async function runMegacodeInTheBrowser({ server, context }) {
  const { page, pageErrors } = await loggedInPage(server, context);
  log('create an ACLS megacode session with the scenario picker');
  const row = await newSessionOnPage(page, { title: `e2e megacode ${Date.now()}`, kind: 'emergency/acls-vf' });
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
}

// The monitor panel's colours (src/xr/board-panel.ts, src/modules/emergency/vitals-board.ts): a near-black face, heart rate in green.
const PANEL_DARK_MAX_LUMINANCE = 40;
const MIN_PANEL_PIXELS = 3000;
const HEART_RATE_HUE = 140;

async function monitorPanelInTheHeadset({ server, context }) {
  // Look down at the table (35 degrees), as someone standing at it does.
  const { page, pageErrors } = await loggedInPage(server, context, { initScripts: headsetInitScripts(-35) });
  try {
    const sessionId = await createSession(page, server, { title: `e2e headset megacode ${Date.now()}`, kind: 'emergency/acls-vf' });
    await page.evaluate((id) => { location.hash = `#/sessions/${encodeURIComponent(id)}`; }, sessionId);
    await pollUntil(15_000, 'the monitor shows a rhythm', async () => /ventricular fibrillation|vf/i.test((await page.locator('[data-testid="rhythm"]').first().textContent().catch(() => '')) ?? ''));
    await page.click('#enter-vr');
    await pollUntil(10_000, 'presenting', async () => (await page.evaluate(() => window.__medvision.xr)).frames > 10);
    // Turn the head towards the panel (it stands to the right, behind the table).
    const yaw = -Math.atan2(0.75, 1.2);
    await page.evaluate((half) => window.__headset.quaternion.set(0, Math.sin(half), 0, Math.cos(half)), yaw / 2);
    await sleep(600);
    const shot = await screenshotEyes(page);
    writeFileSync(join(RESULTS_DIR, 'xr-monitor.png'), shot);
    const png = decodePng(shot);
    const half = Math.floor(png.width / 2);
    for (const [eye, x0] of [['left', 0], ['right', half]]) {
      const image = cropColumns(png, x0, half);
      const dark = countDarkPixels(image, PANEL_DARK_MAX_LUMINANCE);
      const green = findColourRegions(image).filter((r) => Math.abs(r.hue - HEART_RATE_HUE) < 25);
      log(`headset monitor: ${eye} eye has ${dark} panel pixels and ${green.length} green (heart rate) regions`);
      if (dark < MIN_PANEL_PIXELS) throw new Error(`the ${eye} eye does not show the monitor panel (${dark} dark pixels)`);
      if (green.length === 0) throw new Error(`the ${eye} eye shows no heart rate on the panel`);
    }
    if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
  } catch (error) {
    await page.screenshot({ path: join(RESULTS_DIR, 'xr-monitor-failure.png'), timeout: 5000 }).catch(() => {});
    throw error;
  }
}
