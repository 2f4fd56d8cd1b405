/**
 * Serve the built renderer against a real database in any browser, without Electron:
 *   npm run host -- [--db FILE] [--model DIR] [--port N]
 * Without --db it serves the data folder's record, the one the app and the CLI use (ANA_DATA_DIR,
 * locations.json, the OS default).
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { createApp } from '../../electron/core/app';
import { ensureDataLocations, resolveDataLocations } from '../../electron/core/app-paths';
import { appVersion, defaultModelDir, projectRoot } from '../../electron/core/paths';
import { startTestHost } from './test-host';

const { values } = parseArgs({ options: { db: { type: 'string' }, model: { type: 'string' }, port: { type: 'string', default: '5173' } } });
const locations = resolveDataLocations();
if (!values.db) ensureDataLocations(locations);
const dbPath = values.db ? resolve(values.db) : locations.databasePath;
const app = await createApp({ dbPath, modelDir: values.model ? resolve(values.model) : defaultModelDir(), version: appVersion() });
const host = await startTestHost({ app, rendererDir: join(projectRoot(), 'dist', 'renderer'), port: Number(values.port) });
console.log(`ANA workstation test host: ${host.url} (database ${dbPath}); Ctrl+C to stop`);
process.on('SIGINT', () => void host.close().then(() => app.close()).then(() => process.exit(0)));
