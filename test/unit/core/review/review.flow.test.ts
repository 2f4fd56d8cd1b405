/**
 * The review flow through the real channels: draft, sign-off with password re-entry and content
 * hash, amendment. The sequencing rules run twice: with the database's triggers, and with them
 * dropped, so each rule is shown to hold in core on its own as well.
 */
import { describe, expect, it } from 'vitest';
import { ensureCase } from '../../../../electron/core/db/case.repo';
import { canonicalJson, sha256Hex } from '../../../../electron/core/db/canonical-json';
import { listAudit } from '../../../../electron/core/db/audit.repo';
import { getSignatureById } from '../../../../electron/core/db/signature.repo';
import { openUnmigrated } from '../../../../electron/core/db/connection';
import { verifyRecord } from '../../../../electron/core/review/record-verify';
import { dropRecordGuards, recordApp, seedReadCase, TEST_PASSWORD } from '../../../support/record-fixtures';

const HOMOGENEOUS = [{ key: 'homogeneous', titer: '1:320', intensity: 'strong' }];

describe('review flow', () => {
  it('saves a draft with per-label agreement, signs it binding the content hash, and shows it on the case', async () => {
    const { app, call, ids } = await recordApp();
    const { caseId, reading } = seedReadCase(app.db, { accessionId: 'R-1', probabilities: { homogeneous: 0.92, speckled: 0.61 } });

    const draft = await call('technologist', 'review/save-draft', { caseId, labels: [{ key: 'homogeneous', titer: '1:160' }, { key: 'centromere' }], comment: 'first look' });
    expect(draft.ok).toBe(true);
    expect(draft.value).toMatchObject({
      version: 1,
      state: 'draft',
      labels: [{ key: 'homogeneous', icapCode: 'AC-1', titer: '1:160' }, { key: 'centromere', icapCode: 'AC-3' }],
      agreement: { homogeneous: 'confirmed', speckled: 'rejected', centromere: 'added' },
      suggestion: { readingIds: [reading.id], predicted: ['homogeneous', 'speckled'] },
      reviewer: { id: ids.technologist },
    });
    const changed = await call('physician', 'review/save-draft', { caseId, labels: HOMOGENEOUS, comment: 'homogeneous only' });
    expect(changed.value).toMatchObject({ id: draft.value.id, version: 1, comment: 'homogeneous only', reviewer: { id: ids.physician } });
    const update = listAudit(app.db).filter((e) => e.entity === 'decision' && e.action === 'update').at(-1)!;
    expect(JSON.parse(update.oldJson!)).toMatchObject({ comment: 'first look' });
    expect(JSON.parse(update.newJson!)).toMatchObject({ comment: 'homogeneous only' });

    const signed = await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD });
    expect(signed.ok).toBe(true);
    expect(signed.value).toMatchObject({ signerName: 'Dr. Greta House', meaning: 'approved', valid: true, supersedesId: null, decisionId: draft.value.id });
    const stored = getSignatureById(app.db, signed.value.id)!;
    expect(sha256Hex(stored.contentJson)).toBe(signed.value.contentSha256);
    const content = JSON.parse(stored.contentJson);
    expect(canonicalJson(content)).toBe(stored.contentJson);
    expect(content).toMatchObject({
      case: { accessionId: 'R-1' },
      readings: [{ id: reading.id, modelId: 'ana-test', modelVersion: '1.0.0' }],
      decision: { labels: [{ key: 'homogeneous', titer: '1:320', intensity: 'strong' }], comment: 'homogeneous only' },
      signer: { username: 'dr.house', printedName: 'Dr. Greta House' },
      meaning: 'approved',
    });

    const detail = await call('technologist', 'cases/get', { caseId });
    expect(detail.value.status).toBe('signed');
    expect(detail.value.decisions).toHaveLength(1);
    expect(detail.value.decisions[0].state).toBe('signed');
    expect(detail.value.signatures).toEqual([expect.objectContaining({ id: signed.value.id, valid: true })]);
    const actions = detail.value.audit.map((e: { entity: string; action: string }) => `${e.entity}:${e.action}`);
    expect(actions).toEqual(expect.arrayContaining(['case:create', 'slide:create', 'reading:create', 'decision:create', 'decision:update', 'signature:sign']));
    expect(verifyRecord(app.db)).toMatchObject({ ok: true, signaturesChecked: 1 });
  });

  it('amends a signed case: a new decision and signature version pointing to the old ones; the case is marked amended', async () => {
    const { app, call } = await recordApp();
    const { caseId } = seedReadCase(app.db, { accessionId: 'R-2', probabilities: { speckled: 0.8 } });
    const v1 = (await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'speckled' }] })).value;
    const s1 = (await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD })).value;

    const refused = await call('physician', 'review/save-draft', { caseId, labels: [] });
    expect(refused).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('is signed; amend it') });

    const amended = await call('physician', 'review/amend', { caseId, labels: [{ key: 'speckled', icapCode: 'AC-5' }], reason: 'coarse, not fine speckled', password: TEST_PASSWORD });
    expect(amended.ok).toBe(true);
    expect(amended.value.decision).toMatchObject({ version: 2, supersedesId: v1.id, state: 'signed', amendmentReason: 'coarse, not fine speckled' });
    expect(amended.value.signature).toMatchObject({ supersedesId: s1.id, meaning: 'amended', valid: true });

    const again = await call('physician', 'review/amend', { caseId, labels: [], reason: 'negative after all', password: TEST_PASSWORD });
    expect(again.value.decision).toMatchObject({ version: 3, supersedesId: amended.value.decision.id });

    const detail = (await call('physician', 'cases/get', { caseId })).value;
    expect(detail.status).toBe('amended');
    expect(detail.decisions.map((d: { version: number; state: string; labels: unknown[] }) => [d.version, d.state, d.labels.length])).toEqual([
      [1, 'signed', 1],
      [2, 'signed', 1],
      [3, 'signed', 0],
    ]);
    expect(detail.decisions[0].labels).toEqual([{ key: 'speckled', icapCode: 'AC-2' }]);
    expect(detail.signatures.every((s: { valid: boolean }) => s.valid)).toBe(true);
    expect(verifyRecord(app.db)).toMatchObject({ ok: true, signaturesChecked: 3 });
  });

  it('shows a signature as broken when the signed record is changed behind its back', async () => {
    const { app, call } = await recordApp();
    const { caseId, reading } = seedReadCase(app.db, { accessionId: 'R-3', probabilities: { golgi: 0.7 } });
    await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'golgi' }] });
    await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD });
    const raw = openUnmigrated(app.db.name);
    dropRecordGuards(raw);
    raw.prepare("UPDATE readings SET probabilities_json = replace(probabilities_json, '0.7', '0.2') WHERE id = ?").run(reading.id);
    raw.close();
    const detail = (await call('physician', 'cases/get', { caseId })).value;
    expect(detail.signatures[0]).toMatchObject({ valid: false, problem: expect.stringContaining('the record changed after signing (readings)') });
    const problems = verifyRecord(app.db).problems;
    expect(problems).toContain('protection missing: trigger readings_signed_no_update (dropped)');
    expect(problems.filter((p) => !p.startsWith('protection missing'))).toEqual([expect.stringContaining('signature 1 (case 1): the record changed after signing (readings)')]);
  });
});

