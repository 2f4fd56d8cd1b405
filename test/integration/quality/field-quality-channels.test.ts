/** The field-quality channels over a real reading by the real model: cells and verdict, worklist columns, Settings calibration. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { join } from 'node:path';
import { createApp, type App } from '../../../electron/core/app';
import { defaultModelDir, projectRoot } from '../../../electron/core/paths';
import type { CaseDetail, CaseListItem, MicroscopeProfileSummary, ReadingCells } from '../../../electron/contract';
import { loginAs, seedTestUsers } from '../../support/record-fixtures';
import { tempDir } from '../../support/temp-dir';

let app: App;
const tech = { sessionId: 'fq-tech' };
const admin = { sessionId: 'fq-admin' };
const slidePath = join(projectRoot(), 'test/fixtures/slides/A2026-0001_F1.png');

beforeAll(async () => {
  app = await createApp({ dbPath: join(tempDir('ana-fq-'), 'ana.db'), modelDir: defaultModelDir(), version: 'test', providers: ['cpu'], log: () => {} });
  await app.readFiles([slidePath]);
  await seedTestUsers(app.db);
  await loginAs(app, tech.sessionId, 'technologist');
  await loginAs(app, admin.sessionId, 'admin');
}, 120_000);

afterAll(async () => app?.close());

it('returns the reading\'s cell outlines with its verdict, and the worklist carries the field-quality columns', async () => {
  const detail = ((await app.handle('cases/get', { caseId: 1 }, tech)) as { ok: true; value: CaseDetail }).value;
  const reading = detail.readings[0]!;
  expect(reading.quality).toMatchObject({ verdict: 'readable', reason: null });
  expect(reading.screening).toMatchObject({ call: expect.stringMatching(/^(negative|positive)$/), profile: 'generic' });
  const cells = ((await app.handle('viewer/reading-cells', { readingId: reading.id }, tech)) as { ok: true; value: ReadingCells }).value;
  expect(cells.quality).toEqual(reading.quality);
  expect(cells.cells).toHaveLength(reading.quality!.cells + reading.quality!.mitoses);
  const slide = detail.slides[0]!;
  for (const c of cells.cells) {
    const xs = c.polygon.filter((_, i) => i % 2 === 0);
    expect(Math.max(...xs)).toBeLessThanOrEqual(slide.widthPx);
  }
  const list = ((await app.handle('cases/list', {}, tech)) as { ok: true; value: CaseListItem[] }).value;
  expect(list[0]).toMatchObject({ notReadable: [], screening: reading.screening!.call, unfamiliar: expect.any(Boolean) });
}, 60_000);

it('calibrates screening on negative-control files from Settings (admin), once a microscope profile is set', async () => {
  expect(await app.handle('settings/calibrate-screening', { paths: [slidePath] }, admin)).toMatchObject({ ok: false, code: 'conflict' });
  expect(await app.handle('settings/update-microscope-profile', { name: 'scope-1', pixelSizeUm: 0.5 }, tech)).toMatchObject({ ok: false, code: 'forbidden' });
  expect(await app.handle('settings/update-microscope-profile', { name: 'scope-1', pixelSizeUm: 0.5 }, admin)).toMatchObject({ ok: true, value: { profile: { name: 'scope-1', calibration: null } } });
  const result = (await app.handle('settings/calibrate-screening', { paths: [slidePath, join(projectRoot(), 'no-such-file.png')] }, admin)) as { ok: true; value: { profile: MicroscopeProfileSummary } };
  expect(result.ok).toBe(true);
  expect(result.value.profile.calibration).toMatchObject({ negatives: 1, negativeAgreement: 1, rejected: [{ path: expect.stringMatching(/no-such-file\.png/) }] });
  expect(await app.handle('settings/microscope-profile', {}, tech)).toMatchObject({ ok: true, value: { profile: { name: 'scope-1', pixelSizeUm: 0.5, calibration: { negatives: 1 } } } });
}, 60_000);
