/**
 * The app reads with the registry's active version, through `app.handle`: the shipped package is
 * registered on the first reading; promoting a candidate makes new readings record the candidate's
 * version (and app/info show it); rolling back makes new readings use the previous version again.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { loadModelPackage, writeManifest } from '../../../electron/core/models/model-package';
import { registerPackage } from '../../../electron/core/models/model-registry';
import { projectRoot } from '../../../electron/core/paths';
import { writeTestPackage } from '../../fixtures/model-package';
import { loginAs, seedTestUsers } from '../../support/record-fixtures';

let dir: string;
let app: App;
const admin = { sessionId: 'active-model-admin' };
const fixture = join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-active-model-'));
  await writeTestPackage(join(dir, 'shipped'), { seed: 7 });
  const candidate = await writeTestPackage(join(dir, 'candidate'), { seed: 8 });
  await writeManifest(join(dir, 'candidate'), { ...candidate, version: '1.1.0', parentVersion: '1.0.0' });
  app = await createApp({ dbPath: join(dir, 'ana.db'), modelDir: join(dir, 'shipped'), version: 'test', providers: ['cpu'], log: () => {} });
  await seedTestUsers(app.db);
  await loginAs(app, admin.sessionId, 'admin');
});
afterAll(async () => {
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Another file for the record (other bytes, same pixels). */
async function newSlide(name: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, Buffer.concat([await readFile(fixture), Buffer.from(name)]));
  return path;
}
const readingVersions = () => (app.db.prepare('SELECT model_version AS v FROM readings ORDER BY id').all() as { v: string }[]).map((r) => r.v);
const info = async () => ((await app.handle('app/info', {}, admin)) as { ok: true; value: { activeModel: { id: string; version: string } | null } }).value.activeModel;

it('reads with the active version, switches on promotion and back on rollback', async () => {
  await app.readFiles([await newSlide('A2026-0101_F1.png')]);
  expect(readingVersions()).toEqual(['1.0.0']);
  expect(await info()).toEqual({ id: 'test-model', version: '1.0.0' });

  const row = await registerPackage(app.db, await loadModelPackage(join(dir, 'candidate')), { source: 'imported' }, SYSTEM_ACTOR);
  const promoted = await app.handle('models/promote', { versionId: row.id, justification: 'candidate checked by hand on the lab set' }, admin);
  expect(promoted).toMatchObject({ ok: true, value: { version: '1.1.0', active: true } });
  expect(await info()).toEqual({ id: 'test-model', version: '1.1.0' });
  await app.readFiles([await newSlide('A2026-0102_F1.png')]);
  expect(readingVersions()).toEqual(['1.0.0', '1.1.0']);
  expect(await app.handle('reading/status', {}, admin)).toMatchObject({ ok: true, value: { model: { version: '1.1.0' } } });

  const rolledBack = await app.handle('models/rollback', { reason: 'back to the shipped model' }, admin);
  expect(rolledBack).toMatchObject({ ok: true, value: { from: { version: '1.1.0' }, to: { version: '1.0.0' } } });
  expect(await info()).toEqual({ id: 'test-model', version: '1.0.0' });
  await app.readFiles([await newSlide('A2026-0103_F1.png')]);
  expect(readingVersions()).toEqual(['1.0.0', '1.1.0', '1.0.0']);
});
