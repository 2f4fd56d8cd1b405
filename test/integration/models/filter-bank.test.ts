/** The default extractor's graph against plain references: raw intensity features, flat images, brightness invariance, blob size. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphSession, type GraphSession } from '../../../electron/core/inference/engine';
import { Random } from '../../../electron/core/random';
import { buildRawExtractor } from '../../../native-models/recipes/build-default';
import { featureNames, type FilterBankConfig } from '../../../native-models/recipes/filter-bank';
import { patchFeatures } from './feature-graph';

const CONFIG: FilterBankConfig = { inputPx: 64, scales: 3, logSigmasPx: [1, 1.6], gaborWavelengthPx: 4, radiusPx: 4, normalise: true, topFraction: 0.05 };
const P = CONFIG.inputPx;
const names = featureNames(CONFIG);
let session: GraphSession;

const features = (...patches: Float32Array[]) => patchFeatures(session, P, names.length, patches);
const at = (f: Float32Array, name: string) => f[names.indexOf(name)]!;

function blobs(radiusPx: number, gain: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const img = new Float32Array(P * P).fill(0.02 * gain);
  for (let b = 0; b < 6; b++) {
    const cx = rng.uniform(8, P - 8);
    const cy = rng.uniform(8, P - 8);
    for (let y = 0; y < P; y++) for (let x = 0; x < P; x++) img[y * P + x]! += gain * 0.5 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * radiusPx * radiusPx));
  }
  return img;
}

beforeAll(async () => {
  session = await createGraphSession(buildRawExtractor(CONFIG), { providers: ['cpu'], label: 'filter bank test' });
});
afterAll(async () => session?.close());

describe('filter-bank extractor', () => {
  it('raw intensity features equal log(ε + mean/RMS/max) of the patch', async () => {
    const img = blobs(2, 1, 1);
    const [f] = await features(img);
    let sum = 0;
    let sq = 0;
    let max = 0;
    for (const v of img) {
      sum += v;
      sq += v * v;
      max = Math.max(max, v);
    }
    expect(at(f!, 'raw_mean')).toBeCloseTo(Math.log(1e-4 + sum / img.length), 4);
    expect(at(f!, 'raw_rms')).toBeCloseTo(Math.log(1e-4 + Math.sqrt(sq / img.length)), 4);
    expect(at(f!, 'raw_max')).toBeCloseTo(Math.log(1e-4 + max), 4);
    expect(names).toHaveLength(3 * 4 * 9 + 3);
  });

  it('a flat patch has no blobs, edges or texture (zero-sum kernels, reflect padding)', async () => {
    const [f] = await features(new Float32Array(P * P).fill(0.3));
    for (const name of names.filter((n) => /_(log|gradient|gabor)/.test(n))) expect([name, at(f!, name)]).toEqual([name, expect.closeTo(Math.log(1e-4), 1)]);
  });

  it('texture features do not depend on brightness (titer): doubling the signal shifts only raw intensity', async () => {
    const [a, b] = await features(blobs(2, 1, 5), blobs(2, 2, 5));
    for (const name of names) {
      if (name.startsWith('raw_')) expect(at(b!, name) - at(a!, name)).toBeCloseTo(Math.log(2), 2);
      else expect([name, at(b!, name)]).toEqual([name, expect.closeTo(at(a!, name), 2)]);
    }
  });

  it('small and large blobs answer most at the matching LoG scale', async () => {
    const [small, large] = await features(blobs(1, 1, 9), blobs(3, 1, 9));
    const ratio = (f: Float32Array) => at(f, 's0_log1_bright_top') - at(f, 's1_log1.6_bright_top');
    expect(ratio(small!)).toBeGreaterThan(ratio(large!) + 0.5);
  });
});
