/**
 * The drift alarm's statistics: the Fisher exact p-value against published values, the designed
 * false-alarm rate on simulated stable days (seeded), and the power against a shifted positivity
 * rate. "Within" means inside a 99.9 % normal-approximation interval of the exact rate for the
 * number of simulated days, so the test fails for a wrong test statistic, not for bad luck
 * (at most one run in a thousand, and the seed is fixed).
 */
import { describe, expect, it } from 'vitest';
import { DRIFT_FAMILY_ALPHA, driftTest, exactAlarmRate, fisherExactTwoSided, type Counts } from '../../../../electron/core/qc/drift';
import { Random } from '../../../../electron/core/random';

const Z_999 = 3.29;

function expectWithinBinomialInterval(observedCount: number, trials: number, rate: number): void {
  const halfWidth = Z_999 * Math.sqrt((rate * (1 - rate)) / trials);
  expect(observedCount / trials).toBeGreaterThanOrEqual(rate - halfWidth);
  expect(observedCount / trials).toBeLessThanOrEqual(rate + halfWidth);
}

function draw(random: Random, total: number, rate: number): Counts {
  let positive = 0;
  for (let i = 0; i < total; i++) if (random.next() < rate) positive++;
  return { positive, total };
}

const CASES_PER_DAY = 40;
const BASELINE_CASES = 30 * CASES_PER_DAY;
const STABLE_RATE = 0.3;

describe('Fisher exact test', () => {
  it('matches published two-sided p-values', () => {
    // Fisher's tea tasting: 3 of 4 vs 1 of 4 → p = 0.4857 (R: fisher.test(matrix(c(3,1,1,3), 2))).
    expect(fisherExactTwoSided({ positive: 3, total: 4 }, { positive: 1, total: 4 })).toBeCloseTo(0.485714, 5);
    // 1 of 12 vs 9 of 12 → p = 0.002759 (R: fisher.test(matrix(c(1,11,9,3), 2))).
    expect(fisherExactTwoSided({ positive: 1, total: 12 }, { positive: 9, total: 12 })).toBeCloseTo(0.0027594, 6);
    // Same proportion: nothing to see.
    expect(fisherExactTwoSided({ positive: 12, total: 40 }, { positive: 360, total: 1200 })).toBeCloseTo(1, 6);
  });
});

describe('drift alarm on simulated days', () => {
  it('raises false alarms on stable days at the exact rate, below the designed level', () => {
    const alpha = 0.01;
    const designed = exactAlarmRate(CASES_PER_DAY, BASELINE_CASES, STABLE_RATE, STABLE_RATE, alpha);
    // Exact tests on counts are conservative: the real rate is below the level, not far below.
    expect(designed).toBeLessThanOrEqual(alpha);
    expect(designed).toBeGreaterThan(alpha / 2);
    const random = new Random(20_26_12_02);
    const days = 4000;
    let alarms = 0;
    for (let d = 0; d < days; d++) {
      if (driftTest(draw(random, CASES_PER_DAY, STABLE_RATE), draw(random, BASELINE_CASES, STABLE_RATE), alpha).alarm) alarms++;
    }
    expectWithinBinomialInterval(alarms, days, designed);
  });

  it('keeps the whole day (positivity and 8 patterns, Bonferroni) at or below 1 % false alarms', () => {
    // Each case: negative, or positive with one of 8 patterns at these shares.
    const shares = [0.3, 0.25, 0.1, 0.05, 0.1, 0.05, 0.1, 0.05];
    const perTest = DRIFT_FAMILY_ALPHA / (1 + shares.length);
    const random = new Random(7);
    const drawDay = (n: number) => {
      const positive = new Array<number>(shares.length).fill(0);
      let any = 0;
      for (let i = 0; i < n; i++) {
        if (random.next() >= STABLE_RATE) continue;
        any++;
        let u = random.next();
        const k = shares.findIndex((s) => (u -= s) < 0);
        positive[k === -1 ? shares.length - 1 : k]!++;
      }
      return { any, positive, n };
    };
    const days = 3000;
    let alarmedDays = 0;
    for (let d = 0; d < days; d++) {
      const day = drawDay(CASES_PER_DAY);
      const base = drawDay(BASELINE_CASES);
      const tests = [driftTest({ positive: day.any, total: day.n }, { positive: base.any, total: base.n }, perTest)];
      shares.forEach((_, k) => tests.push(driftTest({ positive: day.positive[k]!, total: day.n }, { positive: base.positive[k]!, total: base.n }, perTest)));
      if (tests.some((t) => t.alarm)) alarmedDays++;
    }
    // One-sided: the observed share's 99.9 % interval must reach down to the designed 1 % or below.
    expect(alarmedDays / days - Z_999 * Math.sqrt((DRIFT_FAMILY_ALPHA * (1 - DRIFT_FAMILY_ALPHA)) / days)).toBeLessThanOrEqual(DRIFT_FAMILY_ALPHA);
  });

  it('detects a day whose positivity rose from 30 % to 60 % with the stated power (0.70 at 40 cases)', () => {
    const perTest = DRIFT_FAMILY_ALPHA / 9;
    const shifted = 0.6;
    const power = exactAlarmRate(CASES_PER_DAY, BASELINE_CASES, shifted, STABLE_RATE, perTest);
    expect(power).toBeGreaterThanOrEqual(0.7); // docs/today.md states 0.70
    const random = new Random(99);
    const days = 1000;
    let detected = 0;
    for (let d = 0; d < days; d++) {
      if (driftTest(draw(random, CASES_PER_DAY, shifted), draw(random, BASELINE_CASES, STABLE_RATE), perTest).alarm) detected++;
    }
    expectWithinBinomialInterval(detected, days, power);
  });
});
