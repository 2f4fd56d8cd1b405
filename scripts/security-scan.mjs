// Electron security scan (Doyensec electronegativity) of the shell: electron/main and
// electron/preload (with the page's index.html), scanned together so the global checks
// (navigation limits, permission handler, CSP) see the whole policy. Fails on any HIGH finding, and on any MEDIUM one that has
// not been reviewed below; lists the rest. Offline: the tool's translation and release look-ups
// fail fast and are ignored.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const electronVersion = pkg.devDependencies.electron;

// The tool's network look-ups can reject after it has finished; they never affect the findings.
process.on('uncaughtException', (error) => {
  if (/onCancel|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|timed out/i.test(String(error?.message))) return;
  throw error;
});

/** MEDIUM findings reviewed and accepted, with the reason. */
const REVIEWED = {
  CSP_GLOBAL_CHECK: "the CSP is in renderer/index.html and sent as a header by the app:// handler (electron/main/protocol.ts); style-src keeps 'unsafe-inline' for Svelte's style bindings, scripts are 'self' only",
};

const stage = mkdtempSync(join(tmpdir(), 'ana-scan-'));
let exitCode = 1;
try {
  for (const dir of ['electron/main', 'electron/preload']) cpSync(join(root, dir), join(stage, dir), { recursive: true });
  // The page's own CSP meta tag (the app:// handler also sends it as a header).
  cpSync(join(root, 'renderer/index.html'), join(stage, 'renderer/index.html'));
  cpSync(join(root, 'package.json'), join(stage, 'package.json'));
  const log = console.log;
  console.log = () => {}; // the tool's offline chatter
  const run = require('@doyensec/electronegativity');
  const started = performance.now();
  const result = await run({ input: stage, electronVersionOverride: electronVersion, severitySet: 'informational', confidenceSet: 'tentative', isRelative: true });
  console.log = log;
  const rows = result.issues.map((i) => ({ id: i.id, severity: i.severity.name, confidence: i.confidence.name, where: i.file === 'N/A' ? 'global' : `${i.file}:${i.location.line}`, review: i.manualReview ? 'manual review' : '' }));
  console.log(`electronegativity ${require('@doyensec/electronegativity/package.json').version}: ${result.atomicChecks} atomic + ${result.globalChecks} global checks over electron/main + electron/preload + renderer/index.html (Electron ${electronVersion}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  for (const r of rows) console.log(`  ${r.severity.padEnd(13)} ${r.confidence.padEnd(9)} ${r.id.padEnd(40)} ${r.where} ${r.review}`);
  for (const e of result.errors) console.log(`  parse error: ${e.file}: ${e.message}`);
  const high = rows.filter((r) => r.severity === 'HIGH' || r.severity === 'CRITICAL' || (r.severity === 'MEDIUM' && !Object.hasOwn(REVIEWED, r.id)));
  for (const [id, why] of Object.entries(REVIEWED)) if (rows.some((r) => r.id === id)) console.log(`  reviewed ${id}: ${why}`);
  if (result.errors.some((e) => !e.tolerable)) {
    console.error('security scan: files could not be parsed (see above)');
  } else if (high.length > 0) {
    console.error(`security scan: ${high.length} high or unreviewed medium finding(s): ${high.map((r) => r.id).join(', ')}`);
  } else {
    console.log(`security scan: no high findings (${rows.length} lower: ${[...new Set(rows.map((r) => r.id))].join(', ') || 'none'})`);
    exitCode = 0;
  }
} finally {
  rmSync(stage, { recursive: true, force: true });
}
// Exit now: the tool's failed network look-ups would otherwise keep the process alive for a while.
process.exit(exitCode);
