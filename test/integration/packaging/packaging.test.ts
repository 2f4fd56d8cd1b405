/**
 * The installer layout, built offline: electron-builder `--dir` with a stub Electron distribution
 * (see test/fixtures/packaging/stub-electron.ts) produces exactly the folder an installer would
 * contain. Asserts what the asar holds, what is unpacked beside it, that each target carries only
 * its own platform's native binaries, the extra resources, the flipped fuses and (Windows) the
 * asar integrity digest. macOS needs an Electron.app framework to lay out and is not built here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import { ELECTRON_VERSION, makeLinuxStub, makeWindowsStub, readFuses, readWindowsAsarIntegrity } from '../../fixtures/packaging/stub-electron';
import { tempDir } from '../../support/temp-dir';
import { SYSTEM_TMPDIR_VARIABLE } from '../../support/temp-guard';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as typeof import('@electron/asar');
const verifyNatives = require('../../../scripts/verify-natives.cjs') as ((context: unknown) => Promise<void>) & { requiredPaths(platform: string, arch: string): string[] };

const root = process.cwd();
const work = tempDir('ana-pack-');
const HARDENED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
};

/**
 * A private copy of what electron-builder reads (node_modules linked), so a build running in the
 * same checkout at the same time cannot change dist/ under the packager's feet.
 */
function stageProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const path of ['package.json', 'package-lock.json', 'electron-builder.yml', 'scripts/verify-natives.cjs', 'test/fixtures/packaging/after-pack-skip.cjs', 'dist', 'native-models', 'resources']) {
    if (existsSync(join(root, path))) cpSync(join(root, path), join(dir, path), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

let projectDir = root;

function electronBuilder(args: string[], outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(root, 'node_modules/.bin/electron-builder'), ['--dir', ...args, `-c.electronVersion=${ELECTRON_VERSION}`, `-c.directories.output=${outDir}`], {
      cwd: projectDir,
      // electron-builder refuses to pack a file whose real path lies under /tmp unless it lies
      // under the OS temp folder it sees (its allow-list). This project links the checkout's
      // node_modules, so a checkout under /tmp (a CI clone) fails under the run's private TMPDIR.
      env: { ...process.env, CI: 'true', TMPDIR: process.env[SYSTEM_TMPDIR_VARIABLE] ?? tmpdir() },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => (output += `\nspawn failed: ${error.message}`));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => statSync(join(dir, p)).isFile())
    .map((p) => p.split('\\').join('/'))
    .sort();
}

interface Layout {
  appDir: string;
  resources: string;
  asarFiles: string[];
  unpacked: string[];
}

function layout(appDir: string): Layout {
  const resources = join(appDir, 'resources');
  const archive = join(resources, 'app.asar');
  const asarFiles = asar
    .listPackage(archive, { isPack: false })
    .map((p) => p.split('\\').join('/').replace(/^\//, ''))
    .filter((p) => !('files' in asar.statFile(archive, p, false)));
  return { appDir, resources, asarFiles, unpacked: filesUnder(join(resources, 'app.asar.unpacked')) };
}

let linux: Layout;
let win: Layout;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/main/main.js')) || !existsSync(join(root, 'dist/preload/preload.cjs'))) {
    const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  }
  // electron-builder collects node_modules through `npm list`, which trusts npm's hidden lockfile
  // only while nothing in node_modules is newer than it. Earlier steps of a test run (svelte-check,
  // vite) drop cache folders there, and a stale view loses optional platform packages (sharp's
  // binaries). Refresh it, as a fresh `npm ci` before a real installer build would.
  const refresh = spawnSync('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, encoding: 'utf8' });
  if (refresh.status !== 0) throw new Error(`npm install --offline failed: ${refresh.stderr}`);
  projectDir = stageProject(join(work, 'project'));
  const linuxStub = makeLinuxStub(join(work, 'electron-linux'));
  const winStub = makeWindowsStub(join(work, 'electron-win'));
  const [l, w] = await Promise.all([
    electronBuilder(['--linux', '--x64', `-c.electronDist=${linuxStub}`], join(work, 'out-linux')),
    electronBuilder(['--win', '--x64', `-c.electronDist=${winStub}`, '-c.win.signAndEditExecutable=false', '-c.afterPack=./test/fixtures/packaging/after-pack-skip.cjs'], join(work, 'out-win')),
  ]);
  if (l.code !== 0) throw new Error(`electron-builder (linux) failed (${l.code}):\n${l.output}`);
  if (w.code !== 0) throw new Error(`electron-builder (win) failed:\n${w.output}`);
  linux = layout(join(work, 'out-linux', 'linux-unpacked'));
  win = layout(join(work, 'out-win', 'win-unpacked'));
}, 180_000);

describe.each([
  ['linux', () => linux],
  ['win32', () => win],
] as const)('%s x64 layout', (platform, get) => {
  it('holds the built app in the asar, and no sources, tests, maps, CLI or dev packages', () => {
    const { asarFiles } = get();
    for (const path of ['package.json', 'dist/main/main.js', 'dist/preload/preload.cjs', 'dist/renderer/index.html', 'node_modules/zod/package.json', 'node_modules/chokidar/package.json', 'node_modules/pdfkit/package.json']) {
      expect(asarFiles, path).toContain(path);
    }
    const pkg = JSON.parse(asar.extractFile(join(get().resources, 'app.asar'), 'package.json').toString('utf8')) as { main: string };
    expect(asarFiles).toContain(pkg.main);
    const ownFiles = asarFiles.filter((p) => !p.startsWith('node_modules/'));
    expect(ownFiles.filter((p) => !/^(package\.json$|dist\/workers\.sha256\.json$|dist\/(main|preload|renderer|workers)\/)/.test(p))).toEqual([]);
    expect(asarFiles.filter((p) => p.endsWith('.map') || p.startsWith('dist/cli/'))).toEqual([]);
    for (const dev of ['electron', 'vitest', 'typescript', 'vite', 'electron-builder', 'playwright-core', 'onnx-proto', 'svelte']) {
      expect(asarFiles.some((p) => p.startsWith(`node_modules/${dev}/`)), dev).toBe(false);
    }
    expect(asarFiles.some((p) => p.startsWith('node_modules/better-sqlite3/deps/'))).toBe(false);
  });

  it('unpacks its own native binaries and no other platform\'s', () => {
    const { unpacked } = get();
    const ort = `node_modules/onnxruntime-node/bin/napi-v6/${platform}/x64/`;
    expect(unpacked).toContain(`${ort}onnxruntime_binding.node`);
    expect(unpacked).toContain(`node_modules/better-sqlite3/prebuilds/${platform}-x64.node`);
    const nativeFiles = unpacked.filter((p) => /\.(node|so(\.\d+)*|dll|dylib)$/.test(p));
    const foreign = nativeFiles.filter((p) => {
      if (p.startsWith('node_modules/onnxruntime-node/')) return !p.startsWith(ort);
      if (p.startsWith('node_modules/better-sqlite3/')) return p !== `node_modules/better-sqlite3/prebuilds/${platform}-x64.node`;
      if (p.startsWith('node_modules/@img/')) return !new RegExp(`^node_modules/@img/sharp-(libvips-)?${platform}-x64/`).test(p);
      return true;
    });
    expect(foreign).toEqual([]);
    // Only the native modules and the worker bundles leave the asar.
    expect([...new Set(unpacked.map((p) => p.split('/').slice(0, p.startsWith('node_modules/@') ? 3 : 2).join('/')))].filter((p) => !/^(node_modules\/(onnxruntime-(node|common)|better-sqlite3|sharp|detect-libc|semver|@img\/[^/]+)|dist\/workers)$/.test(p))).toEqual([]);
    expect(unpacked).toContain('dist/workers/inference.worker.js');
    // The workers' sha256 list stays inside the integrity-checked asar and matches the unpacked files.
    const hashes = JSON.parse(asar.extractFile(join(get().resources, 'app.asar'), 'dist/workers.sha256.json').toString('utf8')) as Record<string, string>;
    const workerFiles = unpacked.filter((p) => p.startsWith('dist/workers/') && p.endsWith('.worker.js'));
    expect(Object.keys(hashes).sort()).toEqual(workerFiles.map((p) => p.slice('dist/workers/'.length)).sort());
    for (const p of workerFiles) expect(hashes[p.slice('dist/workers/'.length)], p).toBe(createHash('sha256').update(readFileSync(join(get().resources, 'app.asar.unpacked', p))).digest('hex'));
  });

  it('ships the model package, report fonts and demo slides as extra resources', () => {
    const { resources } = get();
    expect(filesUnder(join(resources, 'native-models'))).toEqual(['ana-default/MODEL_CARD.md', 'ana-default/manifest.json', 'ana-default/model.onnx', 'ana-default/reference.json']);
    expect(readFileSync(join(resources, 'native-models/ana-default/model.onnx'))).toEqual(readFileSync(join(root, 'native-models/ana-default/model.onnx')));
    expect(filesUnder(join(resources, 'fonts'))).toEqual(['DejaVuSans-Bold.ttf', 'DejaVuSans.ttf', 'LICENSE-DejaVu.txt']);
    const demo = join(root, 'resources/demo-slides');
    const demoSlides = existsSync(demo) ? filesUnder(demo).filter((p) => /\.(png|tiff?|bmp|jpe?g|json)$/.test(p)) : [];
    expect(existsSync(join(resources, 'demo-slides')) ? filesUnder(join(resources, 'demo-slides')) : []).toEqual(demoSlides);
  });

  it('flips the hardening fuses and keeps only the chosen languages', () => {
    const { appDir } = get();
    const executable = readFileSync(join(appDir, platform === 'win32' ? 'ana-workstation.exe' : 'ana-workstation'));
    expect(readFuses(executable)).toEqual(HARDENED_FUSES);
    expect(readdirSync(join(appDir, 'locales')).sort()).toEqual(['de.pak', 'en-US.pak', 'fr.pak']);
  });
});

it('runs the packaged inference worker from the unpacked folder with the packaged model', () => {
  // Worker threads load their entry and its packages from the real file system, outside the asar:
  // everything the worker bundle imports must resolve and load inside app.asar.unpacked alone.
  const unpackedDir = join(linux.resources, 'app.asar.unpacked');
  const script = `
    import { createWorkerEngine } from ${JSON.stringify(join(root, 'electron/core/inference/worker-engine.ts'))};
    import { loadModelPackage } from ${JSON.stringify(join(root, 'electron/core/models/model-package.ts'))};
    const pkg = await loadModelPackage(${JSON.stringify(join(linux.resources, 'native-models/ana-default'))});
    const engine = await createWorkerEngine(pkg, { workerPath: ${JSON.stringify(join(unpackedDir, 'dist/workers/inference.worker.js'))}, providers: ['cpu'] });
    const [, c, h, w] = pkg.manifest.input.shape;
    const out = await engine.run(new Float32Array(c * h * w), 1);
    await engine.close();
    // The fine-tuning worker also opens the database and decodes images from there.
    const { createRequire } = await import('node:module');
    const requireUnpacked = createRequire(${JSON.stringify(join(unpackedDir, 'dist/workers/finetune.worker.js'))});
    const Database = requireUnpacked('better-sqlite3');
    const sqlite = new Database(':memory:').prepare('select sqlite_version() as v').get().v;
    const sharp = requireUnpacked('sharp');
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } }).png().toBuffer();
    console.log(JSON.stringify({ provider: engine.provider, scores: out.probabilities.length, labels: pkg.manifest.labels.length, sqlite: typeof sqlite, png: png.length > 0 }));`;
  // Run from a folder outside the project so nothing can fall back to the project's node_modules.
  const result = spawnSync(process.execPath, ['--import', require.resolve('tsx'), '--input-type=module', '-e', script], { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
  expect(result.stderr).toBe('');
  const out = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { provider: string; scores: number; labels: number };
  expect(out).toEqual({ provider: 'cpu', scores: out.labels, labels: out.labels, sqlite: 'string', png: true });
});

it('writes the asar integrity digest into the Windows executable', () => {
  const integrity = readWindowsAsarIntegrity(readFileSync(join(win.appDir, 'ana-workstation.exe'))) as { file: string; alg: string; value: string }[];
  expect(integrity).toEqual([{ file: 'resources\\app.asar', alg: 'SHA256', value: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
});

it('refuses a package that lacks its platform\'s native binaries, saying what to do', async () => {
  // The Windows layout built here has no Windows sharp (npm installed Linux's): exactly the
  // mistake the afterPack hook exists to catch. The Linux build above ran with the hook and passed.
  const context = { electronPlatformName: 'win32', arch: 1, appOutDir: win.appDir, packager: { getResourcesDir: (dir: string) => join(dir, 'resources') } };
  await expect(verifyNatives(context)).rejects.toThrow(/win32-x64 .* lacks: app\.asar\.unpacked\/node_modules\/@img\/sharp-win32-x64 .*build each installer on its own OS/);
  const linuxContext = { ...context, electronPlatformName: 'linux', appOutDir: linux.appDir };
  await expect(verifyNatives(linuxContext)).resolves.toBeUndefined();
  expect(relative(root, linux.appDir)).not.toBe('');
});
