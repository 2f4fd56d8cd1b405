import { parseArgs, type ParseArgsConfig } from 'node:util';
import { userInfo } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultModelDir } from '../../core/paths';
import { parseProviderPreference } from '../../core/inference/providers';
import { startFinetuneWorker, type FinetuneJob } from '../../core/training/finetune/finetune-worker';
import { FINETUNE_MODES, type FinetuneMode } from '../../core/training/finetune/finetune-network';
import { ADAPT_FROM_SIGNED_CASES } from '../../core/training/finetune/finetune';
import { BLEND_CHOICE_MARGIN, HALFWAY_BLEND, MIN_CASES_TO_CHOOSE_BLEND } from '../../core/training/finetune/blend';
import { FAST_FINETUNE_LR } from '../../core/training/finetune/learning-rate';
import { THRESHOLD_MODES, type ThresholdMode } from '../../core/training/metrics/thresholds';
import { DEFAULT_PRETRAINING } from '../../core/training/adapt/pretrain-network';
import { epochCapWords } from '../../core/training/trainer';
import { UsageError, type Command } from '../command';
import { untrainedLines } from './models';
import { blendOption, learningRateOption, wholeOption } from '../options';
import { databasePath, missingDatabaseError } from '../database';

/** Options shared by `ana finetune` and `ana adapt` (the same run: split, gate, registry). */
const SHARED_OPTIONS = {
  db: { type: 'string' },
  'models-dir': { type: 'string' },
  cache: { type: 'string' },
  model: { type: 'string' },
  seed: { type: 'string', default: '1' },
  'no-promote': { type: 'boolean', default: false },
  'validation-share': { type: 'string' },
  'min-cases': { type: 'string' },
  'max-f1-drop': { type: 'string' },
  'max-map-drop': { type: 'string' },
  'max-recall-drop': { type: 'string' },
  thresholds: { type: 'string' },
  provider: { type: 'string' },
} satisfies ParseArgsConfig['options'];

const SHARED_USAGE =
  '[--db FILE] [--models-dir DIR] [--cache DIR] [--model SHIPPED_DIR] [--seed S] [--no-promote]\n' +
  '  [--validation-share P] [--min-cases N] [--max-f1-drop X] [--max-map-drop X] [--max-recall-drop X]\n' +
  '  [--thresholds fixed|tuned|shrunk|cv|platt|prevalence (default from 200 signed cases: cv for a head, prevalence for a\n' +
  '   whole network; below: shrunk for a head, the active version\'s for a network)] [--provider auto|cpu|...]';

