/**
 * Does the bootstrap spread of (candidate − active) macro-F1 and mAP on one validation set say how
 * much that difference moves from one validation set to another? For each pair of rule 19's score
 * files: the standard deviation of the difference over DRAWS validation sets of N cases drawn from
 * the pool (what the lab cannot see), against the mean, over those sets, of the bootstrap standard
 * deviation the gate computes on each set alone (`pairedSpread`, what it reports), with RESAMPLES resamples.
 *   tsx spread.mts STYLE-far.json STYLE-070.json ...   (N=75 DRAWS=100 RESAMPLES=200)
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Random } from '../../../electron/core/random';
import { pairedSpread } from '../../../electron/core/training/finetune/validation-gate';
import { scoredReport, type ScoredReport } from '../../../electron/core/training/metrics/metrics';

const POOL = 300;
const N = Number(process.env.N ?? 75);
const DRAWS = Number(process.env.DRAWS ?? 100);
const RESAMPLES = Number(process.env.RESAMPLES ?? 200);

interface Scores { labels: string[]; truth: number[]; packages: { dir: string; thresholds: number[]; scores: number[] }[] }

/** Package p's report on `rows`, as the gate receives it. */
function scored(file: Scores, p: number, rows: readonly number[]): ScoredReport {
  const K = file.labels.length;
  const truth = new Float64Array(rows.length * K);
  const scores = new Float64Array(rows.length * K);
  rows.forEach((r, i) => {
    for (let k = 0; k < K; k++) {
      truth[i * K + k] = file.truth[r * K + k]!;
      scores[i * K + k] = file.packages[p]!.scores[r * K + k]!;
    }
  });
  return scoredReport({ truth, scores, imageCount: rows.length, labelCount: K }, file.labels, file.packages[p]!.thresholds);
}

const sd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const rows: string[] = [];
const ratios = { f1: [] as number[], map: [] as number[] };
for (const path of process.argv.slice(2)) {
  const file = JSON.parse(readFileSync(path, 'utf8')) as Scores;
  for (let p = 1; p < file.packages.length; p++) {
    const rng = new Random(20_000 + p);
    const across = { f1: [] as number[], map: [] as number[] };
    const within = { f1: [] as number[], map: [] as number[] };
    for (let d = 0; d < DRAWS; d++) {
      const ix = Array.from({ length: POOL }, (_, i) => i);
      for (let i = 0; i < N; i++) {
        const j = i + Math.floor(rng.next() * (POOL - i));
        [ix[i], ix[j]] = [ix[j]!, ix[i]!];
      }
      const drawn = ix.slice(0, N);
      const [c, a] = [scored(file, p, drawn), scored(file, 0, drawn)];
      across.f1.push(c.report.f1_macro - a.report.f1_macro);
      across.map.push(c.report.map - a.report.map);
      // What the gate reports on this set: the shipped function, not a copy of it.
      const spread = pairedSpread(c, a, RESAMPLES)!;
      within.f1.push(spread.f1_macro);
      within.map.push(spread.map);
    }
    // A candidate with the active version's ranking (thresholds only, or blend 0) has no mAP difference to spread.
    if (sd(across.f1) > 0) ratios.f1.push(mean(within.f1) / sd(across.f1));
    if (sd(across.map) > 0) ratios.map.push(mean(within.map) / sd(across.map));
    rows.push(`| ${basename(path, '.json')} ${basename(file.packages[p]!.dir)} | ${sd(across.f1).toFixed(3)} | ${mean(within.f1).toFixed(3)} | ${sd(across.map).toFixed(3)} | ${mean(within.map).toFixed(3)} |`);
  }
}
console.log(`| pair (${N} cases, ${DRAWS} sets, ${RESAMPLES} resamples) | SD of ΔF1 across sets | mean bootstrap SD of ΔF1 | SD of ΔmAP across sets | mean bootstrap SD of ΔmAP |`);
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
const q = (xs: number[]) => [...xs].sort((a, b) => a - b);
console.log(`bootstrap SD / SD across sets: macro-F1 median ${q(ratios.f1)[ratios.f1.length >> 1]!.toFixed(2)} (range ${q(ratios.f1)[0]!.toFixed(2)}–${q(ratios.f1).at(-1)!.toFixed(2)}), mAP median ${q(ratios.map)[ratios.map.length >> 1]!.toFixed(2)} (range ${q(ratios.map)[0]!.toFixed(2)}–${q(ratios.map).at(-1)!.toFixed(2)})`);
