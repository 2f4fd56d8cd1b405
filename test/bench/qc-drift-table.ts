/**
 * The drift alarm's operating figures for docs/today.md, computed exactly (electron/core/qc/drift.ts,
 * exactAlarmRate: every day and baseline outcome summed): the false-alarm rate of one test on a
 * stable day and its power against shifted rates, for a few daily volumes, with the baseline the
 * 30 days before at the same volume and each test at 1 % / 9 (positivity + 8 patterns). Usage:
 *   bash tools/run npx tsx test/bench/qc-drift-table.ts
 */
import { DRIFT_FAMILY_ALPHA, exactAlarmRate } from '../../electron/core/qc/drift';

const perTest = DRIFT_FAMILY_ALPHA / 9;
const pct = (v: number) => `${(100 * v).toFixed(v < 0.01 ? 3 : 1)} %`;
const scenarios: { what: string; stable: number; shifted: number[] }[] = [
  { what: 'positivity 30 %', stable: 0.3, shifted: [0.4, 0.5, 0.6] },
  { what: 'a pattern at 10 %', stable: 0.1, shifted: [0.2, 0.3] },
];
console.log(`| rate on stable days | cases per day | false alarms per stable day | ${'detected when it becomes'} |`);
console.log('|---|---|---|---|');
for (const s of scenarios) {
  for (const n of [20, 40, 80]) {
    const fa = exactAlarmRate(n, 30 * n, s.stable, s.stable, perTest);
    const power = s.shifted.map((q) => `${(100 * q).toFixed(0)} %: ${pct(exactAlarmRate(n, 30 * n, q, s.stable, perTest))}`).join(' · ');
    console.log(`| ${s.what} | ${n} | ${pct(fa)} | ${power} |`);
  }
}
