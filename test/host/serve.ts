/**
 * Serve the built renderer against a database in any browser, without Electron:
 *   npm run host -- [--db FILE] [--model DIR] [--port N] [--allow-any-db]
 * Without --db it serves the data folder's record, the one the app and the CLI use (ANA_DATA_DIR,
 * locations.json, the OS default). The host is for development and demos, never clinical data
 * (docs/test-host.md): it opens a database only inside the OS temporary folder (e.g.
 * ANA_DATA_DIR=/tmp/x) unless --allow-any-db says otherwise.
 */
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createApp } from '../../electron/core/app';
import { ensureDataLocations, resolveDataLocations } from '../../electron/core/app-paths';
import { appVersion, defaultModelDir, projectRoot } from '../../electron/core/paths';
import { hostDatabaseProblem } from './host-database';
import { startTestHost } from './test-host';

const { values } = parseArgs({
  options: { db: { type: 'string' }, model: { type: 'string' }, port: { type: 'string', default: '5173' }, 'allow-any-db': { type: 'boolean', default: false } },
});
const locations = resolveDataLocations();
const dbPath = values.db ? resolve(values.db) : locations.databasePath;
// Checked before anything is created or opened.
const problem = values['allow-any-db'] ? null : hostDatabaseProblem(dbPath);
if (problem) {
  console.error(`ana test host: ${problem}`);
  process.exit(2);
}
if (values.db) mkdirSync(dirname(dbPath), { recursive: true });
else ensureDataLocations(locations);
const app = await createApp({ dbPath, modelDir: values.model ? resolve(values.model) : defaultModelDir(), version: appVersion() });
const host = await startTestHost({ app, rendererDir: join(projectRoot(), 'dist', 'renderer'), port: Number(values.port) });
console.log(`ANA workstation test host (development and demos only): ${host.url} (database ${dbPath}); Ctrl+C to stop`);
process.on('SIGINT', () => void host.close().then(() => app.close()).then(() => process.exit(0)));
