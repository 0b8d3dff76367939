// Where the end-to-end run finds the server, the built web client and the
// content, and where it leaves screenshots and the server's log.

import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const E2E_DIR = join(WEB_DIR, 'e2e');
export const SERVER_BIN = resolve(WEB_DIR, process.env.MEDVISION_BIN ?? '../build/dev/src/app/medvision');
export const DIST_DIR = join(WEB_DIR, 'dist');
export const CONTENT_DIR = join(WEB_DIR, '..', 'content');
export const RESULTS_DIR = join(WEB_DIR, 'test-results');