type SharedValues = { [K in keyof typeof SHARED_OPTIONS]?: (typeof SHARED_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function number(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${v}'`);
  return n;
}

/** The worker job from the shared options; `extra` adds the mode's own. */
function jobOf(values: SharedValues, mode: FinetuneMode | undefined, extra: Partial<FinetuneJob>): FinetuneJob {
  const dbPath = databasePath(values.db);
  if (!existsSync(dbPath)) throw missingDatabaseError(dbPath);
  const gate = Object.fromEntries(
    Object.entries({ macroF1Drop: number('max-f1-drop', values['max-f1-drop']), mapDrop: number('max-map-drop', values['max-map-drop']), recallDrop: number('max-recall-drop', values['max-recall-drop']) }).filter(([, v]) => v !== undefined),
  );
  const thresholds = values.thresholds as ThresholdMode | undefined;
  if (thresholds !== undefined && !THRESHOLD_MODES.includes(thresholds)) throw new UsageError(`--thresholds must be one of ${THRESHOLD_MODES.join(', ')}, got '${thresholds}'`);
  return {
    dbPath,
    ...(thresholds ? { thresholds } : {}),
    fallbackModelDir: values.model ? resolve(values.model) : defaultModelDir(),
    modelsDir: values['models-dir'] ? resolve(values['models-dir']) : join(dirname(dbPath), 'models'),
    cacheDir: values.cache ? resolve(values.cache) : join(dirname(dbPath), 'embedding-cache'),
    actor: { userId: null, name: `cli:${userInfo().username}` },
    mode,
    gate,
    validationShare: number('validation-share', values['validation-share']),
    minCases: number('min-cases', values['min-cases']),
    autoPromote: !values['no-promote'],
    providers: parseProviderPreference(values.provider),
    ...extra,
    trainer: { seed: number('seed', values.seed)!, ...extra.trainer },
  };
}

const PHASE_WORDS: Record<string, string> = { adapt: "adapting to the lab's fields:", embed: 'embedding slides', patches: 'cutting patches of slides' };
const MODE_WORDS: Record<FinetuneMode, string> = { head: 'head only', adapt: "adapted to the lab's fields, then trained on the signed cases", 'last-blocks': 'last blocks', all: 'all layers', thresholds: 'thresholds re-fitted, weights unchanged' };
/** Left-out slide files printed by name; the rest are counted (the training run's record in the database lists all). */
const LEFT_OUT_LISTED = 10;

/** Runs the job in the fine-tuning worker, with progress on stderr and Ctrl-C as cancel; prints the gate's verdict. */
async function runJob(job: FinetuneJob): Promise<number> {
  // Without --mode, the shipped whole network trains in batches; the head modes step by step.
  const onHead = job.mode === 'head' || job.mode === 'adapt';
  const handle = startFinetuneWorker(job, {
    onProgress: (p) => {
      const words = PHASE_WORDS[p.phase];
      if (words && (p.done % 25 === 0 || p.done === p.total)) process.stderr.write(`\r${words} ${p.message ? `${p.message} ` : ''}${p.done}/${p.total}${p.done === p.total ? '\n' : ''}`);
    },
    onEpoch: (e) => process.stderr.write(`epoch ${e.epoch}: validation ${e.validationScore?.toFixed(4) ?? '—'}${e.best ? ' *' : ''}\n`),
  });
  const onSigint = (): void => {
    process.stderr.write(onHead ? '\ncancelling after the current step…\n' : '\ncancelling after the current batch…\n');
    handle.cancel();
  };
  process.once('SIGINT', onSigint);
  try {
    const r = await handle.result;
    const c = r.candidate;
    const t = r.timingsMs;
    const trainedHead = r.mode === 'head' || (r.mode === 'adapt' && (r.base.manifest as { kind?: string }).kind !== 'network');
    console.log(`training run ${r.runId}: ${r.counts.trainCases} training + ${r.counts.earlyStopCases} early-stopping cases, ${r.counts.validationCases} frozen validation cases`);
    const leftOut = r.counts.leftOut;
    if (leftOut.slides.length) {
      console.log(`${leftOut.slides.length} signed slide file(s) could not be used and were left out${leftOut.cases ? ` (${leftOut.cases} case(s) had no other field)` : ''}; restore them and fine-tune again to use them:`);
      for (const { path, reason } of leftOut.slides.slice(0, LEFT_OUT_LISTED)) console.log(`  ${path}: ${reason}`);
      if (leftOut.slides.length > LEFT_OUT_LISTED) console.log(`  … and ${leftOut.slides.length - LEFT_OUT_LISTED} more (training run ${r.runId} in the record lists them all)`);
    }
    if (r.counts.slidesAtProfileSize) console.log(`${r.counts.slidesAtProfileSize} slide(s) read at the model's assumed pixel size were cut at the microscope profile's for training`);
    console.log(`candidate ${c.modelId} ${c.version} (id ${c.id}, ${MODE_WORDS[r.mode]}) from ${r.base.modelId} ${r.base.version} (id ${r.base.id}); ${t.adapt === undefined ? '' : `adaptation ${(t.adapt / 1000).toFixed(1)} s, `}${trainedHead ? 'embeddings' : 'patches'} ${(t.embed / 1000).toFixed(1)} s, ${r.mode === 'thresholds' ? 'scoring for the thresholds' : 'training'} ${(t.train / 1000).toFixed(1)} s, total ${(t.total / 1000).toFixed(1)} s`);
    if (r.training.endedAtEpochCap) console.log(epochCapWords(r.training.endedAtEpochCap, r.training.bestEpoch));
    const g = r.gate;
    const moves = (by: number | undefined) => (by === undefined ? '' : ` (the difference ±${by.toFixed(3)} on another ${g.n_images} cases like these)`);
    console.log(`validation (${g.n_images} cases): macro-F1 ${g.active.f1_macro.toFixed(3)} → ${g.candidate.f1_macro.toFixed(3)}${moves(g.spread?.f1_macro)}, mAP ${g.active.map.toFixed(3)} → ${g.candidate.map.toFixed(3)}${moves(g.spread?.map)}`);
    if (g.passed) console.log(r.promoted ? `gate passed: ${c.version} is now the active model` : `gate passed: ${c.version} is validated; promote it with 'ana models promote ${c.id}'`);
    else console.log(`gate refused the candidate; it stays a candidate:\n${g.reasons.map((x) => `  - ${x}`).join('\n')}`);
    if (g.unjudgedClasses.length) console.log(`not judged: no validation case holds ${g.unjudgedClasses.join(', ')}; whether the candidate still finds them is not known until such cases are signed`);
    for (const line of untrainedLines(c.manifest)) console.log(line);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

export const finetuneCommand: Command = {
  name: 'finetune',
  summary: "Fine-tune the active model on the record's signed cases; release it only if the validation gate passes",
  usage:
    `ana finetune [--mode ${FINETUNE_MODES.join('|')}] [--blocks N] [--epochs N] [--lr X|auto] [--blend S|auto] [--threads N] ${SHARED_USAGE}\n` +
    `  --mode: default 'adapt' from ${ADAPT_FROM_SIGNED_CASES} signed cases on a model with codebooks, else 'head'; 'all' for a whole-network model (measured on the shift benchmark);\n` +
    "    'thresholds': a whole network's weights as they are, its thresholds re-fitted on the signed cases as it scores them (--thresholds prevalence, the default, tuned or shrunk; no training, the time of reading the cases)\n" +
    `  --blend: a whole network's candidate weights are (1 − S) × the active version's + S × the fine-tuned ones (1: as trained); auto, the default: ${HALFWAY_BLEND} unless another of 0, 0.25, 0.75, 1 ranks the early-stopping cases better by more than ${BLEND_CHOICE_MARGIN} mAP (with ${MIN_CASES_TO_CHOOSE_BLEND} or more of them)\n` +
    '  --threads: a whole network\'s training threads on the CPU (default: every core; the weights do not depend on it)\n' +
    `  --lr: a whole network's learning rate; auto, the default: the one the active version recorded and, where that is smaller, ${FAST_FINETUNE_LR}, keeping the faster rate's candidate only if it ranks the early-stopping cases better by more than ${BLEND_CHOICE_MARGIN} mAP (with ${MIN_CASES_TO_CHOOSE_BLEND} or more of them; two trainings); X: that rate alone`,
  async run(args) {
    const { values } = parseArgs({ args, options: { ...SHARED_OPTIONS, mode: { type: 'string' }, blocks: { type: 'string' }, epochs: { type: 'string' }, blend: { type: 'string' }, threads: { type: 'string' }, lr: { type: 'string' } } });
    const mode = values.mode as FinetuneMode | undefined;
    if (mode !== undefined && !FINETUNE_MODES.includes(mode)) throw new UsageError(`--mode must be one of ${FINETUNE_MODES.join(', ')}, got '${values.mode}'`);
    if (values.blocks !== undefined && mode !== 'last-blocks') throw new UsageError('--blocks goes with --mode last-blocks');
    const epochs = number('epochs', values.epochs);
    const blend = values.blend === undefined ? undefined : blendOption(values.blend, '--blend');
    // Without --mode the run picks one from the active version (a whole network: 'all'), so --epochs goes to either trainer.
    const onHead = mode === 'head' || mode === 'adapt';
    const onNetwork = mode === undefined || !onHead;
    const threads = values.threads === undefined ? undefined : wholeOption(values.threads, '--threads');
    if (threads !== undefined && !onNetwork) throw new UsageError('--threads goes with --mode last-blocks or all (a whole network)');
    const rate = learningRateOption(values.lr, '--lr');
    if (values.lr !== undefined && !onNetwork) throw new UsageError('--lr goes with --mode last-blocks or all (a whole network)');
    const trainingOptions = ['epochs', 'lr', 'blend', 'blocks'].filter((k) => values[k as keyof typeof values] !== undefined);
    if (mode === 'thresholds' && trainingOptions.length) throw new UsageError(`--mode thresholds trains nothing: --${trainingOptions.join(', --')} ${trainingOptions.length === 1 ? 'does' : 'do'} not apply`);
    const network = { ...(epochs !== undefined && { maxEpochs: epochs }), ...(rate.lr !== undefined && { lr: rate.lr }) };
    return runJob(
      jobOf(values, mode, {
        trainer: epochs !== undefined && (mode === undefined || onHead) ? { maxEpochs: epochs } : {},
        lastBlocks: number('blocks', values.blocks),
        network: onNetwork && Object.keys(network).length ? network : undefined,
        ...(blend !== undefined ? { blend } : {}),
        ...(rate.learningRate ? { learningRate: rate.learningRate } : {}),
        ...(threads !== undefined ? { threads } : {}),
      }),
    );
  },
};

export const adaptCommand: Command = {
  name: 'adapt',
  summary: "Adapt the active model to the lab's microscope from its read slides (no labels), then train on the signed cases; release it only if the validation gate passes",
  usage: `ana adapt [--from DIR] [--fields N] [--windows N | --epochs N] ${SHARED_USAGE}\n  An extractor with a head learns its codebooks again and a new head; a whole network is pre-trained self-supervised on the fields' patches, then every layer fine-tuned.\n  --from: learn from the slide files under DIR instead of every slide in the record; --fields: fields sampled (default 200); --windows: windows per patch and scale (codebooks, default 40); --epochs: self-supervised epochs (whole network, default ${DEFAULT_PRETRAINING.epochs})`,
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...SHARED_OPTIONS, from: { type: 'string' }, fields: { type: 'string' }, windows: { type: 'string' }, epochs: { type: 'string' } } });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const whole = (name: string, v: string | undefined): number | undefined => {
      const n = number(name, v);
      if (n !== undefined && !(Number.isInteger(n) && n >= 1)) throw new UsageError(`--${name} must be a whole number >= 1, got '${v}'`);
      return n;
    };
    if (values.from !== undefined && !existsSync(values.from)) throw new UsageError(`--from ${values.from}: no such folder`);
    const adaptation = Object.fromEntries(Object.entries({ fields: whole('fields', values.fields), windowsPerPatch: whole('windows', values.windows), epochs: whole('epochs', values.epochs), seed: number('seed', values.seed) }).filter(([, v]) => v !== undefined));
    return runJob(jobOf(values, 'adapt', { unlabelledDir: values.from ? resolve(values.from) : undefined, adaptation }));
  },
};
