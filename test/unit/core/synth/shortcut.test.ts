/**
 * The shortcut test: a classifier that sees only global intensity statistics of a field (mean,
 * std, percentiles, their logs and ratios) must not recognise the patterns (macro-F1 < 0.4),
 * while the same fields' patterns stay measurable per cell (pattern-statistics.test.ts).
 * Default size keeps the suite fast; a larger run:
 *   SYNTH_SHORTCUT_FIELDS=500 SYNTH_SHORTCUT_SIZE=1024x768 npx vitest run test/unit/core/synth/shortcut.test.ts
 */
import { describe, expect, it } from 'vitest';
import { generateField, STYLE_NAMES } from '../../../../electron/core/synth';
import { intensityFeatures, shortcutMacroF1, type Example } from '../../../support/synth/intensity-shortcut';

const COUNT = Number(process.env.SYNTH_SHORTCUT_FIELDS ?? 120);
const [WIDTH, HEIGHT] = (process.env.SYNTH_SHORTCUT_SIZE ?? '448x336').split('x').map(Number) as [number, number];
const PIXEL_SIZE_UM = Number(process.env.SYNTH_SHORTCUT_PIXEL_SIZE ?? 0.65);
const FOLDS = 4;
/** Per lab style: few small fields keep the suite fast (SYNTH_SHORTCUT_STYLE_FIELDS for a larger run). */
const STYLE_COUNT = Number(process.env.SYNTH_SHORTCUT_STYLE_FIELDS ?? 32);
const STYLES = STYLE_NAMES.filter((s) => s !== 'classic');

function crossValidated(examples: Example[]): { logistic: number; knn: number; alwaysPositive: number } {
  const scores = { logistic: 0, knn: 0, alwaysPositive: 0 };
  for (let fold = 0; fold < FOLDS; fold++) {
    const r = shortcutMacroF1(examples.filter((_, i) => i % FOLDS !== fold), examples.filter((_, i) => i % FOLDS === fold));
    scores.logistic += r.logistic / FOLDS;
    scores.knn += r.knn / FOLDS;
    scores.alwaysPositive += r.alwaysPositive / FOLDS;
  }
  return scores;
}

describe('global intensity statistics do not reveal the pattern', () => {
  it(`macro-F1 of intensity-only classifiers < 0.4 (${COUNT} fields ${WIDTH}x${HEIGHT}, ${FOLDS}-fold)`, { timeout: 600_000 }, () => {
    const examples: Example[] = [];
    for (let seed = 0; seed < COUNT; seed++) {
      const f = generateField({ widthPx: WIDTH, heightPx: HEIGHT, pixelSizeUm: PIXEL_SIZE_UM }, 50_000 + seed);
      examples.push({ features: intensityFeatures(f.fitc), labels: f.labels });
    }
    const scores = crossValidated(examples);
    console.log(`shortcut macro-F1: logistic ${scores.logistic.toFixed(3)}, kNN ${scores.knn.toFixed(3)}, always-positive ${scores.alwaysPositive.toFixed(3)}`);
    expect(scores.logistic).toBeLessThan(0.4);
    expect(scores.knn).toBeLessThan(0.4);
  });

  it('the classifier is able to find a brightness shortcut when one exists', () => {
    // Control: make one pattern systematically brighter and the same classifier must find it.
    const examples: Example[] = [];
    for (let seed = 0; seed < 40; seed++) {
      const labels = seed % 2 === 0 ? ['speckled'] : ['centromere'];
      const f = generateField({ widthPx: 256, heightPx: 192, pixelSizeUm: 0.65, labels, intensity: labels[0] === 'speckled' ? 1 : 0.15 }, 70_000 + seed);
      examples.push({ features: intensityFeatures(f.fitc), labels });
    }
    expect(crossValidated(examples).logistic).toBeGreaterThan(0.8);
  });

  // Every lab style draws its own optics, camera and artefacts; none may tie brightness to the pattern.
  it.each(STYLES)(`style %s: macro-F1 of intensity-only classifiers < 0.4 (${STYLE_COUNT} fields 256x192, ${FOLDS}-fold)`, { timeout: 600_000 }, (style) => {
    const examples: Example[] = [];
    for (let seed = 0; seed < STYLE_COUNT; seed++) {
      const f = generateField({ widthPx: 256, heightPx: 192, style }, 50_000 + seed);
      examples.push({ features: intensityFeatures(f.fitc), labels: f.labels });
    }
    const scores = crossValidated(examples);
    console.log(`shortcut macro-F1 (${style}): logistic ${scores.logistic.toFixed(3)}, kNN ${scores.knn.toFixed(3)}, always-positive ${scores.alwaysPositive.toFixed(3)}`);
    expect(scores.logistic).toBeLessThan(0.4);
    expect(scores.knn).toBeLessThan(0.4);
  });
});
