// Experiment (issue 15, /work/runs/absent/rule.md): ana train --base's recipe with the two labels the
// training rows never hold left out of the loss. Usage: tsx .tmp-mask.mts CSV OUT
import { loadModelPackage } from './electron/core/models/model-package';
import { finetuneNetworkOnDataset } from './electron/core/training/finetune/finetune-dataset';
const [csv, out] = process.argv.slice(2);
const base = await loadModelPackage('native-models/ana-default');
const labels = (base.manifest.labels as { key: string }[]).map((l) => l.key);
const untrainedLabels = ['mitochondrial', 'nuclear_dots'].map((k) => labels.indexOf(k));
console.log('untrained', untrainedLabels);
const r = await finetuneNetworkOnDataset({ dataCsv: csv!, base, outDir: out!, training: { seed: 1, untrainedLabels } });
const c = r.candidate;
console.log(`epochs ${c.epochs} best ${c.bestEpoch}; test macro-F1 ${c.activeScored.report.f1_macro.toFixed(3)} -> ${c.candidateScored.report.f1_macro.toFixed(3)}, mAP ${c.activeScored.report.map.toFixed(3)} -> ${c.candidateScored.report.map.toFixed(3)}`);
