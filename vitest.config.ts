import { defineConfig } from 'vitest/config';

// Three projects, split by runtime: unit (pure logic, fast), integration (real SQLite, ONNX Runtime,
// sharp, child processes) and e2e (the built renderer in Debian Chromium via the loopback test host).
// Native addons need process isolation: pool 'forks'.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
    ],
  },
});
