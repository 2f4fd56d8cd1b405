/**
 * The Models page's channels over the real registry and the real fine-tuning worker: roles,
 * the shipped version registered by the first run, a run refused for too few signed cases (state
 * pushed as events), and promotion/rollback refusals that name the version.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import { defaultModelDir } from '../../../electron/core/paths';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import type { FinetuneState, ModelVersionSummary } from '../../../electron/contract';
import { loginAs, seedTestUsers, tempDbPath } from '../../support/record-fixtures';

let app: App;
const admin = { sessionId: 'models-admin' };
const tech = { sessionId: 'models-tech' };
const states: FinetuneState[] = [];

beforeAll(async () => {
  const dbPath = tempDbPath('ana-models-');
  app = await createApp({ dbPath, modelDir: defaultModelDir(), version: 'test', providers: ['cpu'], log: () => {} });
  app.onEvent((event, payload) => {
    if (event === 'finetune/state') states.push(payload as FinetuneState);
  });
  await seedTestUsers(app.db);
  await loginAs(app, admin.sessionId, 'admin');
  await loginAs(app, tech.sessionId, 'technologist');
  expect(join(dbPath)).toBeTruthy();
});

afterAll(async () => app?.close());

it('refuses fine-tuning and promotion to a technologist', async () => {
  expect(await app.handle('finetune/start', {}, tech)).toMatchObject({ ok: false, code: 'forbidden' });
  expect(await app.handle('models/promote', { versionId: 1, justification: 'because I say so' }, tech)).toMatchObject({ ok: false, code: 'forbidden' });
  expect(await app.handle('models/list', {}, { sessionId: 'nobody' })).toMatchObject({ ok: false, code: 'unauthenticated' });
});

it('runs fine-tuning in the background and reports why it cannot train on one record without signed cases', async () => {
  const started = await app.handle('finetune/start', {}, admin);
  expect(started).toMatchObject({ ok: true, value: { status: 'running' } });
  expect(await app.handle('finetune/start', {}, admin)).toMatchObject({ ok: false, code: 'conflict' });
  await expect.poll(async () => ((await app.handle('finetune/status', {}, admin)) as { value: FinetuneState }).value.status, { timeout: 60_000 }).toBe('failed');
  const final = ((await app.handle('finetune/status', {}, admin)) as { value: FinetuneState }).value;
  expect(final.error).toMatch(/at least 20 signed cases; the record has 0/);
  expect(states.at(-1)).toEqual(final);

  // The run registered the shipped package as the first, active version.
  const list = (await app.handle('models/list', {}, tech)) as { ok: true; value: ModelVersionSummary[] };
  expect(list.value).toHaveLength(1);
  expect(list.value[0]).toMatchObject({ active: true, status: 'released', gate: null });
  expect(list.value[0]!.labels.length).toBeGreaterThan(0);
});

it('names the version when promotion or rollback cannot happen', async () => {
  const promote = await app.handle('models/promote', { versionId: 1 }, admin);
  expect(promote).toMatchObject({ ok: false, code: 'conflict' });
  expect((promote as { message: string }).message).toMatch(/model version 1 .* is already active/);
  expect(await app.handle('models/rollback', { reason: 'testing' }, admin)).toMatchObject({ ok: false, code: 'not-found' });
});

it('takes a fine-tuning mode; a whole-network mode fails with the reason on a head-only model (or for want of cases)', async () => {
  const shipped = await loadModelPackage(defaultModelDir());
  expect(await app.handle('finetune/start', { mode: 'everything' }, admin)).toMatchObject({ ok: false, code: 'bad-request' });
  expect(await app.handle('finetune/start', { mode: 'all' }, admin)).toMatchObject({ ok: true, value: { status: 'running' } });
  await expect.poll(async () => ((await app.handle('finetune/status', {}, admin)) as { value: FinetuneState }).value.status, { timeout: 60_000 }).toBe('failed');
  const final = ((await app.handle('finetune/status', {}, admin)) as { value: FinetuneState }).value;
  expect(final.error).toMatch(shipped.manifest.kind === 'network' ? /at least 20 signed cases/ : /mode 'all' needs a whole-network active version; .* use mode 'head'/);
  // The thresholds-only mode goes the same way (the Models page offers it).
  expect(await app.handle('finetune/start', { mode: 'thresholds' }, admin)).toMatchObject({ ok: true, value: { status: 'running' } });
  await expect.poll(async () => ((await app.handle('finetune/status', {}, admin)) as { value: FinetuneState }).value.status, { timeout: 60_000 }).toBe('failed');
  expect(((await app.handle('finetune/status', {}, admin)) as { value: FinetuneState }).value.error).toMatch(/at least 20 signed cases/);
});

it('tells every signed-in user what the record offers fine-tuning: no signed case here, 20 needed', async () => {
  expect(await app.handle('finetune/readiness', {}, tech)).toEqual({ ok: true, value: { signedCases: 0, minimum: 20, validationCases: 0 } });
  expect(await app.handle('finetune/readiness', {}, { sessionId: 'nobody' })).toMatchObject({ ok: false, code: 'unauthenticated' });
});

it('lists the fine-tuning runs in the record to every signed-in user: none here, since each run above was refused before it began', async () => {
  expect(await app.handle('finetune/runs', {}, tech)).toEqual({ ok: true, value: [] });
  expect(await app.handle('finetune/runs', {}, { sessionId: 'nobody' })).toMatchObject({ ok: false, code: 'unauthenticated' });
});

it("shows the lab's learning curve to every signed-in user: empty before any candidate", async () => {
  expect(await app.handle('models/curve', {}, tech)).toEqual({ ok: true, value: { points: [], projections: [] } });
  expect(await app.handle('models/curve', {}, { sessionId: 'nobody' })).toMatchObject({ ok: false, code: 'unauthenticated' });
});
