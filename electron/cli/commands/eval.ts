import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { defaultModelDir } from '../../core/paths';
import { defaultEmbeddingCacheDir } from '../../core/cache-dirs';
import { parseProviderPreference } from '../../core/inference/providers';
import { evaluateModelOnCsv } from '../../core/training/heads/train-model';
import type { EvaluationReport } from '../../core/training/metrics/metrics';
import { gateWords } from '../../core/training/metrics/as-read';
import type { DatasetPixelSizes } from '../../core/training/dataset-pixel-sizes';
import { loadMicroscopeProfile, MicroscopeProfile } from '../../core/slides/microscope-profile';
import { UsageError, type Command } from '../command';
import { assumedPixelSizeWarning, pixelSizeOption, pixelSizesWords } from '../options';
import { evalAsRead } from './eval-as-read';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'Evaluate a model package on a dataset CSV (image-level and MIML metrics, per class)',
  usage: 'ana eval --data labels.csv [--split test] [--model DIR] [--json FILE] [--all-splits] [--cache DIR] [--provider auto|cpu|cuda|dml|coreml]\n' +
    "  [--pixel-size-um U (µm per pixel of the fields whose files state none; default the model's assumed size, said when used)]\n" +
    '  [--as-read [--profile FILE] (read the fields as `ana read` does, into a scratch record: what is offered after the quality gate and screening)]',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        data: { type: 'string' },
        split: { type: 'string', default: 'test' },
        'all-splits': { type: 'boolean', default: false },
        model: { type: 'string' },
        json: { type: 'string' },
        cache: { type: 'string' },
        provider: { type: 'string' },
        'pixel-size-um': { type: 'string' },
        'as-read': { type: 'boolean', default: false },
        profile: { type: 'string' },
      },
    });
    if (!values.data) throw new UsageError('--data is required');
    if (values.profile !== undefined && !values['as-read']) throw new UsageError('--profile is for --as-read (the reading path applies a microscope profile; the model alone takes --pixel-size-um)');
    if (values['as-read']) return runAsRead(values);
    let sizes: DatasetPixelSizes | undefined;
    const report = await evaluateModelOnCsv({
      dataCsv: resolve(values.data),
      modelDir: values.model ? resolve(values.model) : defaultModelDir(),
      split: values['all-splits'] ? null : values.split,
      // Never beside the dataset's images (a share, a repository): the per-user cache folder.
      cacheDir: values.cache ? resolve(values.cache) : defaultEmbeddingCacheDir(),
      providers: parseProviderPreference(values.provider),
      pixelSizeUm: pixelSizeOption(values['pixel-size-um'], '--pixel-size-um'),
      onPixelSizes: (s) => {
        sizes = s;
        const warning = assumedPixelSizeWarning(s, 'the model');
        if (warning) console.error(warning);
      },
    });
    console.log(`pixel size: ${pixelSizesWords(sizes!)}`);
    console.log(formatReport(report));
    if (values.json) {
      await writeFile(resolve(values.json), JSON.stringify(report, null, 2) + '\n');
      console.log(`\nJSON written to ${values.json}`);
    }
    return 0;
  },
};

async function runAsRead(values: { data?: string; split: string; 'all-splits': boolean; model?: string; json?: string; cache?: string; provider?: string; 'pixel-size-um'?: string; profile?: string }): Promise<number> {
  if (values.profile !== undefined && values['pixel-size-um'] !== undefined) {
    throw new UsageError("give either --profile FILE or --pixel-size-um U with --as-read, not both (a profile states its own pixel size)");
  }
  if (values.cache !== undefined) throw new UsageError('--cache is for the model-alone evaluation; --as-read reads every field through the reading path and caches no embeddings');
  const pixelSizeUm = pixelSizeOption(values['pixel-size-um'], '--pixel-size-um');
  const profile = values.profile
    ? await loadMicroscopeProfile(resolve(values.profile))
    : pixelSizeUm !== undefined
      ? MicroscopeProfile.parse({ name: 'eval', pixelSizeUm }) // the generic screening, at this size
      : null;
  const { report, sizes, model, provider } = await evalAsRead({
    dataCsv: resolve(values.data!),
    modelDir: values.model ? resolve(values.model) : defaultModelDir(),
    split: values['all-splits'] ? null : values.split,
    providers: parseProviderPreference(values.provider),
    profile,
    namedProvider: !!values.provider && values.provider !== 'auto',
  });
  const warning = assumedPixelSizeWarning(sizes, 'the model');
  if (warning) console.error(warning);
  for (const f of report.gate.failed) console.error(`failed: ${f.error}`);
  console.log(`As read with ${model} on ${provider ?? 'no provider'}${profile ? `, profile ${profile.name}` : ''}; pixel size: ${pixelSizesWords(sizes)}`);
  console.log('\nOffered (patterns the reading suggests: readable, screened-positive fields):');
  console.log(formatReport(report.offered));
  const m = report.modelAsRead;
  const present = m.map_skipped.length ? ` (over the classes with positives ${m.f1_macro_present.toFixed(3)})` : '';
  console.log(`\nModel as read (the same readings at the package's thresholds, screening ignored): F1 macro ${m.f1_macro.toFixed(3)}${present}   F1 micro ${m.f1_micro.toFixed(3)}   mAP ${m.map.toFixed(3)}`);
  console.log(gateWords(report.gate));
  if (values.json) {
    await writeFile(resolve(values.json), JSON.stringify(report, null, 2) + '\n');
    console.log(`\nJSON written to ${values.json}`);
  }
  // Non-zero only when nothing could be read.
  return report.gate.failed.length === report.gate.fields ? 1 : 0;
}

export function formatReport(r: EvaluationReport): string {
  const f = (v: number | null): string => (v === null ? '    —' : v.toFixed(3).padStart(5));
  const width = Math.max(5, ...Object.keys(r.per_class).map((k) => k.length));
  const lines = [
    `images ${r.n_images}`,
    `F1 micro ${f(r.f1_micro)}   F1 macro ${f(r.f1_macro)}   subset accuracy ${f(r.subset_accuracy)}   mAP ${f(r.map)}`,
    `Hamming loss ${f(r.hamming_loss)}   one-error ${f(r.one_error)}   ranking loss ${f(r.ranking_loss)}   coverage ${f(r.coverage)}   average precision ${f(r.average_precision)}`,
    '',
    `${'class'.padEnd(width)}  precision  recall     F1     AP  support`,
    ...Object.entries(r.per_class).map(([k, c]) => `${k.padEnd(width)}      ${f(c.precision)}   ${f(c.recall)}  ${f(c.f1)}  ${f(c.ap)}  ${String(c.support).padStart(7)}`),
  ];
  if (r.map_skipped.length) {
    const present = Object.keys(r.per_class).length - r.map_skipped.length;
    const called = r.map_skipped.filter((k) => r.per_class[k]!.called > 0).map((k) => `${k} on ${r.per_class[k]!.called}`);
    lines.push(
      '',
      `No image holds ${r.map_skipped.join(', ')}: mAP skips them, and F1 macro counts them as 0.`,
      `F1 macro over the ${present} classes with positives ${f(r.f1_macro_present)}` + (called.length ? `; called where no image holds them: ${called.join(', ')} image(s)` : ''),
    );
  }
  return lines.join('\n');
}
