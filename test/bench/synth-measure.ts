/**
 * Figures for docs/synth.md: each pattern's defining statistic on generated cells (medians over
 * isolated interphase cells of one 1024×768 field per pattern, intensity 0.9) and the shortcut
 * classifiers' macro-F1 on full-size fields.
 *   npx tsx test/bench/synth-measure.ts [shortcutFields=500]
 */
import { LABEL_KEYS } from '../../electron/contract/labels';
import { generateField, type CellTruth, type SynthField } from '../../electron/core/synth';
import * as m from '../support/synth/cell-measure';
import { intensityFeatures, shortcutMacroF1, type Example } from '../support/synth/intensity-shortcut';

const shortcutFields = Number(process.argv[2] ?? 500);
const stats: [string, (f: SynthField, c: CellTruth, bg: number) => number][] = [
  ['dots/nucleus', (f, c) => m.dotCount(f, c)],
  ['blobs/nucleus', (f, c) => m.blobCount(f, c)],
  ['rim/centre', m.rimToCentreRatio],
  ['cytoplasm/nucleus', m.cytoplasmToNucleusRatio],
  ['one-sidedness', (f, c, bg) => m.oneSidedness(f, c, bg).resultant],
  ['nucleoplasm CV', m.nucleoplasmCv],
];
console.log(`| pattern | cells | ${stats.map(([name]) => name).join(' | ')} |`);
console.log(`|---|---|${stats.map(() => '---').join('|')}|`);
for (const key of LABEL_KEYS) {
  const f = generateField({ widthPx: 1024, heightPx: 768, labels: [key], intensity: 0.9 }, 21);
  const bg = m.fieldBackground(f);
  const cells = m.isolatedCells(f);
  console.log(`| ${key} | ${cells.length} | ${stats.map(([, fn]) => m.median(cells.map((c) => fn(f, c, bg))).toFixed(2)).join(' | ')} |`);
}

const examples: Example[] = [];
const started = performance.now();
for (let seed = 0; seed < shortcutFields; seed++) {
  const f = generateField({ widthPx: 1024, heightPx: 768 }, 90_000 + seed);
  examples.push({ features: intensityFeatures(f.fitc), labels: f.labels });
}
const folds = 5;
const score = { logistic: 0, knn: 0, alwaysPositive: 0 };
for (let fold = 0; fold < folds; fold++) {
  const r = shortcutMacroF1(examples.filter((_, i) => i % folds !== fold), examples.filter((_, i) => i % folds === fold));
  score.logistic += r.logistic / folds;
  score.knn += r.knn / folds;
  score.alwaysPositive += r.alwaysPositive / folds;
}
console.log(
  `\nshortcut, ${shortcutFields} fields 1024x768, ${folds}-fold: macro-F1 logistic ${score.logistic.toFixed(3)}, kNN ${score.knn.toFixed(3)}, ` +
    `always-positive ${score.alwaysPositive.toFixed(3)} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
);
