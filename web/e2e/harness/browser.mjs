// Debian's chromium driven by playwright-core: one browser per run, a fresh
// context (cookies, storage, init scripts) per case, and the login through
// the page's form that every case starts with.

import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { log } from './log.mjs';
import { RESULTS_DIR } from './paths.mjs';
import { ADMIN } from './server.mjs';
import { pollUntil } from './wait.mjs';

const VIEWPORT = { width: 960, height: 720 };

export function launchBrowser() {
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error('/usr/bin/chromium is missing: the browser tests need Debian\'s chromium package (scripts/bootstrap installs it)');
  }
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

/** A context with nothing in it yet (no cookies, no storage), at the viewport the pixel checks assume. */
export function newContext(browser) {
  return browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
}

/**
 * Opens a page in `context` that collects page errors and logs in as admin
 * through the form. `initScripts` run in the page before its own scripts
 * (an emulated headset).
 */
export async function loggedInPage(server, context, { initScripts = [] } = {}) {
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
  await page.fill('#login-username', ADMIN.username);
  await page.fill('#login-password', ADMIN.password);
  await page.click('#login-form button[type=submit]');
  await pollUntil(10_000, 'the session list after login', async () => {
    const state = await page.evaluate(() => ({
      error: document.querySelector('#login-error')?.textContent ?? '',
      listed: location.hash === '#/sessions' && document.querySelector('#session-rows') !== null,
    }));
    if (state.error !== '') throw new Error(`login refused: ${state.error}`);
    return state.listed;
  });
  return { page, pageErrors };
}

/** The whole page as test-results/<name>.png. */
export async function screenshotPage(page, name) {
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  log('screenshot', path);
}

/**
 * Creates a session on the sessions page (the scenario `kind` picked first
 * when given) and resolves with its row once the list shows it; a creation
 * the page reports as failed throws with the page's message.
 */
export async function newSessionOnPage(page, { title, kind }) {
  if (kind !== undefined) {
    const option = page.locator(`[data-testid="scenario-picker"] option[value="${kind}"]`);
    await pollUntil(10_000, `the scenario picker offers ${kind}`, async () => (await option.count()) === 1);
    await page.selectOption('[data-testid="scenario-picker"]', kind);
  }
  await page.fill('#session-title', title);
  await page.click('#new-session');
  const row = page.locator('#session-rows tr', { hasText: title });
  await pollUntil(10_000, `a row titled "${title}"`, async () => {
    const error = (await page.locator('#sessions-error').textContent({ timeout: 2000 })) ?? '';
    if (error !== '') throw new Error(`creating the session failed: ${error}`);
    return (await row.count()) === 1;
  });
  return row;
}
