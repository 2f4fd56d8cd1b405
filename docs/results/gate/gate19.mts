/**
 * Rule 19, step 2: the validation gate's verdicts on drawn validation sets against its verdict on
 * the truth fields, for the shipped gate (G0), the two alternatives of rule19.md (G1, G3), its
 * addendum's G0+ and rule 20's GS.
 *   tsx gate19.mts STYLE-far.json STYLE-070.json ...   (from score.mts)
 * Rows 0..POOL-1 of each file are the pool the validation cases are drawn from, the rest the truth.
 * G0+ needs STYLE-FAMILY-signed.json beside each file (the same packages on the signed fields they trained on).
 * DRAWS validation sets (400) of each size in SIZES (25,50,75) per pair; DETAIL=1 prints every pair.
 * SPREAD=1 adds rule 20's GS (the metric rules refuse only a drop larger than the gate's spread too;
 * 200 resamples a draw, so run it with DRAWS=100 SIZES=75).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Random } from '../../../electron/core/random';
import { scoredReport, type ScoredReport } from '../../../electron/core/training/metrics/metrics';
import { matchRecall, pairedSpread, validationGate, type GateResult, type GateSpread } from '../../../electron/core/training/finetune/validation-gate';

const POOL = Number(process.env.POOL ?? 300);
const DRAWS = Number(process.env.DRAWS ?? 400);
const SIZES = (process.env.SIZES ?? '25,50,75').split(',').map(Number);
const DECIDE_AT = 75;
const WITH_SPREAD = Boolean(process.env.SPREAD);
const ALL_GATES = ['G0', 'G1', 'G3', 'G0+', 'GS'] as const;
type Gate = (typeof ALL_GATES)[number];
const GATES: readonly Gate[] = WITH_SPREAD ? ALL_GATES : ALL_GATES.filter((g) => g !== 'GS');

interface Scores { labels: string[]; truth: number[]; packages: { dir: string; version: string; thresholds: number[]; scores: number[] }[] }

/** The verdict of each gate from one comparison: the metric rules as shipped; the recall rule as shipped (G0), needing two lost cases (G1), or five positives (G3). */
function verdicts(g: GateResult, leftOutLost: readonly string[] = [], spread: GateSpread | null = null): Record<Gate, boolean> & { why: string[]; kinds: string[] } {
  const { macroF1Drop, mapDrop, recallDrop } = g.tolerances;
  const metric = g.candidate.f1_macro < g.active.f1_macro - macroF1Drop || g.candidate.map < g.active.map - mapDrop;
  // GS (rule 20): a drop refuses only when it is larger than the tolerance and than the gate's spread of that difference.
  const beyond = (drop: number, tolerance: number, by: number | undefined) => drop > tolerance && drop > (by ?? 0);
  const metricGS = beyond(g.active.f1_macro - g.candidate.f1_macro, macroF1Drop, spread?.f1_macro) || beyond(g.active.map - g.candidate.map, mapDrop, spread?.map);
  const losses = Object.entries(g.matchedRecall).filter(([, m]) => m.candidate < m.active - recallDrop);
  const lost = (m: (typeof losses)[number][1]) => Math.round((m.active - m.candidate) * m.positives);
  const v = {
    G0: !metric && losses.length === 0,
    G1: !metric && losses.every(([, m]) => lost(m) < 2),
    G3: !metric && losses.every(([, m]) => m.positives < 5),
    // G0+: the left-out patterns are judged on every signed case (leftOutLost), the others as G0.
    'G0+': !metric && leftOutLost.length === 0 && losses.every(([k]) => leftOut.has(k)),
    GS: !metricGS && losses.length === 0,
    kinds: [
      ...(metric ? ['macro-F1 or mAP'] : []),
      ...losses.map(([, m]) => (m.positives < 5 ? 'recall, fewer than 5 positives' : lost(m) < 2 ? 'recall, one case of 5 or more' : 'recall, two cases or more')),
    ],
    why: [
      ...(g.candidate.f1_macro < g.active.f1_macro - macroF1Drop ? ['macro-F1'] : []),
      ...(g.candidate.map < g.active.map - mapDrop ? ['mAP'] : []),
      ...losses.map(([k, m]) => `recall ${k} (${lost(m)} of ${m.positives})`),
    ],
  };
  if (v.G0 !== g.passed) throw new Error('G0 disagrees with the shipped gate');
  return v;
}

/** Package p's report on `rows` of `file`, and on every row of `also` after them (the signed fields). */
function scored(file: Scores, p: number, rows: readonly number[], also?: Scores): ScoredReport {
  const K = file.labels.length;
  const extra = also ? also.truth.length / K : 0;
  const n = rows.length + extra;
  const truth = new Float64Array(n * K);
  const scores = new Float64Array(n * K);
  const put = (from: Scores, r: number, i: number) => {
    for (let k = 0; k < K; k++) {
      truth[i * K + k] = from.truth[r * K + k]!;
      scores[i * K + k] = from.packages[p]!.scores[r * K + k]!;
    }
  };
  rows.forEach((r, i) => put(file, r, i));
  for (let r = 0; r < extra; r++) put(also!, r, rows.length + r);
  return scoredReport({ truth, scores, imageCount: n, labelCount: K }, file.labels, file.packages[p]!.thresholds);
}

/** The left-out patterns whose recall at matched specificity falls by more than the tolerance on the validation rows and every signed field. */
function leftOutLosses(file: Scores, signed: Scores, p: number, rows: readonly number[], leftOut: ReadonlySet<string>, recallDrop: number): string[] {
  if (leftOut.size === 0) return [];
  const [c, a] = [scored(file, p, rows, signed), scored(file, 0, rows, signed)];
  return file.labels.filter((key, k) => leftOut.has(key) && a.report.per_class[key]!.support > 0 && (({ candidate, active }) => candidate < active - recallDrop)(matchRecall(c, a, k)));
}

