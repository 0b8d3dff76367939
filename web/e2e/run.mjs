// End-to-end tests: the real medvision server, Debian's chromium driven by
// playwright-core, pixels checked in screenshots. Run `npm run build` first.
//
// Cases live in web/e2e/<area>/*.cases.mjs (see README.md). One server and
// one chromium serve the whole run; each case gets a browser context of its
// own and sets up what it needs, so any case runs alone, and the sessions a
// case leaves running are ended before the next starts. Prints
// `e2e: ok   <area>/<case> 7.4 s` or `e2e: FAIL <area>/<case> 7.4 s: <error>`
// as each case ends, `e2e: N passed, M failed` last, and exits non-zero on
// any failure (scripts/run-tests reads that last line).
//
//   node e2e/run.mjs                   every case
//   E2E_ONLY=regex node e2e/run.mjs    the cases whose `<area>/<case>` matches
//   node e2e/run.mjs --list            the case names, without running them

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { endRunningSessions, logIn } from './harness/api.mjs';
import { launchBrowser, newContext } from './harness/browser.mjs';
import { log } from './harness/log.mjs';
import { DIST_DIR, E2E_DIR, RESULTS_DIR, SERVER_BIN } from './harness/paths.mjs';
import { ADMIN, killLiveServer, startServer, stopServer } from './harness/server.mjs';
import { within } from './harness/wait.mjs';

const WHOLE_RUN_TIMEOUT_MS = 360_000;
const CASE_TIMEOUT_MS = 90_000;
const CASE_FILE_SUFFIX = '.cases.mjs';
const NOT_AN_AREA = new Set(['harness']);
const CASE_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const ONLY = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY, 'i') : null;

const tally = { passed: 0, failed: 0, running: null };

/**
 * Every case of every area, in a fixed order (areas, then files, by name;
 * cases in their file's order), each as { id: '<area>/<name>', behaviour, run }.
 */
async function discoverCases() {
  const areas = readdirSync(E2E_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !NOT_AN_AREA.has(entry.name))
    .map((entry) => entry.name)
    .sort();
  const found = [];
  const ids = new Set();
  for (const area of areas) {
    const files = readdirSync(join(E2E_DIR, area)).filter((file) => file.endsWith(CASE_FILE_SUFFIX)).sort();
    for (const file of files) {
      const where = `e2e/${area}/${file}`;
      const { cases } = await import(pathToFileURL(join(E2E_DIR, area, file)).href);
      if (!Array.isArray(cases)) throw new Error(`${where} exports no \`cases\` array`);
      for (const { name, behaviour, run } of cases) {
        if (typeof name !== 'string' || !CASE_NAME.test(name)) throw new Error(`${where}: case name ${JSON.stringify(name)} is not lower-case-with-hyphens`);
        if (typeof run !== 'function') throw new Error(`${where}: case ${name} has no run function`);
        const id = `${area}/${name}`;
        if (ids.has(id)) throw new Error(`${where}: a second case named ${id}`);
        ids.add(id);
        found.push({ id, behaviour: behaviour ?? '', run });
      }
    }
  }
  return found;
}

/**
 * Runs one case in a fresh browser context; `newContext` gives it more (a
 * second participant). When the case ends, passed, failed or timed out,
 * every context is closed and every session still running is ended, so the
 * next case starts on an idle server.
 */
async function runCase(testCase, server, browser, adminToken) {
  const contexts = [];
  const open = async () => {
    const context = await newContext(browser);
    contexts.push(context);
    return context;
  };
  try {
    await within(CASE_TIMEOUT_MS, testCase.id, async () => testCase.run({ server, context: await open(), newContext: open }));
  } finally {
    for (const context of contexts) {
      await within(10_000, `closing a browser context of ${testCase.id}`, () => context.close()).catch((error) => log(error.message));
    }
    await within(10_000, `ending the sessions ${testCase.id} left running`, () => endRunningSessions(server, adminToken))
      .then((n) => n > 0 && log(`ended ${n} session${n === 1 ? '' : 's'} ${testCase.id} left running`))
      .catch((error) => log(`warning: ${error.message}`));
  }
}

const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function main() {
  const all = await discoverCases();
  if (process.argv.includes('--list')) {
    for (const { id, behaviour } of all) console.log(`${id}  ${behaviour}`);
    process.exit(0);
  }
  const cases = all.filter(({ id }) => ONLY === null || ONLY.test(id));
  if (cases.length === 0) {
    log(`no case matches E2E_ONLY=${process.env.E2E_ONLY}; the cases are:`, all.map(({ id }) => id).join(', '));
    // Under make test (MEDVISION_REQUIRE_PEERS=1) a run that tests nothing fails.
    if (process.env.MEDVISION_REQUIRE_PEERS === '1') tally.failed = 1;
    return;
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (!existsSync(join(DIST_DIR, 'index.html'))) throw new Error(`${DIST_DIR}/index.html is missing: run npm run build first`);
  if (!existsSync(SERVER_BIN)) throw new Error(`no server binary at ${SERVER_BIN} (set MEDVISION_BIN)`);

  const dataDir = mkdtempSync(join(tmpdir(), 'medvision-e2e-'));
  const runStarted = Date.now();
  let server = null;
  let browser = null;
  try {
    server = await startServer(dataDir);
    browser = await launchBrowser();
    const adminToken = await logIn(server, ADMIN);
    for (const testCase of cases) {
      log(`case ${testCase.id}${testCase.behaviour ? `: ${testCase.behaviour}` : ''}`);
      tally.running = testCase.id;
      const started = Date.now();
      try {
        await runCase(testCase, server, browser, adminToken);
        tally.passed += 1;
        log(`ok   ${testCase.id} ${seconds(started)}`);
      } catch (error) {
        tally.failed += 1;
        log(`FAIL ${testCase.id} ${seconds(started)}: ${error.stack ?? error}`);
      }
      tally.running = null;
    }
  } catch (error) {
    tally.failed = Math.max(tally.failed, cases.length - tally.passed);
    log(`setup failed: ${error.stack ?? error}`);
    if (server) log('server output (tail):\n' + server.output());
  } finally {
    if (browser) await within(10_000, 'closing chromium', () => browser.close()).catch((e) => log(e.message));
    await stopServer(server);
    if (tally.failed === 0) rmSync(dataDir, { recursive: true, force: true });
    else log('kept the server data in', dataDir, '; server log in', join(RESULTS_DIR, 'server.log'));
    log(`${cases.length} cases in ${seconds(runStarted)}`);
  }
}

const watchdog = setTimeout(() => {
  console.log(`e2e: the whole run exceeded ${WHOLE_RUN_TIMEOUT_MS / 1000} s${tally.running ? ` during ${tally.running}` : ''}`);
  killLiveServer();
  console.log(`e2e: ${tally.passed} passed, ${tally.failed + 1} failed`);
  process.exit(1);
}, WHOLE_RUN_TIMEOUT_MS);
watchdog.unref();

main()
  .catch((error) => {
    log(`error: ${error.stack ?? error}`);
    tally.failed = Math.max(tally.failed, 1);
  })
  .then(() => {
    console.log(`e2e: ${tally.passed} passed, ${tally.failed} failed`);
    process.exitCode = tally.failed === 0 && tally.passed > 0 ? 0 : 1;
  });
