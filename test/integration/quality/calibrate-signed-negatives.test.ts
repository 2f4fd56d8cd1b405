/**
 * Screening calibration on the lab's signed negative cases (Settings, admin): the fields of the
 * cases whose latest signature has no pattern, read from their files (real SQLite, real sharp,
 * real demo fields), the latest signed first; a moved file is left out and listed; the change is
 * audited as a change of the profile setting.
 */
import { renameSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { App } from '../../../electron/core/app';
import type { MicroscopeProfileSummary } from '../../../electron/contract';
import { listAuditOfEntity } from '../../../electron/core/db/audit.repo';
import { setSetting } from '../../../electron/core/db/settings.repo';
import { latestSignedNegativeCases } from '../../../electron/core/review/signed-negatives';
import { MICROSCOPE_PROFILE_SETTING, microscopeProfileOf } from '../../../electron/core/settings/microscope-profile-setting';
import { recordApp } from '../../support/record-fixtures';
import { seedSignedNegativeRecord, type SignedNegativeRecord } from '../../support/signed-negative-record';
import { tempDir } from '../../support/temp-dir';

let app: App;
let call: Awaited<ReturnType<typeof recordApp>>['call'];
let dir: string;

beforeAll(async () => {
  ({ app, call } = await recordApp());
  dir = tempDir('ana-signed-negatives-');
});
afterAll(async () => app?.close());

const profileSummary = async () => (await call('technologist', 'settings/microscope-profile', {})).value.profile as MicroscopeProfileSummary | null;

it('refuses to calibrate on signed negatives before a profile is set, and while the record holds none (conflict)', async () => {
  expect(await call('admin', 'settings/calibrate-screening', { signedNegatives: true })).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/microscope profile/) });
  expect(await call('admin', 'settings/update-microscope-profile', { name: 'scope-1', pixelSizeUm: 0.5 })).toMatchObject({ ok: true, value: { profile: { signedNegativeCases: 0 } } });
  expect(await call('admin', 'settings/calibrate-screening', { signedNegatives: true })).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/no case signed negative/) });
  // The request is one or the other, strictly.
  expect(await call('admin', 'settings/calibrate-screening', { signedNegatives: true, paths: ['/x.png'] })).toMatchObject({ ok: false, code: 'bad-request' });
  expect(await call('admin', 'settings/calibrate-screening', { signedNegatives: false })).toMatchObject({ ok: false, code: 'bad-request' });
});

let record: SignedNegativeRecord;

it('counts the cases signed negative now: the latest signature without a pattern, drafts and amended-away negatives not', async () => {
  record = await seedSignedNegativeRecord(app, call, dir);
  expect((await profileSummary())!.signedNegativeCases).toBe(3);
  // The latest signed first; the limit keeps the most recent.
  const latest = latestSignedNegativeCases(app.db);
  expect(latest.map((c) => c.caseId)).toEqual(record.negatives.map((a) => record.caseIds[a]));
  expect(latest[2]!.paths).toEqual(record.files['N-1']);
  expect(latestSignedNegativeCases(app.db, 2).map((c) => c.caseId)).toEqual([record.caseIds['N-3'], record.caseIds['N-2']]);
});

it('calibrates on the negative cases\' fields only (admin; a technologist is refused), lists a moved file, and audits the setting change', async () => {
  expect(await call('technologist', 'settings/calibrate-screening', { signedNegatives: true })).toMatchObject({ ok: false, code: 'forbidden' });
  expect(await call('physician', 'settings/calibrate-screening', { signedNegatives: true })).toMatchObject({ ok: false, code: 'forbidden' });
  const moved = record.files['N-2']![0]!;
  renameSync(moved, `${moved}.archived`);
  const auditBefore = listAuditOfEntity(app.db, 'setting', MICROSCOPE_PROFILE_SETTING).length;

  const result = await call('admin', 'settings/calibrate-screening', { signedNegatives: true });
  expect(result.ok).toBe(true);
  const summary = result.value.profile as MicroscopeProfileSummary;
  // N-1's two fields and N-3's one: four files taken (the positive, amended-away and unsigned cases' are not), N-2's moved one left out.
  expect(summary.calibration).toMatchObject({ basis: 'signed-negatives', negatives: 3, signedCases: 2, rejected: [{ path: moved, reason: expect.any(String) }] });
  expect(summary.calibration!.negativeAgreement).toBeGreaterThan(0);
  expect(summary.signedNegativeCases).toBe(3);

  const stored = microscopeProfileOf(app.db)!;
  expect(stored.screening).toMatchObject({ source: 'lab', basis: 'signed-negatives', cases: 2, negatives: 3 });
  const audit = listAuditOfEntity(app.db, 'setting', MICROSCOPE_PROFILE_SETTING);
  expect(audit).toHaveLength(auditBefore + 1);
  expect(audit.at(-1)).toMatchObject({ action: 'update', actor: 'admin' });
  expect(JSON.parse(audit.at(-1)!.newJson!)).toMatchObject({ screening: { basis: 'signed-negatives', cases: 2 } });
  expect(await profileSummary()).toMatchObject({ calibration: { basis: 'signed-negatives', signedCases: 2, negatives: 3 } });

  // Calibrating on files again records that basis.
  const byFiles = await call('admin', 'settings/calibrate-screening', { paths: record.files['N-1'] });
  expect(byFiles).toMatchObject({ ok: true, value: { profile: { calibration: { basis: 'files', signedCases: null, negatives: 2 } } } });

  // A calibration stored before the basis was recorded has none: it was made on files.
  const { basis: _basis, ...older } = microscopeProfileOf(app.db)!.screening!;
  setSetting(app.db, MICROSCOPE_PROFILE_SETTING, { ...microscopeProfileOf(app.db)!, screening: older });
  expect(microscopeProfileOf(app.db)!.screening).not.toHaveProperty('basis');
  expect(await profileSummary()).toMatchObject({ calibration: { basis: 'files', signedCases: null, negatives: 2 } });
});
