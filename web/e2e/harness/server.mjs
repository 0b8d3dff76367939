// The real medvision server, one per run, on a free port with its own
// SQLite database; its output goes to test-results/server.log.

import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { log } from './log.mjs';
import { CONTENT_DIR, DIST_DIR, RESULTS_DIR, SERVER_BIN } from './paths.mjs';
import { pollUntil, sleep } from './wait.mjs';

/** The account the server creates at its first start (MEDVISION_ADMIN_PASSWORD). */
export const ADMIN = { username: 'admin', password: 'e2e-Admin-password-42' };

let liveServer = null; // killed by the run's watchdog if the run hangs

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

/** Starts the server on `dataDir` and resolves once GET /api/health answers 200. */
export async function startServer(dataDir) {
  const port = await freePort();
  const args = [
    'serve', '--host', '127.0.0.1', '--port', String(port),
    '--db', `sqlite:${join(dataDir, 'e2e.db')}`, '--web-root', DIST_DIR,
    '--content', CONTENT_DIR,
    // One admin opens a session per case and ends few of them.
    '--max-running-sessions', '100',
  ];
  log('starting', SERVER_BIN, args.join(' '));
  const logFile = createWriteStream(join(RESULTS_DIR, 'server.log'));
  const child = spawn(SERVER_BIN, args, {
    env: { ...process.env, MEDVISION_ADMIN_PASSWORD: ADMIN.password, MEDVISION_DATA: dataDir },
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

/** SIGTERM, then SIGKILL if the server has not exited 5 s later. */
export async function stopServer(server) {
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

/** For the watchdog: the run is being abandoned, so the server must not outlive it. */
export function killLiveServer() {
  if (liveServer && liveServer.child.exitCode === null) liveServer.child.kill('SIGKILL');
}
