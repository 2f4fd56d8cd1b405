/**
 * Measures local fine-tuning on N signed cases: builds a record from a dataset CSV (one case per
 * field, signed by a physician with the CSV's labels), then runs `runFinetune` twice on it — the
 * first run computes the embeddings, the second finds them cached (the figure the issue asks for).
 *
 *   npx tsx electron/cli/bench/finetune-bench.ts --data DIR/labels.csv --model native-models/ana-default --cases 500 --work /tmp/ft-bench
 *
 * With `--mode last-blocks|all` (a whole-network --model) it runs once: there is nothing to cache,
 * every run cuts the fields into patches and trains the network for at most `--epochs` epochs;
 * `--blend S|auto` mixes the fine-tuned weights with the active version's (`ana finetune --blend`);
 * `--lr X|auto` sets the rate or lets the early-stopping cases choose it (`ana finetune --lr`).
 * With `--mode adapt` it runs once, end to end: codebooks learned from the record's slides, every
 * case embedded through the adapted extractor (and the validation cases through the active one),
 * a new head, the gate; on a whole network, self-supervised pre-training on the record's slides,
 * then the network path above (docs/lab-adaptation.md).
 * `--threads N` sets ONNX Runtime's threads per training step (default: every core) — `--threads 1`
 * is the baseline of docs/lab-adaptation.md's speed figure; the trained weights do not depend on it.
 * `--patience N` sets early stopping's patience (default `FINETUNE_PATIENCE`; `--epochs 30
 * --patience 30` trains every epoch, the longest a fine-tuning can take).
 * `--patches-per-case N|all` sets an epoch's patch budget per training case (default
 * `FINETUNE_PATCHES_PER_CASE`; `all`: every patch, the baseline of the large-field figure).
 * A whole network's run prints every epoch's early-stopping score and, with `--lr auto`, the
 * rates tried, their candidates' early-stopping mAP, and whether they trained at once (two
 * threads or more: half each, the second rate in a worker thread; `--in-turn`: one after the
 * other, each on every thread, the baseline).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAccount, toSessionUser } from '../../core/auth/auth.service';
import { SYSTEM_ACTOR } from '../../core/db/audit.repo';
import { ensureCase } from '../../core/db/case.repo';
import { openDatabase } from '../../core/db/connection';
import { insertSlide } from '../../core/db/slide.repo';
import { insertReading } from '../../core/db/reading.repo';
import { LABEL_KEYS } from '../../contract/labels';
import { saveDraft, signCase } from '../../core/review/review.service';
import { readDatasetCsv } from '../../core/synth/dataset-csv';
import { loadModelPackage } from '../../core/models/model-package';
import { defaultTrainingThreads } from '../../core/inference/engine';
import { runFinetune } from '../../core/training/finetune/finetune';
import { FINETUNE_MODES, type FinetuneMode } from '../../core/training/finetune/finetune-network';
import { ratesTriedWords, type RateTried } from '../../core/training/finetune/learning-rate';
import type { EpochInfo } from '../../core/training/trainer';
import { blendOption, learningRateOption, wholeOption } from '../options';

const { values } = parseArgs({ options: { data: { type: 'string' }, model: { type: 'string', default: 'native-models/ana-default' }, cases: { type: 'string', default: '500' }, work: { type: 'string', default: '/tmp/ana-ft-bench' }, mode: { type: 'string', default: 'head' }, epochs: { type: 'string' }, patience: { type: 'string' }, blend: { type: 'string' }, lr: { type: 'string' }, threads: { type: 'string' }, 'patches-per-case': { type: 'string' }, 'in-turn': { type: 'boolean' } } });
const mode = values.mode as FinetuneMode;
if (!FINETUNE_MODES.includes(mode)) throw new Error(`--mode must be one of ${FINETUNE_MODES.join(', ')}`);
if (!values.data) throw new Error('--data labels.csv is required');
const work = resolve(values.work);
await rm(work, { recursive: true, force: true });
await mkdir(work, { recursive: true });
const db = openDatabase(join(work, 'ana.db'));
const password = 'bench password 1';
// A cheap password hash: the record is only the setting; 300 sign-offs at the product's cost would take minutes and are not what is measured.
const physician = toSessionUser(await createAccount(db, { username: 'bench', displayName: 'Dr. Bench', role: 'physician', password }, SYSTEM_ACTOR, Date.now(), { N: 1024, r: 8, p: 1 }));
const rows = (await readDatasetCsv(resolve(values.data))).slice(0, Number(values.cases));
let t = performance.now();
for (const row of rows) {
  const bytes = await readFile(row.absolutePath);
  const accession = basename(row.absolutePath).split(/[_.]/)[0]!;
  const kase = ensureCase(db, accession, Date.now(), Date.now());
  const slide = insertSlide(db, { caseId: kase.id, path: row.absolutePath, fileName: basename(row.absolutePath), sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, widthPx: 0, heightPx: 0, pixelSizeUm: null, pixelSizeSource: null, format: 'png', createdAtMs: Date.now() });
  // Sign-off needs a reading; the bench stores a placeholder one (the figure is fine-tuning, not reading).
  insertReading(db, { slideId: slide.id, modelId: 'bench', modelVersion: '0', provider: 'cpu', status: 'done', error: null, labels: LABEL_KEYS.slice(), probabilities: LABEL_KEYS.map(() => 0.1), predicted: [], patchCount: 1, patches: [[0, 0, 1, 1, 0]], patchScores: new Float32Array(LABEL_KEYS.length), timingsMs: {}, createdAtMs: Date.now() });
  saveDraft(db, physician, { caseId: kase.id, labels: row.labels.map((key) => ({ key })), comment: '' });
  await signCase(db, physician, { caseId: kase.id, password, meaning: 'approved' });
}
console.log(`record: ${rows.length} signed cases in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const epochs = { ...(values.epochs === undefined ? {} : { maxEpochs: Number(values.epochs) }), ...(values.patience === undefined ? {} : { patience: wholeOption(values.patience, '--patience') }) };
const rate = learningRateOption(values.lr, '--lr');
// 'adapt' adapts an extractor's codebooks and trains a head, or pre-trains a whole network and trains it.
const onHead = mode === 'head' || (mode === 'adapt' && (await loadModelPackage(resolve(values.model))).manifest.kind !== 'network');
if (!onHead) console.log(`training threads: ${values.threads ?? `${defaultTrainingThreads()} (every core)`}${values['in-turn'] ? '' : '; with two learning rates, half each'}`);
for (const pass of mode === 'head' ? ['first (embeddings computed)', 'second (embeddings cached)'] : [`${mode}`]) {
  t = performance.now();
  let last = '';
  const onProgress = (p: { phase: string; done: number; total: number }) => {
    const at = `${p.phase} ${p.done}/${p.total}`;
    if (p.phase !== last || p.done === p.total) console.log(`  ${((performance.now() - t) / 1000).toFixed(0)} s: ${at}`);
    last = p.phase;
  };
  // Each epoch's early-stopping score: with `--lr auto`, both rates' curves, one after the other.
  const onEpoch = (e: EpochInfo) => console.log(`  epoch ${e.epoch}: early-stopping score ${e.validationScore?.toFixed(4) ?? '—'}${e.best ? ' (best)' : ''}, ${(e.elapsedMs / 1000).toFixed(0)} s`);
  const r = await runFinetune({ db, fallbackModelDir: resolve(values.model), modelsDir: join(work, 'models'), cacheDir: join(work, 'cache'), actor: SYSTEM_ACTOR, autoPromote: false, providers: ['cpu'], ...(values.threads === undefined ? {} : { threads: wholeOption(values.threads, '--threads') }), ...(values['patches-per-case'] === undefined ? {} : { patchesPerCase: values['patches-per-case'] === 'all' ? null : wholeOption(values['patches-per-case'], '--patches-per-case') }), mode, trainer: onHead ? epochs : {}, network: onHead ? undefined : { ...epochs, ...(rate.lr !== undefined && { lr: rate.lr }) }, ...(rate.learningRate && { learningRate: rate.learningRate }), ...(values.blend === undefined ? {} : { blend: blendOption(values.blend, '--blend') }), ...(values['in-turn'] && { ratesAtOnce: false }), onProgress, onEpoch });
  const wall = (performance.now() - t) / 1000;
  console.log(
    `${pass}: ${wall.toFixed(1)} s wall (${r.timingsMs.adapt === undefined ? '' : `adaptation ${(r.timingsMs.adapt / 1000).toFixed(1)} s, `}${onHead ? 'embeddings' : 'patches'} ${(r.timingsMs.embed / 1000).toFixed(1)} s, ${onHead ? 'head' : 'network'} ${(r.timingsMs.train / 1000).toFixed(1)} s); ` +
      `${r.counts.trainCases}+${r.counts.earlyStopCases} training cases, ${r.counts.validationCases} validation; gate ${r.gate.passed ? 'passed' : 'refused'} ` +
      `(macro-F1 ${r.gate.active.f1_macro.toFixed(3)} → ${r.gate.candidate.f1_macro.toFixed(3)}, mAP ${r.gate.active.map.toFixed(3)} → ${r.gate.candidate.map.toFixed(3)})`,
  );
  for (const reason of r.gate.reasons) console.log(`  refused: ${reason}`);
  const provenance = (r.candidate.manifest as { provenance: Record<string, unknown> }).provenance;
  const rates = provenance['learningRateChoice'] as { tried: RateTried[]; atOnce?: boolean } | undefined;
  if (rates) console.log(`  learning rate ${(provenance['training'] as { lr: number }).lr} (early-stopping mAP ${ratesTriedWords(rates.tried)}; ${rates.atOnce ? 'trained at once, the second in a worker thread' : 'trained one after the other'})`);
}
db.close();
