import { describe, expect, it } from 'vitest';
import { scoredReport, type ScoredReport } from '../../../../../electron/core/training/metrics/metrics';
import { matchRecall, pairedSpread, validationGate } from '../../../../../electron/core/training/finetune/validation-gate';

/** Scores per label (one column each, same images) with the labels' truth, as the gate receives them from an evaluation. */
function scored(columns: Record<string, { truth: number[]; scores: number[]; threshold?: number }>): ScoredReport {
  const labels = Object.keys(columns);
  const n = columns[labels[0]!]!.truth.length;
  const K = labels.length;
  const truth = new Uint8Array(n * K);
  const scores = new Float64Array(n * K);
  labels.forEach((key, k) => {
    const c = columns[key]!;
    for (let i = 0; i < n; i++) {
      truth[i * K + k] = c.truth[i]!;
      scores[i * K + k] = c.scores[i]!;
    }
  });
  return scoredReport({ truth, scores, imageCount: n, labelCount: K }, labels, labels.map((key) => columns[key]!.threshold ?? 0.5));
}

// Ten validation cases: four positive, six negative.
const truth = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
/** A model that ranks positives first, calling positive above 0.5. */
const good = [0.9, 0.8, 0.7, 0.45, 0.4, 0.3, 0.2, 0.2, 0.1, 0.1];

