/**
 * Hostile input: SQL metacharacters and any Unicode in every text field of the record come back
 * byte-for-byte; malformed requests are refused by the schema with a message naming the field.
 */
import { describe, expect, it } from 'vitest';
import { getCaseById } from '../../../../electron/core/db/case.repo';
import { getSlideById } from '../../../../electron/core/db/slide.repo';
import { getSetting, setSetting } from '../../../../electron/core/db/settings.repo';
import { getReport, insertReport, insertReportExport, listReportExports } from '../../../../electron/core/db/report.repo';
import { getModelVersionById, insertModelVersion } from '../../../../electron/core/db/model-version.repo';
import { getTrainingRun, insertTrainingRun } from '../../../../electron/core/db/training-run.repo';
import { getSignatureById } from '../../../../electron/core/db/signature.repo';
import { SYSTEM_ACTOR } from '../../../../electron/core/db/audit.repo';
import { verifyRecord } from '../../../../electron/core/review/record-verify';
import { recordApp, seedReadCase } from '../../../support/record-fixtures';

const HOSTILE = [
  "Robert'); DROP TABLE cases;--",
  '" OR ""=" ; SELECT * FROM users; /* */ --',
  '%_\\[]^$*?.{1}',
  'Zoë Ångström-Łukasiewicz 张伟 محمد 🧬🔬 e\u0301 \u200fRTL\u200e \u2028sep',
  `x${'ß'.repeat(150)}`,
];

