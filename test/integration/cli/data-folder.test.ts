/**
 * One data folder: the desktop app, the `ana` command line and the test host resolve the same
 * record (ANA_DATA_DIR, locations.json, the OS default); `--db` overrides it. Commands that do not
 * start a record refuse a missing one with the same message and create nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { osAppDataDir, resolveDataLocations } from '../../../electron/core/app-paths';
import { databasePath } from '../../../electron/cli/database';
import { projectRoot } from '../../../electron/core/paths';
import { anaChild, anaInProcess } from '../../support/ana-cli';

let dir: string;
const savedEnv = { ...process.env };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ana-data-folder-'));
});
afterEach(() => {
  process.env = { ...savedEnv };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The test host's record: `serve.ts` prints it on its first line. */
function hostDatabase(env: NodeJS.ProcessEnv): Promise<string> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, join(projectRoot(), 'test/host/serve.ts'), '--port', '0'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /\(database (.+)\); Ctrl\+C/.exec(out);
      if (match) {
        child.kill('SIGINT');
        done(match[1]!);
      }
    });
    child.on('exit', (code) => fail(new Error(`test host exited (${code}) before printing its database: ${out}`)));
  });
}

describe('app, CLI and test host agree on the record', () => {
  const cases: [string, (root: string) => NodeJS.ProcessEnv][] = [
    ['ANA_DATA_DIR', (root) => ({ ANA_DATA_DIR: join(root, 'moved') })],
    ['the OS default (XDG_CONFIG_HOME on Linux)', (root) => ({ XDG_CONFIG_HOME: join(root, 'xdg'), APPDATA: join(root, 'xdg'), ANA_DATA_DIR: undefined })],
  ];
  for (const [what, envOf] of cases) {
    it(`with ${what}, and a locations.json that moves the database`, async () => {
      const root = mkdtempSync(join(dir, 'case-'));
      const env: NodeJS.ProcessEnv = { ...process.env, ...envOf(root) };
      if (env.ANA_DATA_DIR === undefined) delete env.ANA_DATA_DIR;
      for (const key of ['ANA_DB_PATH', 'ANA_OUTBOX_DIR']) delete env[key];
      // The Electron shell resolves with app.getPath('appData'), which osAppDataDir() mirrors.
      const app = resolveDataLocations({ appDataDir: osAppDataDir(process.platform, env), env });
      mkdirSync(app.rootDir, { recursive: true });
      writeFileSync(join(app.rootDir, 'locations.json'), JSON.stringify({ database: 'records/lab.db' }));
      const expected = join(app.rootDir, 'records', 'lab.db');
      expect(resolveDataLocations({ appDataDir: osAppDataDir(process.platform, env), env }).databasePath).toBe(expected);
      expect(databasePath(undefined, env)).toBe(expected);
      expect(await hostDatabase(env)).toBe(expected);
      // --db stays an override.
      expect(databasePath('other.db', env)).toBe(join(process.cwd(), 'other.db'));
    });
  }
});

describe('ana without --db', () => {
  it('starts the record in the data folder, not in the working folder', () => {
    const data = join(dir, 'cli-data');
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const run = anaChild(['users', 'create-admin', '--username', 'admin', '--name', 'Ada Admin'], { cwd, env: { ...process.env, ANA_DATA_DIR: data }, input: 'long enough 1\n' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(existsSync(join(data, 'ana.db'))).toBe(true);
    expect(readdirSync(cwd)).toEqual([]);
    const list = anaChild(['users', 'list'], { cwd, env: { ...process.env, ANA_DATA_DIR: data } });
    expect(list.stdout).toMatch(/admin\tadmin\tactive\tAda Admin/);
  });
});

describe('a missing record is refused, never created', () => {
  const refused = [
    ['models', 'list'],
    ['audit', 'verify'],
    ['db', 'backup', '--to', 'BACKUP'],
    ['users', 'list'],
    ['users', 'add', '--as', 'admin', '--username', 'doc', '--name', 'Dr Doc', '--role', 'physician'],
    ['cases', 'list', '--as', 'doc'],
    ['cases', 'show', '1', '--as', 'doc'],
    ['review', 'decide', '--case', '1', '--labels', 'speckled', '--as', 'doc'],
    ['review', 'sign', '--case', '1', '--meaning', 'approved', '--as', 'doc'],
    ['report', '--case', '1', '--out', 'OUT.pdf'],
    ['export', '--date', '2026-01-02', '--format', 'hl7', '--out', 'OUTBOX'],
    ['finetune'],
  ];
  for (const args of refused) {
    it(`ana ${args.slice(0, 2).join(' ')} --db typo.db`, async () => {
      const typo = join(dir, `typo-${args[0]}-${args[1]}.db`);
      const run = await anaInProcess([...args.map((a) => (a === 'BACKUP' ? join(dir, 'backup.db') : a === 'OUTBOX' ? join(dir, 'outbox') : a === 'OUT.pdf' ? join(dir, 'out.pdf') : a)), '--db', typo]);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(`ana ${args[0]}: No database at ${typo}. A record is started by 'ana read FOLDER', 'ana users create-admin' or 'npm run demo'; give another one with --db FILE or ANA_DATA_DIR.`);
      expect(existsSync(typo)).toBe(false);
    });
  }

  it('the same refusal for the data folder when it holds no record yet', async () => {
    process.env.ANA_DATA_DIR = join(dir, 'empty-data-folder');
    const run = await anaInProcess(['models', 'list']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`No database at ${join(dir, 'empty-data-folder', 'ana.db')}.`);
    expect(existsSync(join(dir, 'empty-data-folder'))).toBe(false);
  });
});
