import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

// The renderer is built to static files (dist/renderer) loaded from app:// in Electron and from the
// loopback test host in browser tests; relative base so both work.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  // Outside node_modules (see scripts/build.mjs).
  cacheDir: fileURLToPath(new URL('../.cache/vite', import.meta.url)),
  plugins: [svelte()],
  build: { outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)), emptyOutDir: true, sourcemap: true },
});
