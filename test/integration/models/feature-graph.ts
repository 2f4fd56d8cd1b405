/**
 * Running a feature graph under test: a patch batch (N×1×P×P, input 'patches') in, one feature
 * vector per patch (output 'features') out, on CPU — shared by the extractor feature tests.
 */
import { expect } from 'vitest';
import type { GraphSession } from '../../../electron/core/inference/engine';
import { GraphBuilder } from '../../../electron/core/models/onnx-graph';

/** A graph whose 'features' output is what `add` builds on the 'patches' input. */
export function featureGraph(name: string, inputPx: number, add: (g: GraphBuilder, patches: string) => { features: string; dims: number }): Uint8Array {
  const g = new GraphBuilder({ name });
  const x = g.input('patches', ['N', 1, inputPx, inputPx]);
  const { features, dims } = add(g, x);
  g.node('Identity', [features], {}, ['features']);
  g.output('features', ['N', dims]);
  return g.toBytes();
}

/** The `width` features of each P×P patch (checks the output's shape). */
export async function patchFeatures(session: GraphSession, inputPx: number, width: number, patches: Float32Array[]): Promise<Float32Array[]> {
  const P = inputPx;
  const data = new Float32Array(patches.length * P * P);
  patches.forEach((p, i) => data.set(p, i * P * P));
  const out = await session.run({ patches: { data, dims: [patches.length, 1, P, P] } }, ['features']);
  expect(out.features!.dims).toEqual([patches.length, width]);
  return patches.map((_, i) => out.features!.data.slice(i * width, (i + 1) * width));
}
