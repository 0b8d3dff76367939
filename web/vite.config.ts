import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Prints the JavaScript a browser downloads, raw and gzipped, split into
 * what the first page needs and what loads only when opened (the anatomy
 * viewer), and writes the same figures to dist/bundle-size.json so changes
 * can be compared between builds.
 */
function bundleSizeReport(): Plugin {
  return {
    name: 'medvision-bundle-size',
    apply: 'build',
    writeBundle(options, bundle) {
      const chunks = Object.values(bundle)
        .filter((item) => item.type === 'chunk')
        .map((chunk) => ({
          file: chunk.fileName,
          initial: chunk.isEntry || chunk.name === 'three',
          bytes: Buffer.byteLength(chunk.code),
          gzipBytes: gzipSync(chunk.code).length,
        }));
      const sum = (list: typeof chunks, key: 'bytes' | 'gzipBytes'): number => list.reduce((n, c) => n + c[key], 0);
      const initial = chunks.filter((c) => c.initial);
      const lazy = chunks.filter((c) => !c.initial);
      const kb = (n: number): string => `${(n / 1024).toFixed(1)} kB`;
      const report = {
        initial: { bytes: sum(initial, 'bytes'), gzipBytes: sum(initial, 'gzipBytes') },
        lazy: { bytes: sum(lazy, 'bytes'), gzipBytes: sum(lazy, 'gzipBytes') },
        chunks,
      };
      writeFileSync(join(options.dir ?? 'dist', 'bundle-size.json'), `${JSON.stringify(report, null, 2)}\n`);
      console.log(
        `bundle size: first page ${kb(report.initial.bytes)} JS (${kb(report.initial.gzipBytes)} gzip), ` +
          `loaded when opened ${kb(report.lazy.bytes)} (${kb(report.lazy.gzipBytes)} gzip): ${lazy.map((c) => c.file).join(', ')}`,
      );
    },
  };
}

// The C++ server serves dist/ as static files with index.html at "/", so
// every asset URL is absolute from the site root.
// `npx vite` serves the client with hot reload and forwards the API and the
// WebSocket to a running medvision server (MEDVISION_URL, default below).
const server = process.env['MEDVISION_URL'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  plugins: [bundleSizeReport()],
  server: {
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/ws': { target: server.replace(/^http/, 'ws'), ws: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // three.js alone is about 500 kB minified; keep it in its own cached chunk.
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      output: { manualChunks: { three: ['three'] } },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
