import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultModelDir } from '../../core/paths';
import { parseProviderPreference } from '../../core/inference/providers';
import { startFinetuneWorker } from '../../core/training/finetune/finetune-worker';
import { FINETUNE_MODES, type FinetuneMode } from '../../core/training/finetune/finetune-network';
import { UsageError, type Command } from '../command';
import { databasePath, missingDatabaseError } from '../database';

export const finetuneCommand: Command = {
  name: 'finetune',
  summary: "Fine-tune the active model on the record's signed cases; release it only if the validation gate passes",
  usage:
    'ana finetune [--db FILE] [--mode head|last-blocks|all] [--blocks N] [--models-dir DIR] [--cache DIR] [--model SHIPPED_DIR] [--seed S] [--no-promote]\n' +
    '  [--epochs N] [--validation-share P] [--min-cases N] [--max-f1-drop X] [--max-map-drop X] [--max-recall-drop X] [--provider auto|cpu|...]',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        db: { type: 'string' },
        'models-dir': { type: 'string' },
        cache: { type: 'string' },
        model: { type: 'string' },
        seed: { type: 'string', default: '1' },
        mode: { type: 'string', default: 'head' },
        blocks: { type: 'string' },
        epochs: { type: 'string' },
        'no-promote': { type: 'boolean', default: false },
        'validation-share': { type: 'string' },
        'min-cases': { type: 'string' },
        'max-f1-drop': { type: 'string' },
        'max-map-drop': { type: 'string' },
        'max-recall-drop': { type: 'string' },
        provider: { type: 'string' },
      },
    });
    const num = (name: string, v: string | undefined): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${v}'`);
      return n;
    };
    const mode = values.mode as FinetuneMode;
    if (!FINETUNE_MODES.includes(mode)) throw new UsageError(`--mode must be one of ${FINETUNE_MODES.join(', ')}, got '${values.mode}'`);
    if (values.blocks !== undefined && mode !== 'last-blocks') throw new UsageError('--blocks goes with --mode last-blocks');
    const epochs = num('epochs', values.epochs);
    const dbPath = databasePath(values.db);
    if (!existsSync(dbPath)) throw missingDatabaseError(dbPath);
    const gate = Object.fromEntries(
      Object.entries({ macroF1Drop: num('max-f1-drop', values['max-f1-drop']), mapDrop: num('max-map-drop', values['max-map-drop']), recallDrop: num('max-recall-drop', values['max-recall-drop']) }).filter(([, v]) => v !== undefined),
    );
    const handle = startFinetuneWorker(
      {
        dbPath,
        fallbackModelDir: values.model ? resolve(values.model) : defaultModelDir(),
        modelsDir: values['models-dir'] ? resolve(values['models-dir']) : join(dirname(dbPath), 'models'),
        cacheDir: values.cache ? resolve(values.cache) : join(dirname(dbPath), 'embedding-cache'),
        actor: { userId: null, name: `cli:${userInfo().username}` },
        trainer: { seed: num('seed', values.seed)!, ...(epochs !== undefined && mode === 'head' ? { maxEpochs: epochs } : {}) },
        mode,
        lastBlocks: num('blocks', values.blocks),
        network: epochs !== undefined && mode !== 'head' ? { maxEpochs: epochs } : undefined,
        gate,
        validationShare: num('validation-share', values['validation-share']),
        minCases: num('min-cases', values['min-cases']),
        autoPromote: !values['no-promote'],
        providers: parseProviderPreference(values.provider),
      },
      {
        onProgress: (p) => {
          if ((p.phase === 'embed' || p.phase === 'patches') && (p.done % 25 === 0 || p.done === p.total)) process.stderr.write(`\r${p.phase === 'embed' ? 'embedding' : 'cutting patches of'} slides ${p.done}/${p.total}${p.done === p.total ? '\n' : ''}`);
        },
        onEpoch: (e) => process.stderr.write(`epoch ${e.epoch}: validation ${e.validationScore?.toFixed(4) ?? '—'}${e.best ? ' *' : ''}\n`),
      },
    );
    const onSigint = (): void => {
      process.stderr.write(mode === 'head' ? '\ncancelling after the current epoch…\n' : '\ncancelling after the current batch…\n');
      handle.cancel();
    };
    process.once('SIGINT', onSigint);
    try {
      const r = await handle.result;
      const c = r.candidate;
      console.log(`training run ${r.runId}: ${r.counts.trainCases} training + ${r.counts.earlyStopCases} early-stopping cases, ${r.counts.validationCases} frozen validation cases${r.counts.skippedSlides ? `, ${r.counts.skippedSlides} slide file(s) missing and skipped` : ''}`);
      console.log(`candidate ${c.modelId} ${c.version} (id ${c.id}, ${r.mode === 'head' ? 'head only' : r.mode === 'all' ? 'all layers' : 'last blocks'}) from ${r.base.modelId} ${r.base.version} (id ${r.base.id}); ${r.mode === 'head' ? 'embeddings' : 'patches'} ${(r.timingsMs.embed / 1000).toFixed(1)} s, training ${(r.timingsMs.train / 1000).toFixed(1)} s, total ${(r.timingsMs.total / 1000).toFixed(1)} s`);
      const g = r.gate;
      console.log(`validation (${g.n_images} cases): macro-F1 ${g.active.f1_macro.toFixed(3)} → ${g.candidate.f1_macro.toFixed(3)}, mAP ${g.active.map.toFixed(3)} → ${g.candidate.map.toFixed(3)}`);
      if (g.passed) console.log(r.promoted ? `gate passed: ${c.version} is now the active model` : `gate passed: ${c.version} is validated; promote it with 'ana models promote ${c.id}'`);
      else console.log(`gate refused the candidate; it stays a candidate:\n${g.reasons.map((x) => `  - ${x}`).join('\n')}`);
      return 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
