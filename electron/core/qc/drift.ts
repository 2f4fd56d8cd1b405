/**
 * The drift alarm: is the day's rate (positivity, or one pattern's share) different from the lab's
 * trailing baseline by more than chance?
 *
 * Test: two-sided Fisher exact test on the 2×2 table (day vs baseline × with vs without the
 * finding), i.e. conditional on the total count, the day's count is hypergeometric under "same
 * rate". It needs no normal approximation (days have tens of cases, patterns a few each) and no
 * known rate: the baseline's own sampling error is part of the test, so the false-alarm rate holds
 * whatever the lab's true rate is. Being exact on discrete counts it is conservative: the real
 * false-alarm rate is at most the level, and `exactAlarmRate` computes it (and the power against a
 * shifted rate) by summing over every possible (day, baseline) outcome.
 *
 * The day runs one test for positivity and one per pattern; each at familyAlpha / tests
 * (Bonferroni), so a stable day raises any alarm with probability at most familyAlpha.
 * Assumes cases are independent (one patient per case), which daily runs of controls and
 * re-tested patients bend slightly; see docs/today.md.
 */

export interface Counts {
  /** Cases with the finding. */
  positive: number;
  /** Assessable cases. */
  total: number;
}

/** The designed false-alarm rate of a day, all tests together: one stable day in a hundred. */
export const DRIFT_FAMILY_ALPHA = 0.01;
/** The baseline window in calendar days before the day. */
export const BASELINE_DAYS = 30;
/** Fewer assessable baseline cases than this, or fewer days with cases, and nothing is tested. */
export const MIN_BASELINE_CASES = 50;
export const MIN_BASELINE_DAYS = 5;

export const DRIFT_TEST_WORDS =
  'two-sided Fisher exact test of the day against the trailing 30 days, one test for positivity and one per pattern, Bonferroni-corrected';

const logFactorials: number[] = [0];

function logFactorial(n: number): number {
  for (let k = logFactorials.length; k <= n; k++) logFactorials.push(logFactorials[k - 1]! + Math.log(k));
  return logFactorials[n]!;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** Relative tolerance when comparing outcome probabilities (as R's fisher.test does). */
const TIE_TOLERANCE = 1 + 1e-7;

/**
 * Two-sided Fisher exact p-value: the probability, given the total count, of a split at most as
 * likely as the observed one.
 */
export function fisherExactTwoSided(day: Counts, baseline: Counts): number {
  const n = day.total;
  const big = baseline.total;
  const m = day.positive + baseline.positive;
  const lo = Math.max(0, m - big);
  const hi = Math.min(n, m);
  const logDenominator = logChoose(n + big, m);
  const logP = (x: number) => logChoose(n, x) + logChoose(big, m - x) - logDenominator;
  const observed = logP(day.positive) + Math.log(TIE_TOLERANCE);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const lp = logP(x);
    if (lp <= observed) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

export interface DriftTest {
  pValue: number;
  alarm: boolean;
}

export function driftTest(day: Counts, baseline: Counts, alpha: number): DriftTest {
  const pValue = fisherExactTwoSided(day, baseline);
  return { pValue, alarm: pValue <= alpha };
}

function binomialPmf(n: number, p: number): Float64Array {
  const pmf = new Float64Array(n + 1);
  if (p <= 0 || p >= 1) {
    pmf[p <= 0 ? 0 : n] = 1;
    return pmf;
  }
  for (let k = 0; k <= n; k++) pmf[k] = Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p));
  return pmf;
}

/** Outcomes less likely than this are skipped in the exact sums (their total is far below any rate we report). */
const NEGLIGIBLE = 1e-13;

/**
 * Two-sided Fisher p-values of every split of `m` positives between a day of `dayTotal` and a
 * baseline of `baselineTotal` cases, indexed by the day's count (from `lo`): the same rule as
 * fisherExactTwoSided, for all splits at once (sort the outcome probabilities once, sum upwards).
 */
function splitPValues(dayTotal: number, baselineTotal: number, m: number): { lo: number; pValues: Float64Array } {
  const lo = Math.max(0, m - baselineTotal);
  const hi = Math.min(dayTotal, m);
  const logDenominator = logChoose(dayTotal + baselineTotal, m);
  const logP = Float64Array.from({ length: hi - lo + 1 }, (_, i) => logChoose(dayTotal, lo + i) + logChoose(baselineTotal, m - lo - i) - logDenominator);
  const order = Array.from(logP.keys()).sort((a, b) => logP[a]! - logP[b]!);
  const cumulative = new Float64Array(order.length);
  order.forEach((idx, j) => (cumulative[j] = (j ? cumulative[j - 1]! : 0) + Math.exp(logP[idx]!)));
  const pValues = new Float64Array(logP.length);
  for (let i = 0; i < logP.length; i++) {
    // The last outcome at most as likely as this one (with the same tolerance), by binary search.
    const limit = logP[i]! + Math.log(TIE_TOLERANCE);
    let a = 0;
    let b = order.length - 1;
    while (a < b) {
      const mid = (a + b + 1) >> 1;
      if (logP[order[mid]!]! <= limit) a = mid;
      else b = mid - 1;
    }
    pValues[i] = Math.min(1, cumulative[a]!);
  }
  return { lo, pValues };
}

/**
 * The probability that the test at `alpha` raises an alarm when the day has `dayTotal` cases at
 * rate `dayRate` and the baseline `baselineTotal` cases at `baselineRate`, summed exactly over every
 * outcome. With equal rates this is the false-alarm rate; with a shifted day rate, the power.
 * Outcomes are grouped by their total count, whose splits share one p-value table.
 */
export function exactAlarmRate(dayTotal: number, baselineTotal: number, dayRate: number, baselineRate: number, alpha: number): number {
  const dayPmf = binomialPmf(dayTotal, dayRate);
  const basePmf = binomialPmf(baselineTotal, baselineRate);
  const likely = (pmf: Float64Array) => {
    const ks = Array.from(pmf.keys()).filter((k) => pmf[k]! >= NEGLIGIBLE);
    return { min: ks[0]!, max: ks[ks.length - 1]! };
  };
  const d = likely(dayPmf);
  const b = likely(basePmf);
  let rate = 0;
  for (let m = d.min + b.min; m <= d.max + b.max; m++) {
    const { lo, pValues } = splitPValues(dayTotal, baselineTotal, m);
    for (let k = Math.max(d.min, m - b.max); k <= Math.min(d.max, m - b.min); k++) {
      if (pValues[k - lo]! <= alpha) rate += dayPmf[k]! * basePmf[m - k]!;
    }
  }
  return rate;
}
