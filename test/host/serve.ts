/**
 * Serve the built renderer against a real database in any browser, without Electron:
 *   npm run host -- [--db FILE] [--model DIR] [--port N]
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { createApp } from '../../electron/core/app';
import { appVersion, defaultModelDir, projectRoot } from '../../electron/core/paths';
import { startTestHost } from './test-host';

const { values } = parseArgs({ options: { db: { type: 'string', default: 'ana.db' }, model: { type: 'string' }, port: { type: 'string', default: '5173' } } });
const app = await createApp({ dbPath: resolve(values.db), modelDir: values.model ? resolve(values.model) : defaultModelDir(), version: appVersion() });
const host = await startTestHost({ app, rendererDir: join(projectRoot(), 'dist', 'renderer'), port: Number(values.port) });
console.log(`ANA workstation test host: ${host.url} (database ${values.db}); Ctrl+C to stop`);
process.on('SIGINT', () => void host.close().then(() => app.close()).then(() => process.exit(0)));