describe('validation gate', () => {
  it('passes a candidate within every tolerance', () => {
    const active = scored({ a: { truth, scores: good }, c: { truth: truth.map(() => 0), scores: good } });
    const g = validationGate(scored({ a: { truth, scores: good.map((s) => s * 0.99) }, c: { truth: truth.map(() => 0), scores: good } }), active);
    expect(g.passed).toBe(true);
    expect(g.reasons).toEqual([]);
    expect(g.unjudgedClasses).toEqual(['c']);
    // At the active's specificity (no false positive) the candidate finds all four: its best threshold is below its own.
    expect(g.matchedRecall.a).toEqual({ specificity: 1, active: 0.75, candidate: 1, positives: 4 });
  });

  it('lets a better candidate replace an active model that calls everything positive (the old recall rule refused it)', () => {
    // The active version calls every case positive for both labels: recall 1 for the wrong reason, specificity 0, and it ranks badly.
    const bad = [0.7, 0.6, 0.9, 0.65, 0.95, 0.8, 0.6, 0.7, 0.85, 0.75];
    const active = scored({ a: { truth, scores: bad }, b: { truth: [...truth].reverse(), scores: bad } });
    // The candidate stops over-calling: fewer positives called, but ranked right.
    const candidate = scored({ a: { truth, scores: good }, b: { truth: [...truth].reverse(), scores: [...good].reverse() } });
    expect(active.report.per_class.a!.recall).toBe(1);
    // What the old rule compared: recall at each version's own threshold falls by 0.25 (> 0.05), so it refused.
    expect(candidate.report.per_class.a!.recall).toBe(0.75);
    expect(candidate.report.f1_macro).toBeGreaterThan(active.report.f1_macro + 0.2);
    const g = validationGate(candidate, active);
    expect(g.reasons).toEqual([]);
    expect(g.passed).toBe(true);
    expect(g.matchedRecall.a).toEqual({ specificity: 0, active: 1, candidate: 1, positives: 4 });
    expect(g.candidate.recall.a).toBe(0.75);
  });

  it('still refuses a candidate that truly loses recall at the same specificity', () => {
    const active = scored({ a: { truth, scores: good } });
    // Ranks one positive below two negatives: at the active's specificity (1: no false positive), it finds 2 of 4, not 3.
    const worse = [0.9, 0.8, 0.3, 0.2, 0.4, 0.35, 0.1, 0.1, 0.1, 0.1];
    const g = validationGate(scored({ a: { truth, scores: worse, threshold: 0.15 } }), active, { macroF1Drop: 1, mapDrop: 1, recallDrop: 0.05 });
    expect(g.passed).toBe(false);
    expect(g.matchedRecall.a).toEqual({ specificity: 1, active: 0.75, candidate: 0.5, positives: 4 });
    // The reason counts the cases: with few positives, one case is a large step of recall.
    expect(g.reasons).toEqual(["recall of a 0.500 (2 of 4 cases) is below the active model's 0.750 (3 of 4) by more than 0.05, at the active model's specificity 1.000"]);
    // Its own threshold calls more positives (recall 1), which the rule does not reward: that is bought with specificity.
    expect(g.candidate.recall.a).toBe(1);
  });

  it('matches specificity to the nearest step at or above, ties among negatives included', () => {
    const active = scored({ a: { truth, scores: [0.9, 0.8, 0.7, 0.6, 0.55, 0.3, 0.2, 0.2, 0.1, 0.1] } }); // 1 false positive of 6
    // Two negatives tie at 0.85: the candidate cannot keep exactly one false positive, so it must stay above both.
    const candidate = scored({ a: { truth, scores: [0.9, 0.86, 0.8, 0.7, 0.85, 0.85, 0.2, 0.2, 0.1, 0.1] } });
    const m = matchRecall(candidate, active, 0);
    expect(m.specificity).toBeCloseTo(5 / 6, 12);
    expect(m).toMatchObject({ active: 1, candidate: 0.5 });
  });

  it('a class without negative validation cases compares recall at own thresholds', () => {
    const all = truth.map(() => 1);
    const g = validationGate(scored({ a: { truth: all, scores: good } }), scored({ a: { truth: all, scores: good.map(() => 0.9) } }));
    expect(g.matchedRecall.a).toEqual({ specificity: null, active: 1, candidate: 0.3, positives: 10 });
    expect(g.reasons.at(-1)).toMatch(/^recall of a 0.300 .* each at its own threshold \(no negative validation case\)$/);
  });

  it('refuses drops of macro-F1 and mAP beyond tolerance, naming each reason', () => {
    const active = scored({ a: { truth, scores: good } });
    const g = validationGate(scored({ a: { truth, scores: [...good].reverse() } }), active);
    expect(g.passed).toBe(false);
    expect(g.reasons[0]).toMatch(/^macro-F1 0.000 is below the active model's 0.857/);
    expect(g.reasons[1]).toMatch(/^mAP/);
    expect(g.reasons[2]).toMatch(/^recall of a/);
  });

  describe('the spread of the differences', () => {
    // Forty cases: the active version ranks and calls them well; the candidate swaps a few.
    const many = Array.from({ length: 40 }, (_, i) => i % 3 === 0);
    const t = many.map((p) => (p ? 1 : 0));
    const activeScores = many.map((p, i) => (p ? 0.7 + (i % 5) * 0.05 : 0.3 - (i % 5) * 0.05));
    const candidateScores = activeScores.map((s, i) => (i % 7 === 0 ? 1 - s : s));

    it('is zero for a candidate that reads every case as the active version does', () => {
      const active = scored({ a: { truth: t, scores: activeScores } });
      expect(pairedSpread(active, active)).toEqual({ f1_macro: 0, map: 0, resamples: 200 });
    });

    it('is what the differences do over resamples of the cases, the same each time', () => {
      const [active, candidate] = [scored({ a: { truth: t, scores: activeScores } }), scored({ a: { truth: t, scores: candidateScores } })];
      const spread = pairedSpread(candidate, active)!;
      expect(spread).toEqual(pairedSpread(candidate, active));
      // The candidate gets 6 of the 40 cases wrong where the active gets none: the difference is large and moves by a few cases' worth.
      expect(spread.f1_macro).toBeGreaterThan(0.02);
      expect(spread.f1_macro).toBeLessThan(0.2);
      expect(spread.map).toBeGreaterThan(0.01);
      // More cases like these: the difference moves less (about 1/√4 with four times as many).
      const four = (col: number[]) => [...col, ...col, ...col, ...col];
      const more = pairedSpread(scored({ a: { truth: four(t), scores: four(candidateScores) } }), scored({ a: { truth: four(t), scores: four(activeScores) } }))!;
      expect(more.f1_macro / spread.f1_macro).toBeGreaterThan(0.35);
      expect(more.f1_macro / spread.f1_macro).toBeLessThan(0.65);
    });

    it('is not given when the two versions were not scored on the same cases', () => {
      const active = scored({ a: { truth: t, scores: activeScores } });
      expect(pairedSpread(scored({ a: { truth: t.slice(1), scores: activeScores.slice(1) } }), active)).toBeNull();
      expect(pairedSpread(scored({ a: { truth: [...t.slice(1), t[0]!], scores: activeScores } }), active)).toBeNull();
    });

    it("is said in the reason of a refusal on macro-F1 or mAP, and kept in the gate's record", () => {
      const [active, candidate] = [scored({ a: { truth: t, scores: activeScores } }), scored({ a: { truth: t, scores: candidateScores } })];
      const g = validationGate(candidate, active);
      expect(g.spread).toEqual(pairedSpread(candidate, active));
      expect(g.reasons[0]).toBe(`macro-F1 ${g.candidate.f1_macro.toFixed(3)} is below the active model's 1.000 by more than 0.01; on another 40 cases like these the difference would typically move by ${g.spread!.f1_macro.toFixed(3)}`);
      expect(g.reasons[1]).toMatch(/^mAP .* by more than 0.01; on another 40 cases like these the difference would typically move by 0\.\d{3}$/);
      // Without resamples (a measurement calling the gate thousands of times) the verdict is the same, without the figure.
      const bare = validationGate(candidate, active, undefined, 0);
      expect(bare.spread).toBeNull();
      expect(bare.passed).toBe(g.passed);
      expect(bare.reasons[0]).toBe(`macro-F1 ${g.candidate.f1_macro.toFixed(3)} is below the active model's 1.000 by more than 0.01`);
    });
  });

  it('custom tolerances apply', () => {
    const active = scored({ a: { truth, scores: good } });
    const slightlyWorse = scored({ a: { truth, scores: [0.9, 0.8, 0.45, 0.42, 0.44, 0.3, 0.2, 0.2, 0.1, 0.1] } });
    expect(validationGate(slightlyWorse, active).passed).toBe(false);
    expect(validationGate(slightlyWorse, active, { macroF1Drop: 0.5, mapDrop: 0.5, recallDrop: 0.5 }).passed).toBe(true);
  });
});
