/**
 * How long the day's figures take on a longer record: seeds DAYS days of CASES cases each before a
 * day (the seeded month of test/support/qc-days.ts, none signed before the day), then times dayQc
 * (the Today page, the PDF and `ana qc` all call it) five times and prints the median with the
 * load average beside it. Usage:
 *   bash tools/run npx tsx test/bench/qc-day-bench.ts [DAYS=120] [CASES=40]
 */
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { rmSync } from 'node:fs';
import { dayQc } from '../../electron/core/qc/day-qc';
import { loginAs, recordApp } from '../support/record-fixtures';
import { seedQcMonth } from '../support/qc-days';

const days = Number(process.argv[2] ?? 120);
const cases = Number(process.argv[3] ?? 40);
const rec = await recordApp();
try {
  const physician = await loginAs(rec.app, 'bench', 'physician');
  const t0 = performance.now();
  await seedQcMonth(rec.app.db, physician, {
    date: '2026-11-30',
    casesPerDay: cases,
    dayCases: cases,
    stableRate: 0.3,
    dayRate: 0.3,
    signedPerBaselineDay: 0,
    seed: 5,
    daysBefore: days,
    model: { modelId: 'ana-default', modelVersion: '0.4.0', provider: 'cpu' },
  });
  const seedS = (performance.now() - t0) / 1000;
  const runs = Array.from({ length: 5 }, () => {
    const t = performance.now();
    dayQc(rec.app.db, { date: '2026-11-30', timeZone: 'UTC' });
    return performance.now() - t;
  }).sort((a, b) => a - b);
  const readings = (rec.app.db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;
  console.log(
    `dayQc over a record of ${days + 1} days, ${readings} readings: median ${runs[2]!.toFixed(0)} ms, min ${runs[0]!.toFixed(0)} ms ` +
      `(load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; seeding ${seedS.toFixed(0)} s)`,
  );
} finally {
  const dbPath = rec.app.db.name;
  await rec.app.close();
  rmSync(dirname(dbPath), { recursive: true, force: true });
}
