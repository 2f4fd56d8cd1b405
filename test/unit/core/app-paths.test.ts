import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_FOLDER_NAME, builtWorkerPath, ensureDataLocations, osAppDataDir, resolveDataLocations, unpackedPath } from '../../../electron/core/app-paths';
import { tempDir } from '../../support/temp-dir';

describe('osAppDataDir', () => {
  it('follows each OS convention, as Electron does', () => {
    expect(osAppDataDir('win32', { APPDATA: 'C:\\Users\\lab\\AppData\\Roaming' }, 'C:\\Users\\lab')).toBe('C:\\Users\\lab\\AppData\\Roaming');
    expect(osAppDataDir('darwin', {}, '/Users/lab')).toBe('/Users/lab/Library/Application Support');
    expect(osAppDataDir('linux', {}, '/home/lab')).toBe('/home/lab/.config');
    expect(osAppDataDir('linux', { XDG_CONFIG_HOME: '/srv/cfg' }, '/home/lab')).toBe('/srv/cfg');
  });
});

describe('resolveDataLocations', () => {
  it('puts everything under <appData>/ANA Workstation by default, with no import folder', () => {
    const loc = resolveDataLocations({ appDataDir: '/data/app', env: {} });
    const root = join('/data/app', APP_FOLDER_NAME);
    expect(loc).toEqual({
      rootDir: root,
      databasePath: join(root, 'ana.db'),
      modelsDir: join(root, 'models'),
      logsDir: join(root, 'logs'),
      outboxDir: join(root, 'outbox'),
      importDir: null,
    });
  });

  it('reads locations.json (relative to the data folder) and lets ANA_* variables win', () => {
    const root = tempDir('ana-loc-');
    writeFileSync(join(root, 'locations.json'), JSON.stringify({ outbox: '/mnt/lis/outbox', logs: 'my-logs', importFolder: '/mnt/microscope' }));
    const loc = resolveDataLocations({ env: { ANA_DATA_DIR: root, ANA_IMPORT_DIR: '/mnt/other' } });
    expect(loc.rootDir).toBe(root);
    expect(loc.outboxDir).toBe('/mnt/lis/outbox');
    expect(loc.logsDir).toBe(join(root, 'my-logs'));
    expect(loc.importDir).toBe('/mnt/other');
    expect(loc.databasePath).toBe(join(root, 'ana.db'));
  });

  it('names the file and the field when locations.json is wrong', () => {
    const root = tempDir('ana-loc-');
    writeFileSync(join(root, 'locations.json'), JSON.stringify({ outbx: '/x' }));
    expect(() => resolveDataLocations({ env: { ANA_DATA_DIR: root } })).toThrow(/locations\.json.*outbx/);
    writeFileSync(join(root, 'locations.json'), '{ not json');
    expect(() => resolveDataLocations({ env: { ANA_DATA_DIR: root } })).toThrow(/locations\.json: not valid JSON/);
  });

  it('creates the folders the app writes into', () => {
    const root = join(tempDir('ana-loc-'), 'nested');
    mkdirSync(root);
    const loc = resolveDataLocations({ env: { ANA_DATA_DIR: root, ANA_DB_PATH: 'db/ana.db' } });
    ensureDataLocations(loc);
    for (const dir of [loc.modelsDir, loc.logsDir, loc.outboxDir, join(root, 'db')]) expect(existsSync(dir)).toBe(true);
  });
});

describe('builtWorkerPath', () => {
  it('prefers ANA_WORKERS_DIR, else the bundle layout, and maps asar paths to the unpacked folder', () => {
    const root = tempDir('ana-workers-');
    mkdirSync(join(root, 'dist', 'workers'), { recursive: true });
    mkdirSync(join(root, 'dist', 'main'), { recursive: true });
    writeFileSync(join(root, 'dist', 'workers', 'inference.worker.js'), '');
    const caller = pathToFileURL(join(root, 'dist', 'main', 'main.js')).href;
    expect(builtWorkerPath('inference', caller, {})).toBe(join(root, 'dist', 'workers', 'inference.worker.js'));
    expect(builtWorkerPath('finetune', caller, {})).toBeNull();
    mkdirSync(join(root, 'other'));
    writeFileSync(join(root, 'other', 'finetune.worker.js'), '');
    expect(builtWorkerPath('finetune', caller, { ANA_WORKERS_DIR: join(root, 'other') })).toBe(join(root, 'other', 'finetune.worker.js'));
    expect(unpackedPath('/opt/ANA Workstation/resources/app.asar/dist/workers/inference.worker.js')).toBe('/opt/ANA Workstation/resources/app.asar.unpacked/dist/workers/inference.worker.js');
    expect(unpackedPath('C:\\Program Files\\ANA\\resources\\app.asar\\dist\\workers\\x.js')).toBe('C:\\Program Files\\ANA\\resources\\app.asar.unpacked\\dist\\workers\\x.js');
  });
});
