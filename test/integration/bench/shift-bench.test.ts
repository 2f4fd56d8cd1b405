/**
 * `ana bench shift` end to end at a tiny scale: styled fields are generated, embedded through the
 * shipped model in ONNX Runtime, the head is fine-tuned on N signed fields, and the table, JSON
 * and learning-curve PNG are written. The figures are not judged here (a handful of fields), only
 * that they are real measurements in range and that the files agree.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runShiftBench } from '../../../electron/cli/bench/shift-bench';
import { defaultModelDir } from '../../../electron/core/paths';
import { DEFAULT_LABEL_DISTRIBUTION, writeDataset } from '../../../electron/core/synth';
import { runWholeNetworkTraining } from '../../../electron/core/training/network/train-network';
import { tempDir } from '../../support/temp-dir';

const run = promisify(execFile);

describe('domain-shift benchmark', () => {
  it('writes zero-shot, +N signed and adapted figures for a held-out style, with the reference style zero-shot', { timeout: 240_000 }, async () => {
    const root = tempDir('ana-shift-');
    const options = { modelDir: defaultModelDir(), workDir: join(root, 'work'), outDir: join(root, 'out'), heldOutStyles: ['low-light-noisy'], fieldsPerStyle: 12, sizePx: { width: 384, height: 288 }, signedCounts: [3, 10], seed: 2 };
    const result = await runShiftBench(options);
    expect(result.styles.map((s) => [s.style, s.role, s.testFields])).toEqual([['low-light-noisy', 'held-out', 2], ['classic', 'reference', 2]]);
    const held = result.styles[0]!;
    expect(held.signed.map((s) => s.n)).toEqual([3, 10]);
    expect(held.adaptedSigned.map((s) => s.n)).toEqual([3, 10]);
    expect(held.adapted).not.toBeNull();
    // The adapted extractor was written once, beside the style's fields, with a lab extractor version.
    const written = (await readdir(join(root, 'work'), { recursive: true })).filter((p) => /adapted-[^/]+\/manifest\.json$/.test(p));
    expect(written).toHaveLength(1);
    const manifest = JSON.parse(await readFile(join(root, 'work', written[0]!), 'utf8'));
    expect(manifest.extractor.version).toMatch(/^3\.0\.0\+lab\.[0-9a-f]{8}$/);
    for (const f of [held.zeroShot, held.adapted!, ...held.signed, ...held.adaptedSigned, result.styles[1]!.zeroShot]) {
      expect(f.f1Macro).toBeGreaterThanOrEqual(0);
      expect(f.f1Macro).toBeLessThanOrEqual(1);
      expect(f.map).toBeGreaterThan(0);
    }
    const json = JSON.parse(await readFile(result.files.json, 'utf8'));
    expect(json.styles[0].zeroShot).toEqual(held.zeroShot);
    const table = await readFile(result.files.table, 'utf8');
    expect(table).toContain(`| low-light-noisy | held-out | shipped features, head fine-tuned | 2 | ${held.zeroShot.f1Macro.toFixed(3)} / ${held.zeroShot.map.toFixed(3)} |`);
    expect(table).toContain(`| low-light-noisy | held-out | **adapted** features, new head | 2 | ${held.adapted!.f1Macro.toFixed(3)} / ${held.adapted!.map.toFixed(3)} |`);
    const png = await readFile(result.files.plot);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(720);
    // A second run reuses the generated fields and cached embeddings and measures the same.
    const again = await runShiftBench(options);
    expect(again.styles).toEqual(result.styles);
  });

  it('measures a whole-network package: zero-shot and +N head-only on its embedding, no adapted columns (it has no codebooks)', { timeout: 240_000 }, async () => {
    const root = tempDir('ana-shift-net-');
    const data = await writeDataset({ outDir: join(root, 'data'), count: 10, seed: 3, sizePx: { width: 240, height: 200 }, format: 'png-grey8', splits: { train: 0.5, val: 0.2, test: 0.3 }, labelDistribution: { ...DEFAULT_LABEL_DISTRIBUTION, negativeRate: 0 } });
    const modelDir = join(root, 'net');
    await runWholeNetworkTraining({ csvPath: data.csvPath, outDir: modelDir, version: '0.0.1-test', training: { maxEpochs: 1, batchSize: 8, seed: 2 }, augment: false, inputNorm: 'patch', aggregation: 'mean-logit', inputPx: 24, patchSizeUm: 50, defaultPixelSizeUm: 0.5, widths: [4, 8], providers: ['cpu'] });
    const logged: string[] = [];
    const result = await runShiftBench({ modelDir, workDir: join(root, 'work'), outDir: join(root, 'out'), heldOutStyles: ['low-light-noisy'], fieldsPerStyle: 12, sizePx: { width: 384, height: 288 }, signedCounts: [3, 10], seed: 2, log: (m) => logged.push(m) });
    const held = result.styles[0]!;
    expect(result.options.adapt).toBe(false);
    expect(held.adapted).toBeNull();
    expect(held.adaptedSigned).toEqual([]);
    expect(held.signed.map((s) => s.n)).toEqual([3, 10]);
    for (const f of [held.zeroShot, ...held.signed]) expect(f.map).toBeGreaterThan(0);
    expect(logged.join('\n')).toMatch(/is a whole network: the adapted columns .* are not measured/);
  });

  it('refuses a style that is both held out and a training style, and too few fields for the largest N', async () => {
    const root = tempDir('ana-shift-');
    const base = { modelDir: defaultModelDir(), workDir: root, outDir: root, sizePx: { width: 128, height: 96 } };
    await expect(runShiftBench({ ...base, heldOutStyles: ['classic'] })).rejects.toThrow(/both held out and a training/);
    await expect(runShiftBench({ ...base, fieldsPerStyle: 300 })).rejects.toThrow(/must exceed the largest signed count \(300\)/);
    const bad = await run('npx', ['tsx', 'electron/cli/ana.ts', 'bench', 'shift', '--held-out', 'nope']).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toMatch(/unknown style 'nope'/);
  });
});
