/**
 * The day dashboard's figures from a real record: a seeded month (30 stable days at 30 % positive
 * and a day at 70 %), read and partly signed through the repositories and the review service.
 * The 'qc' channels, the PDF and `ana qc` give the same figures; the shifted day raises the alarm,
 * the stable day before it does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DayQc, ModelEvidence } from '../../../electron/contract';
import { dayQc } from '../../../electron/core/qc/day-qc';
import { loginAs, recordApp, seedReadCase } from '../../support/record-fixtures';
import { seedQcMonth, type QcMonth, type SignedOutcome } from '../../support/qc-days';
import { anaChild } from '../../support/ana-cli';

const DATE = '2026-11-30';
const MODEL = { modelId: 'ana-default', modelVersion: '0.4.0', provider: 'cpu' };

type Rec = Awaited<ReturnType<typeof recordApp>>;

async function seedMonth(dayRate: number, seed: number): Promise<{ rec: Rec; truth: QcMonth; seedMs: number }> {
  const rec = await recordApp();
  expect((await rec.call('admin', 'reports/update-settings', { patch: { timeZone: 'UTC' } })).ok).toBe(true);
  const physician = await loginAs(rec.app, 'seed-session', 'physician');
  const t0 = performance.now();
  const truth = await seedQcMonth(rec.app.db, physician, { date: DATE, casesPerDay: 20, dayCases: 30, stableRate: 0.3, dayRate, signedPerBaselineDay: 3, seed, model: MODEL });
  return { rec, truth, seedMs: performance.now() - t0 };
}

/** The positive row counted by hand (not with the code under test). */
function positiveRow(outcomes: SignedOutcome[]) {
  const count = (s: boolean, r: boolean) => outcomes.filter((o) => (o.suggested.length > 0) === s && (o.signed.length > 0) === r).length;
  return { truePositive: count(true, true), falsePositive: count(true, false), falseNegative: count(false, true), trueNegative: count(false, false) };
}

let shifted: { rec: Rec; truth: QcMonth; seedMs: number };

beforeAll(async () => {
  shifted = await seedMonth(0.7, 11);
});

afterAll(async () => {
  const dbPath = shifted?.rec.app.db.name;
  await shifted?.rec.app.close();
  if (dbPath) rmSync(dirname(dbPath), { recursive: true, force: true });
});