describe('hostile input', () => {
  it('round-trips SQL metacharacters and Unicode in every text field', async () => {
    const { app, call } = await recordApp();
    // One account and one signed case carry all the strings at once (hashing passwords is slow on purpose).
    const name = HOSTILE.slice(0, 4).join(' ');
    const user = await call('admin', 'users/create', { username: name, displayName: name, role: 'physician', password: `${name}-pw` });
    expect(user).toMatchObject({ ok: true, value: { username: name, displayName: name } });
    const session = { sessionId: 'hostile' };
    expect(await app.handle('auth/login', { username: name, password: `${name}-pw` }, session)).toMatchObject({ ok: true, value: { username: name } });

    const caseIds: number[] = [];
    for (const [i, text] of HOSTILE.entries()) {
      const details = { patientId: text, patientName: text, patientBirthDate: text, runId: text };
      const { caseId, slide } = seedReadCase(app.db, { accessionId: `${text}#${i}`, fileName: `${text}.png`, details, probabilities: { homogeneous: 0.9 } });
      caseIds.push(caseId);
      expect(getCaseById(app.db, caseId)).toMatchObject({ accessionId: `${text}#${i}`, ...details });
      expect(getSlideById(app.db, slide.id)).toMatchObject({ fileName: `${text}.png`, path: `/data/${text}.png` });

      const listed = await call('technologist', 'cases/list', { search: text });
      expect(listed.value.map((c: { accessionId: string }) => c.accessionId)).toEqual([`${text}#${i}`]);
      const detail = (await call('technologist', 'cases/get', { caseId })).value;
      expect(detail).toMatchObject({ accessionId: `${text}#${i}`, patientName: text, runId: text });
      expect(detail.audit.find((e: { entity: string }) => e.entity === 'case').newValue.patientName).toBe(text);

      setSetting(app.db, text, { label: text }, SYSTEM_ACTOR);
      expect(getSetting(app.db, text)).toEqual({ label: text });
      const report = insertReport(app.db, { caseId, signatureId: null, format: 'pdf', fileName: `${text}.pdf`, bytes: Buffer.from(text), createdBy: null, createdAtMs: 1 }, SYSTEM_ACTOR);
      expect(Buffer.from(getReport(app.db, report.id)!.bytes).toString()).toBe(text);
      expect(getReport(app.db, report.id)!.fileName).toBe(`${text}.pdf`);
      insertReportExport(app.db, { reportId: report.id, format: 'pdf', destination: text, sha256: report.sha256, sizeBytes: 1, caseIds: [caseId], deidentified: false, status: 'failed', error: text, exportedBy: null, exportedAtMs: 1 }, SYSTEM_ACTOR);
      expect(listReportExports(app.db)[0]).toMatchObject({ destination: text, error: text });
      const model = insertModelVersion(app.db, { modelId: text, version: `${i}`, manifest: { note: text }, packageSha256: 'c'.repeat(64), dirPath: text, source: 'imported', parentId: null, trainingRunId: null, createdAtMs: 1 }, SYSTEM_ACTOR);
      expect(getModelVersionById(app.db, model.id)).toMatchObject({ modelId: text, dirPath: text, manifest: { note: text } });
      const run = insertTrainingRun(app.db, { baseModelVersionId: model.id, config: { note: text }, dataset: { cases: [text] }, seed: 7, startedBy: null, createdAtMs: 1 }, SYSTEM_ACTOR);
      expect(getTrainingRun(app.db, run.id)).toMatchObject({ config: { note: text }, dataset: { cases: [text] } });
    }

    const caseId = caseIds[0]!;
    const comment = HOSTILE.join('\n\t');
    const reason = HOSTILE.slice(0, 4).join(' | ');
    expect(await app.handle('review/save-draft', { caseId, labels: [{ key: 'homogeneous' }], comment }, session)).toMatchObject({ ok: true, value: { comment } });
    const signed = await app.handle('review/sign', { caseId, password: `${name}-pw` }, session);
    expect(signed).toMatchObject({ ok: true, value: { signerName: name, valid: true } });
    const content = JSON.parse(getSignatureById(app.db, (signed as { value: { id: number } }).value.id)!.contentJson);
    expect(content.decision.comment).toBe(comment);
    expect(content.case.patientName).toBe(HOSTILE[0]);
    const amended = await app.handle('review/amend', { caseId, labels: [], comment, reason, password: `${name}-pw` }, session);
    expect(amended).toMatchObject({ ok: true, value: { decision: { amendmentReason: reason, comment }, signature: { valid: true } } });

    expect(app.db.prepare('SELECT count(*) AS n FROM cases').get()).toEqual({ n: HOSTILE.length });
    expect(verifyRecord(app.db)).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses malformed requests with a message naming the field', async () => {
    const { call } = await recordApp();
    const { caseId } = (() => ({ caseId: 1 }))();
    const cases: [string, unknown, RegExp][] = [
      ['review/save-draft', { caseId, labels: [], comment: 'bad\u0000byte' }, /comment: must not contain control characters/],
      ['review/save-draft', { caseId: 'one', labels: [] }, /caseId/],
      ['review/save-draft', { caseId, labels: [{ key: 'homogeneous' }, { key: 'homogeneous' }] }, /each label may appear only once/],
      ['review/save-draft', { caseId, labels: [{ key: 'Homogeneous; DROP' }] }, /labels\.0\.key: must be a label key/],
      ['review/save-draft', { caseId, labels: [{ key: 'homogeneous', titer: '160' }] }, /titer: must be a titer/],
      ['review/save-draft', { caseId, labels: [{ key: 'homogeneous', icapCode: 'AC-99' }] }, /icapCode/],
      ['review/save-draft', { caseId, labels: [], extra: 1 }, /Unrecognized key/],
      ['review/save-draft', { caseId, labels: [], comment: 'x'.repeat(4001) }, /at most 4000/],
      ['review/amend', { caseId, labels: [], reason: '   ', password: 'p' }, /reason: must not be blank/],
      ['users/create', { username: 'two\nlines', displayName: 'X', role: 'physician', password: 'password1' }, /username: must not contain control characters or line breaks/],
      ['users/create', { username: 'x', displayName: 'X', role: 'root', password: 'password1' }, /role/],
      ['users/create', { username: 'x'.repeat(201), displayName: 'X', role: 'physician', password: 'password1' }, /username: must be at most 200/],
    ];
    for (const [channel, request, message] of cases) {
      const result = await call('admin', channel, request);
      expect(result, `${channel} ${JSON.stringify(request).slice(0, 80)}`).toMatchObject({ ok: false, code: 'bad-request' });
      expect(result.message).toMatch(new RegExp(`^Invalid request for '${channel}': `));
      expect(result.message).toMatch(message);
    }
    expect(await call('physician', 'review/save-draft', { caseId: 999, labels: [] })).toEqual({ ok: false, code: 'not-found', message: 'Case 999 does not exist' });
  });

  it('refuses label keys and ICAP codes outside the vocabulary', async () => {
    const { app, call } = await recordApp();
    const { caseId } = seedReadCase(app.db, { accessionId: 'V-1' });
    expect(await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'zebra' }] })).toMatchObject({ ok: false, code: 'bad-request', message: expect.stringContaining("Unknown label 'zebra'") });
    expect(await call('physician', 'review/save-draft', { caseId, labels: [{ key: 'centromere', icapCode: 'AC-1' }] })).toMatchObject({ ok: false, code: 'bad-request', message: 'ICAP code AC-1 does not belong to \'centromere\' (AC-3)' });
  });
});
