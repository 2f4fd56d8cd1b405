import { describe, expect, it } from 'vitest';
import { setSetting } from '../../../../electron/core/db/settings.repo';
import { recordApp, seedReadCase } from '../../../support/record-fixtures';
import { ensureCase } from '../../../../electron/core/db/case.repo';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2);

async function worklist() {
  const ctx = await recordApp();
  const { app } = ctx;
  // margin = smallest |p − 0.5|: A 0.45 (sure), B 0.02 (unsure), C 0.1, D no reading.
  seedReadCase(app.db, { accessionId: 'A', receivedAtMs: T0, probabilities: { homogeneous: 0.95 }, details: { runId: 'run-1', patientId: 'P1' } });
  seedReadCase(app.db, { accessionId: 'B', receivedAtMs: T0 + DAY, probabilities: { speckled: 0.52 }, details: { runId: 'run-1', patientId: 'P2' } });
  seedReadCase(app.db, { accessionId: 'C', receivedAtMs: T0 + 2 * DAY, probabilities: { homogeneous: 0.6, speckled: 0.01 }, details: { runId: 'run-2', patientId: 'P3' } });
  ensureCase(app.db, 'D', T0 + 3 * DAY, T0 + 3 * DAY, { runId: 'run-2' });
  return ctx;
}

const accessions = (result: { value?: { accessionId: string }[] }) => result.value!.map((c) => c.accessionId);

describe('cases/list', () => {
  it('needs a logged-in user', async () => {
    const { call } = await worklist();
    expect(await call('anonymous', 'cases/list', {})).toMatchObject({ ok: false, code: 'unauthenticated', message: 'Log in to see the worklist' });
    expect(await call('anonymous', 'cases/get', { caseId: 1 })).toMatchObject({ ok: false, code: 'unauthenticated' });
  });

  it('lists newest first with patient, run, prediction and uncertainty', async () => {
    const { call } = await worklist();
    const all = await call('technologist', 'cases/list', {});
    expect(accessions(all)).toEqual(['D', 'C', 'B', 'A']);
    expect(all.value[2]).toMatchObject({ accessionId: 'B', patientId: 'P2', runId: 'run-1', predictedLabels: ['speckled'], uncertain: true, slideCount: 1 });
    expect(all.value[2].uncertaintyMargin).toBeCloseTo(0.02, 6);
    expect(all.value[0]).toMatchObject({ accessionId: 'D', uncertaintyMargin: null, uncertain: false, slideCount: 0, predictedLabels: [] });
    expect(all.value[3]).toMatchObject({ accessionId: 'A', uncertain: false });
  });

  it('filters by received date, run, status, predicted label and search text', async () => {
    const { call } = await worklist();
    expect(accessions(await call('physician', 'cases/list', { receivedFromMs: T0 + DAY, receivedToMs: T0 + 3 * DAY }))).toEqual(['C', 'B']);
    expect(accessions(await call('physician', 'cases/list', { runId: 'run-2' }))).toEqual(['D', 'C']);
    expect(accessions(await call('physician', 'cases/list', { status: 'new' }))).toEqual(['D']);
    expect(accessions(await call('physician', 'cases/list', { statuses: ['new', 'read'] }))).toEqual(['D', 'C', 'B', 'A']);
    expect(accessions(await call('physician', 'cases/list', { predictedLabel: 'homogeneous' }))).toEqual(['C', 'A']);
    expect(accessions(await call('physician', 'cases/list', { search: 'P3' }))).toEqual(['C']);
    expect(accessions(await call('physician', 'cases/list', { search: '%' }))).toEqual([]);
  });

  it('puts uncertain cases first, cases without a reading last', async () => {
    const { call, app } = await worklist();
    expect(accessions(await call('physician', 'cases/list', { uncertainFirst: true }))).toEqual(['B', 'C', 'A', 'D']);
    setSetting(app.db, 'review.uncertainMargin', 0.2);
    const list = await call('physician', 'cases/list', { uncertainFirst: true });
    expect(list.value.map((c: { accessionId: string; uncertain: boolean }) => [c.accessionId, c.uncertain])).toEqual([
      ['B', true],
      ['C', true],
      ['A', false],
      ['D', false],
    ]);
  });

  it('rejects invalid filters with a clear message', async () => {
    const { call } = await worklist();
    expect(await call('physician', 'cases/list', { status: 'done' })).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringContaining("Invalid request for 'cases/list': status") });
    expect(await call('physician', 'cases/list', { receivedFromMs: -1 })).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringContaining('receivedFromMs') });
    expect(await call('physician', 'cases/list', { predictedLabel: "x' OR 1=1" })).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringContaining('predictedLabel') });
    expect(await call('physician', 'cases/list', { sort: 'name' })).toMatchObject({ ok: false, code: 'bad-request' });
  });
});

