/**
 * `npm run demo`: the workstation doing its main job in one command. A fresh data folder (under the
 * OS temp folder, or `--dir`), the demo day (resources/demo-slides) read with progress through the
 * app's own reading path (the import path: readings, cases and the viewer's display renditions),
 * a demo physician printed with its password, and the workstation: Electron where its binary is
 * installed (after the reading), otherwise the same UI served to a browser on 127.0.0.1 — at once,
 * so the worklist fills while the day is read.
 *
 *   npm run demo -- [--dir DIR] [--slides DIR] [--port N] [--browser]
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp, type App } from '../../electron/core/app';
import { ensureDataLocations, resolveDataLocations, type DataLocations } from '../../electron/core/app-paths';
import { createAccount, createFirstAdmin } from '../../electron/core/auth/auth.service';
import { appVersion, defaultModelDir, projectRoot } from '../../electron/core/paths';
import { startTestHost, type TestHost } from './test-host';
import { electronBinary } from '../../scripts/electron-binary.mjs';

export const DEMO_PHYSICIAN = { username: 'demo-physician', displayName: 'Dr. Demo Physician' };
export const DEMO_ADMIN = { username: 'demo-admin', displayName: 'Demo Administrator' };

export interface DemoOptions {
  /** The demo data folder; default a new folder under the OS temp folder. Must not hold a record yet. */
  dir?: string;
  /** The slides to read; default the bundled demo day. */
  slidesDir?: string;
  port?: number;
  /** Progress and messages (default: stderr). */
  print?: (line: string) => void;
}

export interface Demo {
  dataDir: string;
  locations: DataLocations;
  app: App;
  physician: { username: string; password: string };
  admin: { username: string; password: string };
  /** Reads the demo day with progress; resolves when every slide is read. */
  readDay(): Promise<{ slidesRead: number; casesRead: number }>;
  /** Serves the UI on 127.0.0.1 (the browser path). */
  serve(port?: number): Promise<TestHost>;
  close(): Promise<void>;
}

const newPassword = () => randomBytes(9).toString('base64url');

/** Sets up the demo record and its users; the caller reads the day and opens the UI. */
export async function prepareDemo(options: DemoOptions = {}): Promise<Demo> {
  const print = options.print ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dataDir = options.dir ? resolve(options.dir) : await mkdtemp(join(tmpdir(), 'ana-demo-'));
  // Only ANA_DATA_DIR: the demo must not pick up a lab's locations (ANA_DB_PATH, ANA_OUTBOX_DIR…).
  const locations = resolveDataLocations({ env: { ANA_DATA_DIR: dataDir } });
  if (existsSync(locations.databasePath)) throw new Error(`${dataDir} already holds a record (${locations.databasePath}); give the demo a new or empty folder`);
  ensureDataLocations(locations);
  const app = await createApp({ dbPath: locations.databasePath, modelDir: defaultModelDir(), version: appVersion(), outboxDir: locations.outboxDir, log: print, info: () => {} });

  const admin = { username: DEMO_ADMIN.username, password: newPassword() };
  const physician = { username: DEMO_PHYSICIAN.username, password: newPassword() };
  const actor = { userId: null, name: 'demo' };
  const adminRow = await createFirstAdmin(app.db, { ...DEMO_ADMIN, password: admin.password }, actor);
  await createAccount(app.db, { ...DEMO_PHYSICIAN, role: 'physician', password: physician.password }, { userId: adminRow.id, name: adminRow.username });

  const slidesDir = resolve(options.slidesDir ?? join(projectRoot(), 'resources', 'demo-slides'));
  async function readDay(): Promise<{ slidesRead: number; casesRead: number }> {
  print(`Reading the demo day (${slidesDir}) into ${locations.databasePath} …`);
  const started = performance.now();
  const tty = process.stderr.isTTY;
  const stopProgress = app.onEvent((event, payload) => {
    if (event !== 'reading/progress') return;
    const p = payload as { done: number; failed: number; total: number; etaMs: number | null };
    const eta = p.etaMs === null ? '' : `, about ${Math.ceil(p.etaMs / 1000)} s left`;
    const line = `  ${p.done}/${p.total} slides read${p.failed ? ` (${p.failed} failed)` : ''}${eta}`;
    if (tty) process.stderr.write(`\r\x1b[2K${line}`);
    else if (p.done > 0) print(line);
  });
  // The app's own import path: the same reading service, display renditions and events as File → Import.
  await app.importPaths([slidesDir], 'demo');
  stopProgress();
  if (tty) process.stderr.write('\n');
  const slidesRead = (app.db.prepare('SELECT count(*) AS n FROM slides').get() as { n: number }).n;
  const casesRead = (app.db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n;
  const info = await app.handle('app/info', {}, { sessionId: 'demo' });
  const provider = info.ok ? ` on ${(info.value as { executionProvider: string | null }).executionProvider ?? 'an unknown provider'}` : '';
  print(`Read ${slidesRead} slide(s) into ${casesRead} case(s) in ${((performance.now() - started) / 1000).toFixed(0)} s${provider}.`);
  return { slidesRead, casesRead };
  }

  const rendererDir = join(projectRoot(), 'dist', 'renderer');
  return {
    dataDir,
    locations,
    app,
    physician,
    admin,
    readDay,
    serve: (port) => startTestHost({ app, rendererDir, port: port ?? options.port }),
    close: () => app.close(),
  };
}

function credentials(demo: Demo): string {
  return [
    `Sign in as ${demo.physician.username} with password ${demo.physician.password}`,
    `  (administrator: ${demo.admin.username} / ${demo.admin.password}).`,
    `Data folder: ${demo.dataDir} — the command line works on it too, e.g.`,
    `  ANA_DATA_DIR='${demo.dataDir}' bash tools/run ana cases list --as ${demo.physician.username}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, slides: { type: 'string' }, port: { type: 'string' }, browser: { type: 'boolean', default: false } } });
  const demo = await prepareDemo({ dir: values.dir, slidesDir: values.slides, port: values.port ? Number(values.port) : undefined });
  const electron = values.browser ? null : electronBinary();
  if (electron) {
    // The window opens the same data folder; the record must be read and closed here first.
    await demo.readDay();
    await demo.close();
    console.log(`Opening the workstation in Electron.\n${credentials(demo)}`);
    const child = spawn(electron, ['.'], { stdio: 'inherit', cwd: projectRoot(), env: { ...process.env, ANA_DATA_DIR: demo.dataDir } });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  const host = await demo.serve();
  console.log(
    [
      '',
      `Open ${host.url} in a browser (Electron's binary is not installed here, so the same UI is served on 127.0.0.1; development and demos only).`,
      credentials(demo),
      'The worklist fills while the demo day is read. Ctrl+C stops the demo; the data folder stays.',
      '',
    ].join('\n'),
  );
  process.on('SIGINT', () => void host.close().then(() => demo.close()).then(() => process.exit(0)));
  await demo.readDay();
  console.log(`The demo day is read: every case is on the worklist at ${host.url}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    console.error(`npm run demo: ${(error as Error).message}`);
    process.exit(1);
  });
}
