// The README's test command (`npm test`): every check CI runs, in order, each timed. Stops at the
// first failing step. Ends with one plain summary line of the test counts.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

const steps = [
  ['typecheck: node code', 'npx', ['tsc', '-p', 'tsconfig.json']],
  ['typecheck: electron shell', 'npx', ['tsc', '-p', 'tsconfig.electron.json']],
  ['typecheck: tests', 'npx', ['tsc', '-p', 'tsconfig.test.json']],
  ['typecheck: renderer', 'npx', ['svelte-check', '--tsconfig', 'renderer/tsconfig.json', '--fail-on-warnings', '--output', 'human']],
  ['boundaries', 'npx', ['depcruise', 'electron', 'renderer/src', 'test', '--config', '.dependency-cruiser.cjs']],
  ['security scan: electron shell', 'node', ['scripts/security-scan.mjs']],
  ['build', 'node', ['scripts/build.mjs']],
  ['tests: unit, integration, e2e', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-output/vitest.json']],
];

mkdirSync('test-output', { recursive: true });
const timings = [];
let failed = null;
for (const [name, command, args] of steps) {
  console.log(`\n=== ${name}`);
  const started = performance.now();
  const result = spawnSync(command, args, { stdio: 'inherit' });
  const seconds = (performance.now() - started) / 1000;
  timings.push(`${name}: ${seconds.toFixed(1)} s`);
  if (result.status !== 0) {
    failed = name;
    break;
  }
}

console.log(`\n=== timings\n${timings.join('\n')}`);
if (existsSync('test-output/vitest.json')) {
  const report = JSON.parse(readFileSync('test-output/vitest.json', 'utf8'));
  console.log(`\nTests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`);
}
if (failed) {
  console.error(`npm test: step '${failed}' failed`);
  process.exit(1);
}
