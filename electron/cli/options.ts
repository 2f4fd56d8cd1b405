/** Option groups that several commands share, declared once (node:util parseArgs configurations). */
import { resolve } from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { EPOCH_SELECTIONS, type EpochSelection } from '../core/training/trainer';
import type { Blend } from '../core/training/finetune/blend';
import type { LearningRateChoice } from '../core/training/finetune/learning-rate';
import type { DatasetPixelSizes } from '../core/training/dataset-pixel-sizes';
import { UsageError } from './command';

/** A training run: dataset CSV in, package folder out, the training method and the seed (`ana train`, `ana train-network`). */
export const TRAINING_RUN_OPTIONS = {
  data: { type: 'string' },
  out: { type: 'string' },
  method: { type: 'string', default: 'spl' },
  seed: { type: 'string', default: '1' },
} as const satisfies ParseArgsOptionsConfig;

/** The run's `--data` CSV and `--out` folder: both required, resolved against the working folder. */
export function trainingRunPaths(values: { data?: string; out?: string }): { dataCsv: string; outDir: string } {
  if (!values.data) throw new UsageError('--data is required');
  if (!values.out) throw new UsageError('--out is required');
  return { dataCsv: resolve(values.data), outDir: resolve(values.out) };
}

/**
 * A whole-number option (`flag` as the user typed it, e.g. '--count'): at least `min`, else a usage
 * error naming the flag and the value given.
 */
export function wholeOption(text: string, flag: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number >= ${min}, got '${text}'`);
  return n;
}

/** 'auto' or a share between 0 and 1 (`--blend` of finetune, `--network-blend` of bench shift). */
export function blendOption(text: string, flag: string): Blend {
  if (text === 'auto') return 'auto';
  const n = Number(text);
  if (!(n >= 0 && n <= 1)) throw new UsageError(`${flag} must be 'auto' or a share between 0 and 1, got '${text}'`);
  return n;
}

/** A whole network's fine-tuning rate: a number above 0, or 'auto' (`--lr` of finetune and of train on a whole network). */
export function learningRateOption(text: string | undefined, flag: string): { lr?: number; learningRate?: LearningRateChoice } {
  if (text === undefined) return {};
  if (text === 'auto') return { learningRate: 'auto' };
  const n = Number(text);
  if (!(n > 0)) throw new UsageError(`${flag} must be 'auto' or a number above 0, got '${text}'`);
  return { lr: n };
}

/** How a training run keeps its epoch (`--select-epoch` of train-network, `--network-select-epoch` of bench shift). */
export function epochSelectionOption(text: string, flag: string): EpochSelection {
  if (!(EPOCH_SELECTIONS as readonly string[]).includes(text)) throw new UsageError(`${flag} must be ${EPOCH_SELECTIONS.join(' or ')}, got '${text}'`);
  return text as EpochSelection;
}

/**
 * An encoder's stages as written on the command line (`--widths` of train-network and the network
 * bench): widths separated by commas, each optionally followed by `x` and its depth, the number of
 * convolutions in that stage ("8,16,64,128x2,128x2").
 */
export function encoderStagesOption(text: string, flag: string): { widths: number[]; depths: number[] } {
  const stages = text.split(',').map((stage) => {
    const m = /^(\d+)(?:x(\d+))?$/.exec(stage.trim());
    if (!m || Number(m[1]) < 1 || Number(m[2] ?? 1) < 1) throw new UsageError(`${flag}: '${stage}' is not a width or WIDTHxDEPTH (e.g. 64 or 128x2), in '${text}'`);
    return { width: Number(m[1]), depth: Number(m[2] ?? 1) };
  });
  return { widths: stages.map((s) => s.width), depths: stages.map((s) => s.depth) };
}

/** `--pixel-size-um`: µm per pixel at the sample of the fields whose files state none (a microscope profile's range). */
export function pixelSizeOption(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0 && n <= 100)) throw new UsageError(`${flag} must be a size in µm above 0 and at most 100, got '${text}'`);
  return n;
}

/** '30 from their files, 6 at the given 0.32 µm/px': where a dataset's fields got their pixel size. */
export function pixelSizesWords(sizes: DatasetPixelSizes): string {
  const parts = [
    sizes.fromFiles && `${sizes.fromFiles} from their files`,
    sizes.given && `${sizes.given} at the given ${sizes.givenUm} µm/px`,
    sizes.assumed && `${sizes.assumed} at the assumed ${sizes.assumedUm} µm/px`,
  ];
  return parts.filter(Boolean).join(', ');
}

/**
 * Said, even with --quiet, when fields were cut at the model's assumed pixel size: every cell of
 * them is read at a scale nothing stated (real microscopes: about 0.15–0.65 µm per pixel).
 */
export function assumedPixelSizeWarning(sizes: DatasetPixelSizes, model: string): string | null {
  if (!sizes.assumed) return null;
  const total = sizes.fromFiles + sizes.given + sizes.assumed;
  return `pixel size: ${sizes.assumed} of ${total} fields state none in their files and are cut at ${model}'s assumed ${sizes.assumedUm} µm/px; give --pixel-size-um U if your microscope's differs (real microscopes: about 0.15–0.65 µm/px; \`ana estimate-pixel-size\` on the files suggests one from their cells)`;
}
