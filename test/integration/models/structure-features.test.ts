/** The per-structure features (extractors 2.0.0 and 3.0.0) against counted references: dot counts, brightness invariance, dot size, areas. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphSession, type GraphSession } from '../../../electron/core/inference/engine';
import { Random } from '../../../electron/core/random';
import { addStructureFeatures, structureFeatureNames } from '../../../native-models/recipes/structure-features';
import { structureExtractorNames, buildStructureModel } from '../../../native-models/recipes/structure-extractor';
import { featureGraph, patchFeatures } from './feature-graph';

const P = 96;
const names = structureFeatureNames();
let session: GraphSession;

const features = (...patches: Float32Array[]) => patchFeatures(session, P, names.length, patches);
const at = (f: Float32Array, name: string) => f[names.indexOf(name)]!;
/** Dots per pixel from a log density feature. */
const density = (f: Float32Array, name: string) => Math.exp(at(f, name)) - 1e-5;

/** `count` Gaussian dots of the given radius on a grid (well separated), on a dim background. */
function dots(count: number, radiusPx: number, gain: number): Float32Array {
  const rng = new Random(7);
  const img = new Float32Array(P * P);
  for (let i = 0; i < img.length; i++) img[i] = gain * (0.05 + 0.002 * rng.uniform(0, 1));
  const side = Math.ceil(Math.sqrt(count));
  const step = (P - 24) / side;
  for (let d = 0; d < count; d++) {
    const cx = 12 + step * ((d % side) + 0.5);
    const cy = 12 + step * (Math.floor(d / side) + 0.5);
    for (let y = 0; y < P; y++) for (let x = 0; x < P; x++) img[y * P + x]! += gain * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * radiusPx * radiusPx));
  }
  return img;
}

beforeAll(async () => {
  const bytes = featureGraph('structure-test', P, (g, x) => addStructureFeatures(g, x, { inputPx: P }));
  session = await createGraphSession(bytes, { providers: ['cpu'], label: 'structure features test' });
});
afterAll(async () => session?.close());

describe('structure features', () => {
  it('count the dots of a patch (fine band, local maxima above the relative height)', async () => {
    const [nine, sixteen] = await features(dots(9, 1.2, 1), dots(16, 1.2, 1));
    expect(density(nine!, 'band0_peaks_gt0.1') * P * P).toBeCloseTo(9, 0);
    expect(density(sixteen!, 'band0_peaks_gt0.1') * P * P).toBeCloseTo(16, 0);
  });

  it('do not change when the whole patch is brighter (titer does not leak)', async () => {
    const [dim, bright] = await features(dots(12, 1.5, 0.5), dots(12, 1.5, 4));
    for (const name of names) expect([name, at(bright!, name)]).toEqual([name, expect.closeTo(at(dim!, name), 3)]);
  });

  it('tell small dots from large ones by band', async () => {
    const [small, large] = await features(dots(9, 1, 1), dots(9, 3.5, 1));
    expect(at(small!, 'band0_peak_height')).toBeGreaterThan(at(large!, 'band0_peak_height'));
    expect(density(large!, 'band2_peaks_gt0.1') * P * P).toBeCloseTo(9, 0);
    expect(at(large!, 'area_gt1')).toBeGreaterThan(at(small!, 'area_gt1'));
  });

  it('a flat patch has no dots, holes or texture, and all of it lies above the low levels', async () => {
    const [f] = await features(new Float32Array(P * P).fill(0.3));
    for (const name of names.filter((n) => /peaks|holes|texture/.test(n))) expect([name, at(f!, name)]).toEqual([name, expect.closeTo(Math.log(1e-5), 1)]);
    expect(at(f!, 'area_gt0.5')).toBeCloseTo(0, 4);
    expect(at(f!, 'hist_gt2')).toBeCloseTo(Math.log(1e-5), 1);
  });

  it('the packaged extractor appends these features to the 147 filter-bank features', () => {
    expect(structureExtractorNames()).toHaveLength(147 + names.length);
    const bytes = buildStructureModel({ mean: new Float32Array(180), std: new Float32Array(180).fill(1) }, { weights: new Float32Array(8 * 180), bias: new Float32Array(8) }, 8);
    expect(bytes.length).toBeGreaterThan(1000);
  });
});
