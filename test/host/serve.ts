/**
 * Serve the built renderer against a database in any browser, without Electron:
 *   npm run host -- [--db FILE] [--model DIR] [--port N] [--allow-any-db]
 * For development and demos, never clinical data (docs/test-host.md): the database must lie in the
 * OS temporary folder (default: a fresh one there) unless --allow-any-db says otherwise.
 */
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createApp } from '../../electron/core/app';
import { appVersion, defaultModelDir, projectRoot } from '../../electron/core/paths';
import { hostDatabaseProblem } from './host-database';
import { startTestHost } from './test-host';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: join(tmpdir(), 'ana-test-host', 'ana.db') },
    model: { type: 'string' },
    port: { type: 'string', default: '5173' },
    'allow-any-db': { type: 'boolean', default: false },
  },
});
const dbPath = resolve(values.db);
const problem = values['allow-any-db'] ? null : hostDatabaseProblem(dbPath);
if (problem) {
  console.error(`ana test host: ${problem}`);
  process.exit(2);
}
mkdirSync(dirname(dbPath), { recursive: true });
const app = await createApp({ dbPath, modelDir: values.model ? resolve(values.model) : defaultModelDir(), version: appVersion() });
const host = await startTestHost({ app, rendererDir: join(projectRoot(), 'dist', 'renderer'), port: Number(values.port) });
console.log(`ANA workstation test host (development and demos only): ${host.url} (database ${dbPath}); Ctrl+C to stop`);
process.on('SIGINT', () => void host.close().then(() => app.close()).then(() => process.exit(0)));
