/**
 * Whole-network training checkpoints: one JSON file written at the end of each epoch (to a
 * temporary name, then renamed, so a crash leaves the previous checkpoint intact). Typed arrays
 * are stored as base64 of their little-endian bytes. A checkpoint names its network spec; resuming
 * with a different network or data set is refused.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { DomainError } from '../../errors';
import type { EpochInfo, EpochSelection } from '../trainer';
import type { NetworkSpec, ParamSet } from './network';
import type { StepperState } from './network-stepper';

export interface NetworkCheckpoint {
  formatVersion: 1;
  spec: NetworkSpec;
  patchCount: number;
  labelCount: number;
  /** Last completed epoch. */
  epoch: number;
  epochs: EpochInfo[];
  bestEpoch: number;
  bestScore: number;
  /** What bestScore measures (TrainerOptions.epochSelection); absent in checkpoints before it existed: 'overall'. */
  epochSelection?: EpochSelection;
  epochsSinceBest: number;
  bestParams: ParamSet;
  stepper: StepperState;
  /** Self-paced state: confidences α and stored pseudo-labels, [patches × K]. */
  alpha: Float64Array;
  stored: Float64Array;
}

type Encoded = { f32: string } | { f64: string };

function encode(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array) return { f32: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (value instanceof Float64Array) return { f64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  return value;
}

function decode(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Encoded;
    const keys = Object.keys(value);
    if (keys.length === 1 && 'f32' in v) {
      const bytes = Buffer.from(v.f32, 'base64');
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
    if (keys.length === 1 && 'f64' in v) {
      const bytes = Buffer.from(v.f64, 'base64');
      return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
  }
  return value;
}

export async function saveCheckpoint(path: string, checkpoint: NetworkCheckpoint): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, JSON.stringify(checkpoint, encode));
  await rename(temporary, path);
}

/** Null when there is no checkpoint at `path`; throws naming the file when it is unreadable. */
export async function loadCheckpoint(path: string): Promise<NetworkCheckpoint | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DomainError('internal', `${path}: cannot read the training checkpoint (${(error as Error).message})`, { cause: error });
  }
  let parsed: NetworkCheckpoint;
  try {
    parsed = JSON.parse(text, decode) as NetworkCheckpoint;
  } catch (error) {
    throw new DomainError('bad-request', `${path}: the training checkpoint is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (parsed.formatVersion !== 1 || !(parsed.alpha instanceof Float64Array) || !parsed.stepper?.params) {
    throw new DomainError('bad-request', `${path}: not a whole-network training checkpoint of format 1`);
  }
  return parsed;
}

export function checkCheckpointFits(path: string, checkpoint: NetworkCheckpoint, spec: NetworkSpec, patchCount: number, labelCount: number, epochSelection: EpochSelection = 'overall'): void {
  const saved = checkpoint.epochSelection ?? 'overall';
  if (saved !== epochSelection) throw new DomainError('conflict', `${path}: the checkpoint kept its best epoch by --select-epoch ${saved}, this run asks for ${epochSelection}; resume with ${saved} or delete the checkpoint`);
  if (JSON.stringify(checkpoint.spec) !== JSON.stringify(spec)) throw new DomainError('conflict', `${path}: the checkpoint was made for a different network; delete it or train that network`);
  if (checkpoint.patchCount !== patchCount || checkpoint.labelCount !== labelCount) {
    throw new DomainError('conflict', `${path}: the checkpoint was made for ${checkpoint.patchCount} patches × ${checkpoint.labelCount} labels, the data has ${patchCount} × ${labelCount}`);
  }
}
