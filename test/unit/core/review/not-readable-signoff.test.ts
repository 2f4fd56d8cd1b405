/**
 * A negative result on a case whose every field the readability gate refused is not a finding:
 * the core refuses to sign it unless the physician confirms explicitly, and then records the
 * confirmation in the signed content (bound by its hash), in the audit trail and in the reports.
 * Real SQLite, the real channels and the real report renderers.
 */
import { describe, expect, it } from 'vitest';
import type { FieldQuality } from '../../../../electron/contract';
import { listAudit } from '../../../../electron/core/db/audit.repo';
import { getSignatureById } from '../../../../electron/core/db/signature.repo';
import { verifyRecord } from '../../../../electron/core/review/record-verify';
import { buildSignedCaseReport, loadReportSettings } from '../../../../electron/core/reports/report-record';
import { renderOruR01 } from '../../../../electron/core/reports/hl7-oru';
import { recordApp, seedReadCase, TEST_PASSWORD } from '../../../support/record-fixtures';

const BLANK: FieldQuality = { verdict: 'not-readable', reason: 'blank', cells: 0, mitoses: 0, focus: 0, saturatedFraction: 0, signalToBackground: 1 };
const BLURRED: FieldQuality = { verdict: 'not-readable', reason: 'out-of-focus', cells: 28, mitoses: 0, focus: 0.01, saturatedFraction: 0, signalToBackground: 2.1 };
const READABLE: FieldQuality = { verdict: 'readable', reason: null, cells: 61, mitoses: 2, focus: 0.4, saturatedFraction: 0.001, signalToBackground: 3.2 };

/** A case with one slide per given verdict (null: a reading made before the analysis). */
function seedCase(db: Parameters<typeof seedReadCase>[0], accessionId: string, verdicts: (FieldQuality | null)[]): number {
  let caseId = 0;
  verdicts.forEach((quality, i) => {
    caseId = seedReadCase(db, { accessionId, fileName: `${accessionId}_F${i + 1}.png`, quality }).caseId;
  });
  return caseId;
}

describe('signing a case whose fields are all not readable', () => {
  it('refuses a negative without the explicit confirmation, naming why no field is readable', async () => {
    const { app, call } = await recordApp();
    const caseId = seedCase(app.db, 'NR-1', [BLANK, BLURRED]);
    await call('physician', 'review/save-draft', { caseId, labels: [] });

    const refused = await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD });
    expect(refused).toMatchObject({ ok: false, code: 'conflict' });
    expect(refused.message).toContain('Case NR-1 has no readable field (not readable: blank field; not readable: out of focus)');
    expect(refused.message).toContain('explicit confirmation');
    const explicitFalse = await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD, confirmNotReadable: false });
    expect(explicitFalse).toMatchObject({ ok: false, code: 'conflict' });

    const detail = (await call('physician', 'cases/get', { caseId })).value;
    expect(detail.status).toBe('in_review');
    expect(detail.signatures).toEqual([]);
    expect(listAudit(app.db).some((e) => e.action === 'confirm-not-readable')).toBe(false);
  });

  it('signs it with the confirmation, recorded in the signed content, the audit trail and the reports', async () => {
    const { app, call } = await recordApp();
    const caseId = seedCase(app.db, 'NR-2', [BLANK, BLURRED]);
    await call('physician', 'review/save-draft', { caseId, labels: [] });

    const signed = await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD, confirmNotReadable: true });
    expect(signed).toMatchObject({ ok: true, value: { valid: true } });
    const content = JSON.parse(getSignatureById(app.db, signed.value.id)!.contentJson);
    expect(content.confirmNotReadable).toBe(true);
    expect(content.decision.labels).toEqual([]);
    // The verdicts the physician saw are bound by the signature too.
    expect(content.readings.map((r: { quality: FieldQuality }) => r.quality)).toEqual([BLANK, BLURRED]);

    const confirmation = listAudit(app.db).filter((e) => e.action === 'confirm-not-readable');
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]).toMatchObject({ actor: 'dr.house', entity: 'signature', entityId: String(signed.value.id), caseId });
    expect(JSON.parse(confirmation[0]!.newJson!)).toEqual({ decisionId: signed.value.decisionId, result: 'negative', fields: ['not readable: blank field', 'not readable: out of focus'] });
    // Verification rebuilds the content with the confirmation: the signature holds.
    expect(verifyRecord(app.db)).toMatchObject({ ok: true, signaturesChecked: 1 });

    const report = await buildSignedCaseReport(app.db, signed.value.id, loadReportSettings(app.db), { withThumbnail: false });
    expect(report.confirmedNotReadable).toBe(true);
    expect(report.fields.map((f) => [f.fileName, f.quality?.reason, f.suggested])).toEqual([
      ['NR-2_F1.png', 'blank', []],
      ['NR-2_F2.png', 'out-of-focus', []],
    ]);
    const hl7 = renderOruR01(report, loadReportSettings(app.db));
    expect(hl7).toContain('Signed negative although no field was readable; the signer confirmed this explicitly.');
    expect(hl7).toContain('Field NR-2_F2.png: not readable: out of focus');
  });

  it('needs no confirmation for a positive result, and records none even if one is sent', async () => {
    const { app, call } = await recordApp();
    const caseId = seedCase(app.db, 'NR-3', [BLURRED]);
    await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'homogeneous' }] });
    const signed = await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD, confirmNotReadable: true });
    expect(signed.ok).toBe(true);
    expect(JSON.parse(getSignatureById(app.db, signed.value.id)!.contentJson).confirmNotReadable).toBeUndefined();
    expect(listAudit(app.db).some((e) => e.action === 'confirm-not-readable')).toBe(false);
  });

  it('needs no confirmation when one field is readable, or when the fields were read before the analysis', async () => {
    const { app, call } = await recordApp();
    for (const [accession, verdicts] of [['NR-4', [BLURRED, READABLE]], ['NR-5', [null]]] as const) {
      const caseId = seedCase(app.db, accession, [...verdicts]);
      await call('physician', 'review/save-draft', { caseId, labels: [] });
      const signed = await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD });
      expect(signed, accession).toMatchObject({ ok: true });
      expect(JSON.parse(getSignatureById(app.db, signed.value.id)!.contentJson).confirmNotReadable).toBeUndefined();
    }
    // A signature made on readings without a verdict carries no 'quality' key: older signatures rebuild unchanged.
    expect(verifyRecord(app.db)).toMatchObject({ ok: true, signaturesChecked: 2 });
  });

  it('an amendment to negative on not-readable fields needs the same confirmation', async () => {
    const { app, call } = await recordApp();
    const caseId = seedCase(app.db, 'NR-6', [BLANK]);
    await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'speckled' }] });
    await call('physician', 'review/sign', { caseId, password: TEST_PASSWORD });
    const amend = { caseId, labels: [], reason: 'no cells after all', password: TEST_PASSWORD };
    expect(await call('physician', 'review/amend', amend)).toMatchObject({ ok: false, code: 'conflict', message: expect.stringContaining('no readable field') });
    const amended = await call('physician', 'review/amend', { ...amend, confirmNotReadable: true });
    expect(amended).toMatchObject({ ok: true, value: { signature: { meaning: 'amended', valid: true } } });
    expect(JSON.parse(getSignatureById(app.db, amended.value.signature.id)!.contentJson).confirmNotReadable).toBe(true);
    expect(verifyRecord(app.db)).toMatchObject({ ok: true, signaturesChecked: 2 });
  });
});
