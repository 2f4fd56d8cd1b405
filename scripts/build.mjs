// Builds everything that runs outside `tsx`: the renderer (Vite) and the Electron main, preload,
// workers and CLI bundles (esbuild). Native modules and other packages stay external: they are
// loaded from node_modules (unpacked from the asar in installers).
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const started = performance.now();

// The 'runner' loader reads vite.config.ts without bundling it into node_modules/.vite-temp: any
// write into node_modules makes npm's hidden lockfile stale, and electron-builder's `npm list`
// then drops sharp's platform binaries from the installer.
await viteBuild({ configFile: join(root, 'renderer/vite.config.ts'), configLoader: 'runner', logLevel: 'warn' });

const NATIVE_PACKAGES = ['onnxruntime-node', 'better-sqlite3', 'sharp'];
const common = { bundle: true, platform: 'node', target: 'node24', packages: 'external', sourcemap: true, logLevel: 'warning' };
const workersDir = join(root, 'electron/workers');
const workers = (existsSync(workersDir) ? readdirSync(workersDir) : []).filter((f) => f.endsWith('.worker.ts'));
await Promise.all([
  esbuild({ ...common, format: 'esm', entryPoints: [join(root, 'electron/main/main.ts')], outfile: join(root, 'dist/main/main.js') }),
  // Sandboxed preloads must be CommonJS.
  esbuild({ ...common, format: 'cjs', entryPoints: [join(root, 'electron/preload/preload.ts')], outfile: join(root, 'dist/preload/preload.cjs') }),
  esbuild({ ...common, format: 'esm', entryPoints: [join(root, 'electron/cli/ana.ts')], outfile: join(root, 'dist/cli/ana.js') }),
  // Workers run unpacked from the asar (installed apps), beside the unpacked native modules only:
  // so they bundle every pure-JS package and leave just the native ones external.
  ...workers.map((w) =>
    esbuild({ ...common, packages: undefined, external: NATIVE_PACKAGES, format: 'esm', entryPoints: [join(root, 'electron/workers', w)], outfile: join(root, 'dist/workers', w.replace(/\.ts$/, '.js')) }),
  ),
]);
// The workers run unpacked, outside the asar's integrity check: their sha256 go into a list that
// stays inside the asar, and the app refuses a worker that does not match (electron/core/worker-entry.ts).
const workerHashes = Object.fromEntries(
  workers.map((w) => {
    const file = w.replace(/\.ts$/, '.js');
    return [file, createHash('sha256').update(readFileSync(join(root, 'dist/workers', file))).digest('hex')];
  }),
);
writeFileSync(join(root, 'dist/workers.sha256.json'), `${JSON.stringify(workerHashes, null, 2)}\n`);
console.log(`build: renderer + main + preload + cli + ${workers.length} worker(s) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
