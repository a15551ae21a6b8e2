// Builds the explorer page into web/dist with relative asset paths, so the built folder can be
// served from any path by any static server, or by `disentangle explore`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // No single-page fallback: a missing run/manifest.json must be a 404, which tells the page to offer the file picker.
  appType: 'mpa',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // tfjs-core and its two backends are one large chunk by nature.
    chunkSizeWarningLimit: 2000,
  },
});