let leftOut: ReadonlySet<string> = new Set();

function draw(rng: Random, n: number, from: number): number[] {
  const all = Array.from({ length: from }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rng.next() * (from - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, n);
}

interface Pair { name: string; family: string; truthPass: boolean; truthWhy: string[]; truthF1: number; pass: Record<number, Record<Gate, number>>; g0Why: Map<string, number> }

const pairs: Pair[] = [];
const noSigned: string[] = [];
for (const path of process.argv.slice(2)) {
  const file = JSON.parse(readFileSync(path, 'utf8')) as Scores;
  const signedPath = path.replace(/\.json$/, '-signed.json');
  const signed = existsSync(signedPath) ? (JSON.parse(readFileSync(signedPath, 'utf8')) as Scores) : null;
  if (signed && signed.packages.map((q) => q.dir).join() !== file.packages.map((q) => q.dir).join()) throw new Error(`${signedPath}: not the packages of ${path}`);
  const rows = file.truth.length / file.labels.length;
  const truthRows = Array.from({ length: rows - POOL }, (_, i) => POOL + i);
  const activeTruth = scored(file, 0, truthRows);
  if (!signed) noSigned.push(path);
  for (let p = 1; p < file.packages.length; p++) {
    const manifest = JSON.parse(readFileSync(join(file.packages[p]!.dir, 'manifest.json'), 'utf8'));
    leftOut = new Set<string>(manifest.provenance?.training?.untrainedLabels ?? []);
    const truthGate = validationGate(scored(file, p, truthRows), activeTruth, undefined, 0);
    const t = verdicts(truthGate);
    const pair: Pair = { name: `${basename(path, '.json')} ${basename(file.packages[p]!.dir)}`, family: basename(path, '.json').split('-').pop()!, truthPass: t.G0, truthWhy: t.why, truthF1: truthGate.candidate.f1_macro - truthGate.active.f1_macro, pass: {}, g0Why: new Map() };
    for (const n of SIZES) {
      const rng = new Random(19_000 + n);
      const count: Record<Gate, number> = { G0: 0, G1: 0, G3: 0, 'G0+': 0, GS: 0 };
      for (let d = 0; d < DRAWS; d++) {
        const ix = draw(rng, n, POOL);
        const [c, a] = [scored(file, p, ix), scored(file, 0, ix)];
        const g = validationGate(c, a, undefined, 0);
        const v = verdicts(g, signed ? leftOutLosses(file, signed, p, ix, leftOut, g.tolerances.recallDrop) : [...leftOut].filter((k) => k in g.matchedRecall && g.matchedRecall[k]!.candidate < g.matchedRecall[k]!.active - g.tolerances.recallDrop), WITH_SPREAD ? pairedSpread(c, a) : null);
        for (const g of GATES) count[g] += v[g] ? 1 : 0;
        if (n === DECIDE_AT && !v.G0) for (const w of new Set(v.kinds)) pair.g0Why.set(w, (pair.g0Why.get(w) ?? 0) + 1);
      }
      pair.pass[n] = { G0: count.G0 / DRAWS, G1: count.G1 / DRAWS, G3: count.G3 / DRAWS, 'G0+': count['G0+'] / DRAWS, GS: count.GS / DRAWS };
    }
    pairs.push(pair);
  }
}

if (noSigned.length) console.log(`no signed scores beside ${noSigned.join(', ')}: G0+ is G0 there`);
const f = (x: number) => x.toFixed(3);
const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
if (process.env.DETAIL) {
  for (const p of pairs) console.log(`${p.name.padEnd(58)} truth ${p.truthPass ? 'pass' : 'FAIL'} ΔF1 ${f(p.truthF1)} ${p.truthWhy.join('; ')} | pass@${DECIDE_AT} ${GATES.map((g) => `${g} ${f(p.pass[DECIDE_AT]![g])}`).join(' ')}`);
}
for (const family of ['all', ...new Set(pairs.map((p) => p.family))]) {
  const of = pairs.filter((p) => family === 'all' || p.family === family);
  const good = of.filter((p) => p.truthPass), bad = of.filter((p) => !p.truthPass);
  console.log(`\n${family}: ${of.length} pairs, ${good.length} truly passing, ${bad.length} truly failing`);
  console.log('| cases | gate | false refusal | false pass | ΔF1 after the gate | truly failing put in force |');
  console.log('|---|---|---|---|---|---|');
  for (const n of SIZES) {
    for (const g of GATES) {
      const after = mean(of.map((p) => p.pass[n]![g] * p.truthF1));
      console.log(`| ${n} | ${g} | ${f(mean(good.map((p) => 1 - p.pass[n]![g])))} | ${f(mean(bad.map((p) => p.pass[n]![g])))} | ${f(after)} | ${f(mean(of.map((p) => (p.truthPass ? 0 : p.pass[n]![g]))))} |`);
    }
  }
  console.log(`| truth | — | — | — | ${f(mean(of.map((p) => (p.truthPass ? p.truthF1 : 0))))} (the truth gate's own choice) | 0 |`);
  const refusals = good.reduce((a, p) => a + DRAWS * (1 - p.pass[DECIDE_AT]!.G0), 0);
  const kinds = new Map<string, number>();
  for (const p of good) for (const [k, c] of p.g0Why) kinds.set(k, (kinds.get(k) ?? 0) + c);
  console.log(`G0's ${Math.round(refusals)} refusals of truly passing pairs at ${DECIDE_AT} cases, by what refused (a draw may count twice): ${[...kinds].map(([k, c]) => `${k} ${f(c / Math.max(1, refusals))}`).join('; ')}`);
}