for (const mode of ['with the database rules', 'in core alone (database triggers dropped)'] as const) {
  describe(`sign-off rules ${mode}`, () => {
    async function setup() {
      const ctx = await recordApp();
      if (mode !== 'with the database rules') dropRecordGuards(ctx.app.db);
      return ctx;
    }

    it('only physicians sign; administrators do not review', async () => {
      const { app, call } = await setup();
      const { caseId } = seedReadCase(app.db, { accessionId: 'S-1' });
      expect(await call('admin', 'review/save-draft', { caseId, labels: [] })).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining('may not save a decision') });
      await call('technologist', 'review/save-draft', { caseId, labels: [] });
      for (const who of ['technologist', 'admin'] as const) {
        expect(await call(who, 'review/sign', { caseId, password: TEST_PASSWORD })).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining('may not sign') });
      }
      expect(await call('anonymous', 'review/sign', { caseId, password: TEST_PASSWORD })).toMatchObject({ ok: false, code: 'unauthenticated' });
      expect((await call('physician', 'cases/get', { caseId })).value.signatures).toEqual([]);
    });

    it('signing requires re-entering the correct password', async () => {
      const { app, call } = await setup();
      const { caseId } = seedReadCase(app.db, { accessionId: 'S-2' });
      await call('physician', 'review/save-draft', { caseId, labels: [] });
      expect(await call('physician', 'review/sign', { caseId, password: 'wrong password' })).toMatchObject({ ok: false, code: 'unauthenticated', message: expect.stringContaining('Password incorrect') });
      const detail = (await call('physician', 'cases/get', { caseId })).value;
      expect(detail.status).toBe('in_review');
      expect(detail.signatures).toEqual([]);
      expect(detail.audit.length).toBeGreaterThan(0);
      expect(listAudit(app.db).at(-1)).toMatchObject({ action: 'password-check-failed', actor: 'dr.house' });
    });

    it('no sign-off without a decision', async () => {
      const { app, call } = await setup();
      const { caseId } = seedReadCase(app.db, { accessionId: 'S-3' });
      app.db.prepare("UPDATE cases SET status = 'in_review' WHERE id = ?").run(caseId);
      expect(await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD })).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('no decision to sign') });
    });

    it('no sign-off without a reading', async () => {
      const { app, call } = await setup();
      const kase = ensureCase(app.db, 'S-4', 1, 1);
      expect((await call('technologist', 'review/save-draft', { caseId: kase.id, labels: [] })).ok).toBe(true);
      expect(await call('physician', 'review/sign', { caseId: kase.id, password: TEST_PASSWORD })).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('no sign-off without a reading') });
    });

    it('no sign-off of a decision made before newer readings arrived', async () => {
      const { app, call } = await setup();
      const { caseId } = seedReadCase(app.db, { accessionId: 'S-5' });
      await call('physician', 'review/save-draft', { caseId, labels: [] });
      seedReadCase(app.db, { accessionId: 'S-5', fileName: 'S-5_F2.png', probabilities: { nucleolar: 0.9 } });
      expect(await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD })).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('new readings') });
    });

    it('a signed case cannot be signed again or drafted over; only signed cases are amended', async () => {
      const { app, call } = await setup();
      const { caseId } = seedReadCase(app.db, { accessionId: 'S-6' });
      expect(await call('physician', 'review/amend', { caseId, labels: [], reason: 'r', password: TEST_PASSWORD })).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('is not signed') });
      await call('physician', 'review/save-draft', { caseId, labels: [] });
      expect((await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD })).ok).toBe(true);
      expect(await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD })).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('already signed') });
      expect(await call('technologist', 'review/save-draft', { caseId, labels: [] })).toMatchObject({ ok: false, code: 'conflict' });
      expect(await call('technologist', 'review/amend', { caseId, labels: [], reason: 'r', password: TEST_PASSWORD })).toMatchObject({ ok: false, code: 'forbidden' });
      expect(await call('physician', 'review/amend', { caseId, labels: [], reason: 'r', password: 'nope' })).toMatchObject({ ok: false, code: 'unauthenticated' });
    });
  });
}
