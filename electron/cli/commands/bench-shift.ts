import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_HELD_OUT_STYLES, DEFAULT_SIGNED_COUNTS, runShiftBench, shiftTableMarkdown } from '../bench/shift-bench';
import { parseProviderPreference } from '../../core/inference/providers';
import { defaultModelDir } from '../../core/paths';
import { CELL_MIXINGS, STYLE_NAMES } from '../../core/synth';
import { UsageError } from '../command';
import { epochSelectionOption, blendOption, learningRateOption, wholeOption } from '../options';

export const BENCH_SHIFT_USAGE =
  'ana bench shift [--out DIR] [--work DIR] [--model DIR] [--held-out STYLE,...] [--reference STYLE,...] ' +
  '[--fields-per-style N] [--size WxH] [--signed 25,50,100,200,300] [--no-adapt] [--cell-mixing shared|separate] [--seed S] [--provider auto|cpu|...]\n' +
  '  [--network-finetune all|last-blocks [--network-signed 100,300] [--network-epochs N] [--blocks N] [--network-select-epoch map-as-read|as-read|overall] [--network-blend S|auto] [--network-lr X|auto] [--threads N]]  (a whole-network --model: also fine-tune the network itself)\n' +
  `  held-out styles default: ${DEFAULT_HELD_OUT_STYLES.join(', ')}; reference (training) styles default: classic; styles: ${STYLE_NAMES.join(', ')}`;

/** `ana bench shift`: zero-shot and fine-tuned figures on lab styles the model never saw (cli/bench/shift-bench.ts). */
export async function runBenchShift(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', default: 'shift-bench' },
      work: { type: 'string' },
      model: { type: 'string' },
      'held-out': { type: 'string', default: DEFAULT_HELD_OUT_STYLES.join(',') },
      reference: { type: 'string', default: 'classic' },
      'fields-per-style': { type: 'string', default: '400' },
      size: { type: 'string', default: '1024x768' },
      signed: { type: 'string', default: DEFAULT_SIGNED_COUNTS.join(',') },
      'no-adapt': { type: 'boolean', default: false },
      'network-finetune': { type: 'string' },
      'network-signed': { type: 'string' },
      'network-epochs': { type: 'string' },
      'network-select-epoch': { type: 'string' },
      'network-blend': { type: 'string' },
      'network-lr': { type: 'string' },
      threads: { type: 'string' },
      blocks: { type: 'string' },
      'cell-mixing': { type: 'string', default: 'shared' },
      seed: { type: 'string', default: '1' },
      provider: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const list = (text: string): string[] => text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const style of [...list(values['held-out']), ...list(values.reference)]) {
    if (!STYLE_NAMES.includes(style)) throw new UsageError(`unknown style '${style}' (known: ${STYLE_NAMES.join(', ')})`);
  }
  const cellMixing = CELL_MIXINGS.find((m) => m === values['cell-mixing']);
  if (!cellMixing) throw new UsageError(`unknown --cell-mixing '${values['cell-mixing']}' (known: ${CELL_MIXINGS.join(', ')})`);
  const size = /^(\d+)x(\d+)$/.exec(values.size);
  if (!size) throw new UsageError(`--size must look like 1024x768, got '${values.size}'`);
  const networkMode = values['network-finetune'];
  if (networkMode !== undefined && networkMode !== 'all' && networkMode !== 'last-blocks') throw new UsageError(`--network-finetune must be all or last-blocks, got '${networkMode}'`);
  const epochSelection = values['network-select-epoch'] === undefined ? undefined : epochSelectionOption(values['network-select-epoch'], '--network-select-epoch');
  const blend = values['network-blend'] === undefined ? undefined : blendOption(values['network-blend'], '--network-blend');
  if (!networkMode && (values.threads !== undefined || values['network-lr'] !== undefined)) throw new UsageError('--threads and --network-lr go with --network-finetune (a whole network fine-tuned)');
  const rate = learningRateOption(values['network-lr'], '--network-lr');
  const networkFinetune = networkMode
    ? {
        mode: networkMode as 'all' | 'last-blocks',
        ...(values.blocks ? { lastBlocks: wholeOption(values.blocks, '--blocks') } : {}),
        ...(values['network-signed'] ? { signedCounts: list(values['network-signed']).map((n) => wholeOption(n, '--network-signed')) } : {}),
        ...(values['network-epochs'] ? { maxEpochs: wholeOption(values['network-epochs'], '--network-epochs') } : {}),
        ...(epochSelection ? { epochSelection } : {}),
        ...(blend !== undefined ? { blend } : {}),
        ...(values.threads ? { threads: wholeOption(values.threads, '--threads') } : {}),
        ...rate,
      }
    : undefined;
  const tty = process.stderr.isTTY;
  const result = await runShiftBench({
    modelDir: values.model ? resolve(values.model) : defaultModelDir(),
    workDir: resolve(values.work ?? join(tmpdir(), 'ana-shift-bench')),
    outDir: resolve(values.out),
    heldOutStyles: list(values['held-out']),
    referenceStyles: list(values.reference),
    fieldsPerStyle: wholeOption(values['fields-per-style'], '--fields-per-style'),
    sizePx: { width: Number(size[1]), height: Number(size[2]) },
    signedCounts: list(values.signed).map((n) => wholeOption(n, '--signed')),
    adapt: !values['no-adapt'],
    ...(networkFinetune ? { networkFinetune } : {}),
    cellMixing,
    seed: wholeOption(values.seed, '--seed'),
    providers: parseProviderPreference(values.provider),
    log: (m) => {
      if (tty) process.stderr.write('\r\x1b[2K');
      console.error(m);
    },
    onProgress: (stage, done, total) => {
      if (tty) process.stderr.write(`\r\x1b[2K${stage} ${done}/${total}`);
    },
  });
  if (tty) process.stderr.write('\r\x1b[2K');
  console.log(shiftTableMarkdown(result));
  const mean = result.heldOutMean;
  console.log(`held-out mean: zero-shot macro-F1 ${mean.zeroShot.f1Macro} / mAP ${mean.zeroShot.map}; ${mean.signed.map((s) => `+${s.n} ${s.f1Macro}`).join(', ')}${mean.adapted ? `; adapted zero-shot ${mean.adapted.f1Macro}; adapted ${mean.adaptedSigned.map((s) => `+${s.n} ${s.f1Macro}`).join(', ')}` : ''} (${result.wallSeconds} s)`);
  console.log(`wrote ${result.files.table}, ${result.files.json}, ${result.files.plot}`);
  return 0;
}
