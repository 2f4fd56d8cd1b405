import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Three projects, split by runtime: unit (pure logic, fast), integration (real SQLite, ONNX Runtime,
// sharp, child processes) and e2e (the built renderer in Debian Chromium via the loopback test host).
// Native addons need process isolation: pool 'forks'.
// Caches stay out of node_modules (see scripts/build.mjs for why).
export default defineConfig({
  cacheDir: '.cache/vite',
  test: {
    pool: 'forks',
    // Vitest's default (cores − 1) runs one test file at a time on a 2-core machine, CI's and ours.
    // Many files wait on child processes, Chromium or ONNX Runtime sessions, so two at once is
    // faster there: the tests step took 412 s against 510 s one at a time (docs/developer-guide.md).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // A private TMPDIR per run; fails the run naming any temp folder a test leaves behind.
    globalSetup: ['test/support/temp-guard.ts'],
    // Removes the folders a test file made with test/support/temp-dir.ts once its tests are done.
    setupFiles: ['test/support/temp-cleanup.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], exclude: ['test/unit/renderer/**'], testTimeout: 20_000 } },
      // Renderer state classes are Svelte 5 rune modules (*.svelte.ts): compiled by the svelte plugin.
      { extends: true, plugins: [svelte({ configFile: false })], test: { name: 'unit-renderer', include: ['test/unit/renderer/**/*.test.ts'], testTimeout: 20_000 } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
    ],
  },
});
