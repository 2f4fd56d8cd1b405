/**
 * Tiny two-patch fields for training tests (400×200 px at the default 0.5 µm/px, 100 µm patches):
 * 'homogeneous' patches are smooth and bright, 'speckled' ones dark with bright dots; a field with
 * both labels shows one of each. `gain` scales the whole signal (a dimmer or brighter microscope).
 */
import type { Random } from '../../../electron/core/random';
import { writeBmp } from '../../fixtures/slide-images';

export async function writeField(path: string, labels: string[], rng: Random, gain = 1): Promise<void> {
  const W = 400;
  const H = 200;
  const v = new Uint8Array(W * H);
  const kinds = labels.length === 2 ? labels : [labels[0] ?? 'none', labels[0] ?? 'none'];
  for (let half = 0; half < 2; half++) {
    for (let y = 0; y < H; y++) {
      for (let x = half * 200; x < half * 200 + 200; x++) {
        const kind = kinds[half];
        const base = kind === 'homogeneous' ? 170 : 20;
        const dot = kind === 'speckled' && x % 12 < 3 && y % 12 < 3 ? 200 : 0;
        v[y * W + x] = Math.min(255, Math.round(gain * (base + dot + rng.int(0, 20))));
      }
    }
  }
  await writeBmp(path, v, W, H, 1);
}

export const LABEL_SETS = [['homogeneous'], ['speckled'], ['homogeneous', 'speckled'], []];