describe('cases/get', () => {
  it('returns slides, readings, decisions, signatures and the audit trail; a missing case is named', async () => {
    const { call } = await worklist();
    const detail = await call('admin', 'cases/get', { caseId: 2 });
    expect(detail.value).toMatchObject({ accessionId: 'B', patientId: 'P2', runId: 'run-1', decisions: [], signatures: [] });
    expect(detail.value.slides).toHaveLength(1);
    expect(detail.value.readings).toHaveLength(1);
    expect(detail.value.audit.map((e: { entity: string; action: string }) => `${e.entity}:${e.action}`)).toEqual(['case:create', 'slide:create', 'reading:create', 'case:update']);
    expect(detail.value.audit[3]).toMatchObject({ oldValue: { status: 'new' }, newValue: { status: 'read' } });
    expect(await call('admin', 'cases/get', { caseId: 99 })).toEqual({ ok: false, code: 'not-found', message: 'Case 99 does not exist' });
  });
});

describe('cases/update-details and review settings', () => {
  it('corrects patient details before sign-off (audited with old and new values), never after', async () => {
    const { call, app } = await worklist();
    const updated = await call('technologist', 'cases/update-details', { caseId: 1, patientName: 'Müller, Anna', patientBirthDate: '1970-01-31', runId: null });
    expect(updated).toEqual({ ok: true, value: { id: 1, patientId: 'P1', patientName: 'Müller, Anna', patientBirthDate: '1970-01-31', runId: null } });
    const entry = (await call('technologist', 'cases/get', { caseId: 1 })).value.audit.at(-1);
    expect(entry).toMatchObject({ action: 'update', oldValue: { patientName: null, patientBirthDate: null, runId: 'run-1' }, newValue: { patientName: 'Müller, Anna', patientBirthDate: '1970-01-31', runId: null } });
    expect(await call('admin', 'cases/update-details', { caseId: 1, patientName: 'X' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await call('technologist', 'cases/update-details', { caseId: 1, patientBirthDate: '31.01.1970' })).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringContaining('patientBirthDate: must be a date YYYY-MM-DD') });
    await call('physician', 'review/save-draft', { caseId: 1, labels: [{ key: 'homogeneous' }] });
    expect((await call('physician', 'review/sign', { caseId: 1, password: 'correct horse battery' })).ok).toBe(true);
    expect(await call('physician', 'cases/update-details', { caseId: 1, patientName: 'Other' })).toMatchObject({ ok: false, code: 'conflict', message: 'Case A is signed; its details cannot be changed' });
    expect(app.db.prepare('SELECT patient_name AS n FROM cases WHERE id = 1').get()).toEqual({ n: 'Müller, Anna' });
  });

  it('lets an admin change the uncertainty margin, which the worklist then uses', async () => {
    const { call } = await worklist();
    expect(await call('physician', 'review/settings', {})).toEqual({ ok: true, value: { uncertainMargin: 0.15 } });
    expect(await call('physician', 'review/update-settings', { uncertainMargin: 0.3 })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await call('admin', 'review/update-settings', { uncertainMargin: 0.7 })).toMatchObject({ ok: false, code: 'bad-request' });
    expect(await call('admin', 'review/update-settings', { uncertainMargin: 0.3 })).toEqual({ ok: true, value: { uncertainMargin: 0.3 } });
    const list = (await call('physician', 'cases/list', {})).value as { accessionId: string; uncertain: boolean }[];
    expect(list.filter((c) => c.uncertain).map((c) => c.accessionId)).toEqual(['C', 'B']);
  });
});
