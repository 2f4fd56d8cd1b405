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
 * The probability that the test at `alpha` raises an alarm when the day has `dayTotal` cases at
 * rate `dayRate` and the baseline `baselineTotal` cases at `baselineRate`, summed exactly over every
 * outcome. With equal rates this is the false-alarm rate; with a shifted day rate, the power.
 */
export function exactAlarmRate(dayTotal: number, baselineTotal: number, dayRate: number, baselineRate: number, alpha: number): number {
  const dayPmf = binomialPmf(dayTotal, dayRate);
  const basePmf = binomialPmf(baselineTotal, baselineRate);
  let rate = 0;
  for (let k = 0; k <= dayTotal; k++) {
    if (dayPmf[k]! < NEGLIGIBLE) continue;
    for (let b = 0; b <= baselineTotal; b++) {
      if (basePmf[b]! < NEGLIGIBLE) continue;
      if (fisherExactTwoSided({ positive: k, total: dayTotal }, { positive: b, total: baselineTotal }) <= alpha) rate += dayPmf[k]! * basePmf[b]!;
    }
  }
  return rate;
}
