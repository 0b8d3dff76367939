import { defineConfig } from 'vitest/config';

// The C++ server serves dist/ as static files with index.html at "/", so
// every asset URL is absolute from the site root.
// `npx vite` serves the client with hot reload and forwards the API and the
// WebSocket to a running medvision server (MEDVISION_URL, default below).
const server = process.env['MEDVISION_URL'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
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