describe('the day dashboard on a month of record', () => {
  it('counts the day, tests it against the last 30 days and raises the positivity alarm', async () => {
    const { rec, truth } = shifted;
    const result = await rec.call('physician', 'qc/day', { date: DATE });
    expect(result.ok).toBe(true);
    const qc = result.value as DayQc;
    expect(qc.fields).toMatchObject({ read: 32, readable: 30, notAnalysed: 0, unfamiliar: truth.day.unfamiliar, assumedPixelSize: truth.day.assumedPixelSize });
    expect(truth.day.assumedPixelSize).toBe(3);
    expect(qc.fields.notReadable.map((r) => [r.reason, r.count]).sort()).toEqual([['blank', 1], ['out-of-focus', 1]]);
    expect(qc.cases).toEqual({ read: 32, assessable: 30 });
    expect(qc.positivity).toMatchObject({ count: truth.day.positive, total: truth.day.total, baselineCount: truth.baseline.positive, baselineTotal: truth.baseline.total, alarm: true });
    expect(qc.positivity.pValue!).toBeLessThan(qc.drift.perTestAlpha);
    expect(qc.drift).toMatchObject({ enoughHistory: true, baselineDaysWithCases: 30, tests: 9, familyFalseAlarmRate: 0.01, alarm: true });
    expect(qc.drift.alarms[0]).toMatch(/^Positivity up: .* over the last 30 days \(p = /);
    expect(qc.drift.positivityFalseAlarmRate!).toBeLessThan(qc.drift.perTestAlpha);
    // Agreement: every assessable case of the day was signed on the day.
    expect(qc.agreement.cases).toBe(truth.day.signed.length);
    expect(qc.agreement.rows[0]).toMatchObject({ key: 'positive', ...positiveRow(truth.day.signed) });
    expect(qc.models).toEqual({ active: null, usedToday: [{ modelId: 'ana-default', version: '0.4.0', provider: 'cpu', fields: 32 }] });
    expect(qc.readingTime.fields).toBe(32);
    expect(qc.readingTime.medianMs!).toBeGreaterThan(1000);
  });

  it('computes from the existing tables fast enough for a page (timed on the seeded month)', () => {
    const { rec, seedMs } = shifted;
    const runs = Array.from({ length: 5 }, () => {
      const t0 = performance.now();
      dayQc(rec.app.db, { date: DATE, timeZone: 'UTC' });
      return performance.now() - t0;
    }).sort((a, b) => a - b);
    console.log(`dayQc on 31 days (${30 * 21 + 32} cases): median ${runs[2]!.toFixed(0)} ms, min ${runs[0]!.toFixed(0)} ms (seeding took ${(seedMs / 1000).toFixed(1)} s)`);
    expect(runs[2]!).toBeLessThan(2000);
  });

  it("gives each version's confusion table over its signed cases", async () => {
    const { rec, truth } = shifted;
    const evidence = (await rec.call('physician', 'qc/model-evidence', {})).value as ModelEvidence[];
    expect(evidence).toHaveLength(1);
    expect(evidence[0]).toMatchObject({ modelId: 'ana-default', version: '0.4.0', cases: truth.signed.length, mixedVersionCases: 0 });
    expect(evidence[0]!.rows[0]).toMatchObject(positiveRow(truth.signed));
    const homogeneous = evidence[0]!.rows.find((r) => r.key === 'homogeneous')!;
    const tp = truth.signed.filter((o) => o.suggested.includes('homogeneous') && o.signed.includes('homogeneous')).length;
    const signedH = truth.signed.filter((o) => o.signed.includes('homogeneous')).length;
    expect(homogeneous.truePositive).toBe(tp);
    expect(homogeneous.sensitivity).toBeCloseTo(tp / signedH, 10);
  });

  it('prints the day as a PDF (same bytes twice) and refuses callers without a session', async () => {
    const { rec } = shifted;
    const a = (await rec.call('technologist', 'qc/day-pdf', { date: DATE })).value as { fileName: string; base64: string };
    const b = (await rec.call('physician', 'qc/day-pdf', { date: DATE })).value as { fileName: string; base64: string };
    expect(a.fileName).toBe(`day-qc-${DATE}.pdf`);
    expect(Buffer.from(a.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    expect(a.base64).toBe(b.base64);
    expect((await rec.call('anonymous', 'qc/day', { date: DATE })).code).toBe('unauthenticated');
    expect((await rec.call('physician', 'qc/day', { date: '2026-02-30' })).code).toBe('bad-request');
  });

  it('`ana qc` prints the same figures (JSON, text, PDF) and exits 3 on an alarm', async () => {
    const { rec } = shifted;
    const dbPath = rec.app.db.name;
    const pdf = join(dirname(dbPath), 'day.pdf');
    const ana = (...args: string[]) => anaChild(args);
    const json = ana('qc', '--day', DATE, '--db', dbPath, '--json', '--pdf', pdf);
    expect(json.status, json.stderr).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual((await rec.call('physician', 'qc/day', { date: DATE })).value);
    expect(existsSync(pdf) && readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const text = ana('qc', '--day', DATE, '--db', dbPath);
    expect(text.stdout).toMatch(/DRIFT ALARM\n  Positivity up: /);
    expect(text.stdout).toMatch(/Fields read: 32 \(readable 30\)/);
    expect(text.stdout).toContain("Read at the model's assumed pixel size (file states none, no microscope profile): 3");
    const evidence = ana('qc', 'evidence', '--version', '0.4.0', '--db', dbPath);
    expect(evidence.status, evidence.stderr).toBe(0);
    expect(evidence.stdout).toMatch(/^ana-default 0\.4\.0: \d+ signed cases/);
    expect(ana('qc', 'evidence', '--version', '9.9.9', '--db', dbPath).status).toBe(2);
  });
});

describe('a stable day', () => {
  it('raises no alarm on a day of the same month that kept the rate, and does not test a day without history', async () => {
    const { rec, truth } = shifted;
    const stable = (await rec.call('physician', 'qc/day', { date: '2026-11-29' })).value as DayQc;
    expect(stable.positivity.total).toBe(20);
    expect(stable.drift).toMatchObject({ enoughHistory: true, baselineDaysWithCases: 29, alarm: false, alarms: [] });
    expect(stable.positivity.baselineTotal + stable.positivity.total).toBe(truth.baseline.total);
    const first = (await rec.call('physician', 'qc/day', { date: '2026-10-31' })).value as DayQc;
    expect(first.drift.enoughHistory).toBe(false);
    expect(first.drift.note).toMatch(/^Not tested: the last 30 days hold 0 assessable cases on 0 days/);
  });
});

describe("the lab's calendar day", () => {
  it("counts a field read at 23:30 UTC on the next day in Berlin, and an empty day as empty", async () => {
    const rec = await recordApp();
    try {
      expect((await rec.call('admin', 'reports/update-settings', { patch: { timeZone: 'Europe/Berlin' } })).ok).toBe(true);
      // 2026-11-29 23:30 UTC is 2026-11-30 00:30 in Berlin (UTC+1); createdAt is received + 1 s.
      seedReadCase(rec.app.db, { accessionId: 'TZ-1', receivedAtMs: Date.parse('2026-11-29T23:30:00Z'), probabilities: { homogeneous: 0.9 } });
      const day = (await rec.call('physician', 'qc/day', { date: '2026-11-30' })).value as DayQc;
      expect(day).toMatchObject({ timeZone: 'Europe/Berlin', fields: { read: 1, notAnalysed: 1 }, cases: { read: 1, assessable: 1 } });
      expect(day.positivity).toMatchObject({ count: 1, total: 1, pValue: null, alarm: false });
      const before = (await rec.call('physician', 'qc/day', { date: '2026-11-29' })).value as DayQc;
      expect(before.fields.read).toBe(0);
      expect(before.positivity).toMatchObject({ total: 0, rate: null });
      expect(before.readingTime).toEqual({ fields: 0, medianMs: null, p90Ms: null, totalMs: 0 });
    } finally {
      const dbPath = rec.app.db.name;
      await rec.app.close();
      rmSync(dirname(dbPath), { recursive: true, force: true });
    }
  });
});

describe('what screening withheld', () => {
  it('counts the fields screened negative on which the model calls a pattern; such a case is not positive', async () => {
    const rec = await recordApp();
    try {
      expect((await rec.call('admin', 'reports/update-settings', { patch: { timeZone: 'UTC' } })).ok).toBe(true);
      const readable = { verdict: 'readable' as const, reason: null, cells: 40, mitoses: 1, focus: 0.3, saturatedFraction: 0, signalToBackground: 2 };
      const at = Date.parse('2026-11-30T09:00:00Z');
      const screened = (call: 'negative' | 'positive') => ({ call, positiveProbability: call === 'negative' ? 0.04 : 0.96, profile: 'generic' });
      seedReadCase(rec.app.db, { accessionId: 'W-1', receivedAtMs: at, probabilities: { mitochondrial: 0.97 }, quality: readable, screening: screened('negative') });
      seedReadCase(rec.app.db, { accessionId: 'W-2', receivedAtMs: at + 60_000, probabilities: { homogeneous: 0.9 }, quality: readable, screening: screened('positive') });
      seedReadCase(rec.app.db, { accessionId: 'W-3', receivedAtMs: at + 120_000, quality: readable, screening: screened('negative') });
      const day = (await rec.call('physician', 'qc/day', { date: '2026-11-30' })).value as DayQc;
      expect(day.fields).toMatchObject({ read: 3, readable: 3, withheld: 1 });
      expect(day.positivity).toMatchObject({ count: 1, total: 3 });
      const text = anaChild(['qc', '--day', '2026-11-30', '--db', rec.app.db.name]);
      expect(text.stdout).toContain('Screened negative, the model calls a pattern (not suggested): 1');
    } finally {
      const dbPath = rec.app.db.name;
      await rec.app.close();
      rmSync(dirname(dbPath), { recursive: true, force: true });
    }
  });
});
