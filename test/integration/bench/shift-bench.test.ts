/**
 * `ana bench shift` end to end at a tiny scale: styled fields are generated, embedded through the
 * shipped model in ONNX Runtime, the head is fine-tuned on N signed fields, and the table, JSON
 * and learning-curve PNG are written. The figures are not judged here (a handful of fields), only
 * that they are real measurements in range and that the files agree.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { atFinetuneThresholds, runShiftBench, shiftTableMarkdown } from '../../../electron/cli/bench/shift-bench';
import { benchTrainingOptions } from '../../../electron/cli/bench/shift-network';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { formatDatasetCsv, readDatasetCsv } from '../../../electron/core/synth';
import { finetuneNetworkOnDataset } from '../../../electron/core/training/finetune/finetune-dataset';
import { defaultModelDir } from '../../../electron/core/paths';
import { tempDir } from '../../support/temp-dir';
import { Random } from '../../../electron/core/random';
import { runWholeNetworkTraining } from '../../../electron/core/training/network/train-network';
import { FILTER_BANK_0_4_0_DIR } from '../../fixtures/model-package';
import { writeFieldDataset } from '../training/fields';

const run = promisify(execFile);

describe('domain-shift benchmark', () => {
  it('writes zero-shot, +N signed and adapted figures for a held-out style, with the reference style zero-shot', { timeout: 240_000 }, async () => {
    const root = tempDir('ana-shift-');
    // The adapted rows re-learn a filter-bank extractor's codebooks: 0.4.0, the last default of that family.
    const options = { modelDir: FILTER_BANK_0_4_0_DIR, workDir: join(root, 'work'), outDir: join(root, 'out'), heldOutStyles: ['low-light-noisy'], fieldsPerStyle: 12, sizePx: { width: 384, height: 288 }, signedCounts: [3, 10], seed: 2 };
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
    // Every threshold rule is measured beside 0.5, the out-of-fold ones (cv, platt) and prevalence matching included.
    for (const f of [...held.signed, ...held.adaptedSigned]) expect(Object.keys(f.thresholds!).sort()).toEqual(['cv', 'platt', 'prevalence', 'shrunk', 'tuned']);
    expect(shiftTableMarkdown(result)).toMatch(/\/ best F1 on 5-fold out-of-fold scores of all N \(cv\) \/ Platt scaling on those scores \(platt\) \/ each label called on as many of the N fields as carry it/);
    const json = JSON.parse(await readFile(result.files.json, 'utf8'));
    expect(json.styles[0].zeroShot).toEqual(held.zeroShot);
    const table = await readFile(result.files.table, 'utf8');
    expect(table).toContain(`| low-light-noisy | held-out | shipped features, head fine-tuned | 2 | ${held.zeroShot.f1Macro.toFixed(3)} / ${held.zeroShot.map.toFixed(3)} |`);
    expect(table).toContain(`| low-light-noisy | held-out | **adapted** features, new head | 2 | ${held.adapted!.f1Macro.toFixed(3)} / ${held.adapted!.map.toFixed(3)} |`);
    // The zero-shot errors, told from the generator's truth: every pattern of every test field is counted once per tally.
    for (const s of result.styles) {
      const rows = (await readDatasetCsv(join(root, 'work', `${s.style}-s2-384x288-n12-p10`, 'labels.csv'))).filter((r) => r.split === 'test');
      const positives = rows.reduce((n, r) => n + r.labels.length, 0);
      const e = s.zeroShotErrors;
      expect(Object.values(e.bySerum).reduce((n, f) => n + f.positives, 0)).toBe(positives);
      expect(Object.values(e.bySignal).reduce((n, f) => n + f.positives, 0)).toBe(positives);
      expect(Object.values(e.falseCalls).reduce((n, f) => n + f.fields, 0)).toBe(s.testFields);
    }
    expect(table).toContain("Where the zero-shot errors are, from the generator's truth");
    expect(table).toMatch(/\| low-light-noisy \| (—|\d\.\d\d \(\d+\/\d+\)) \|/);
    const png = await readFile(result.files.plot);
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(720);
    // A second run reuses the generated fields and cached embeddings and measures the same.
    const again = await runShiftBench(options);
    expect(again.styles).toEqual(result.styles);
  });

  it('fine-tunes a whole-network package itself on +N signed fields (the network recipe): no head or codebook rows', { timeout: 240_000 }, async () => {
    const root = tempDir('ana-shift-net-');
    const csvPath = await writeFieldDataset(root, 'fields.csv', 16, new Random(5), (i) => (i < 10 ? 'train' : i < 13 ? 'val' : 'test'));
    const net = join(root, 'net');
    await runWholeNetworkTraining({ csvPath, outDir: net, version: '1.0.0', training: { maxEpochs: 2, patience: 2, batchSize: 8, lr: 1e-2, seed: 1 }, augment: false, inputPx: 16, patchSizeUm: 100, defaultPixelSizeUm: 0.5, widths: [4, 8], providers: ['cpu'] });
    const options = { modelDir: net, workDir: join(root, 'work'), outDir: join(root, 'out'), heldOutStyles: ['low-light-noisy'], referenceStyles: [], fieldsPerStyle: 12, sizePx: { width: 384, height: 288 }, signedCounts: [3, 10], seed: 2, providers: ['cpu' as const] };
    const result = await runShiftBench({ ...options, networkFinetune: { mode: 'all', signedCounts: [10], maxEpochs: 2 } });
    const held = result.styles[0]!;
    // A whole network has no head or codebook rows: zero-shot through its own graph, then the network itself fine-tuned.
    expect(held.signed).toEqual([]);
    expect(held.adapted).toBeNull();
    expect(held.zeroShot.map).toBeGreaterThan(0);
    expect(held.networkSigned!.map((s) => s.n)).toEqual([10]);
    expect(Object.keys(held.networkSigned![0]!.thresholds!)).toEqual(['tuned', 'prevalence']);
    expect(result.heldOutMean.networkSigned).toEqual(held.networkSigned);
    // Thresholds only: the package's ranking at thresholds re-fitted on the +10, as `ana train --base --mode thresholds` fits them on the same fields.
    expect(held.networkThresholdsOnly!.map((s) => s.n)).toEqual([10]);
    expect(held.networkThresholdsOnly![0]!.map).toBe(held.zeroShot.map);
    const rows = await readDatasetCsv(join(root, 'work', 'low-light-noisy-s2-384x288-n12-p10', 'labels.csv'));
    const thresholdsCsv = join(root, 'work', 'low-light-noisy-s2-384x288-n12-p10', 'thresholds.csv');
    await writeFile(thresholdsCsv, formatDatasetCsv(rows.map((r) => ({ ...r, split: r.split === 'signed' ? 'train' : r.split }))));
    const product = await finetuneNetworkOnDataset({ dataCsv: thresholdsCsv, base: await loadModelPackage(net), outDir: join(root, 'thresholds-only'), mode: 'thresholds', providers: ['cpu'] });
    expect(Math.round(product.candidate.candidateScored.report.f1_macro * 1000) / 1000).toBe(held.networkThresholdsOnly![0]!.f1Macro);
    const cell = (f: { f1Macro: number; map: number }) => `${f.f1Macro.toFixed(3)} / ${f.map.toFixed(3)}`;
    expect(shiftTableMarkdown(result)).toContain(`| **held-out mean** | | **thresholds only** (the package's weights, prevalence thresholds on the +N: \`ana finetune --mode thresholds\`) | | **${cell(held.zeroShot)}** | — | ${cell(held.networkThresholdsOnly![0]!)} | — |`);
    // One training thread (--threads 1, for one style per process side by side) measures the same.
    const oneThread = await runShiftBench({ ...options, networkFinetune: { mode: 'all', signedCounts: [10], maxEpochs: 2, threads: 1 } });
    expect(oneThread.styles[0]!.networkSigned).toEqual(held.networkSigned);
    for (const f of held.networkSigned!) expect(f.map).toBeGreaterThan(0);
    // Below 200 signed, `ana finetune` keeps the package's thresholds: the same cells.
    expect(shiftTableMarkdown(result)).toContain(`| **held-out mean** | | the same at \`ana finetune\`'s thresholds (the package's below 200 signed, prevalence from 200) | | **${held.zeroShot.f1Macro.toFixed(3)} / ${held.zeroShot.map.toFixed(3)}** | — | ${held.networkSigned![0]!.f1Macro.toFixed(3)} / ${held.networkSigned![0]!.map.toFixed(3)} | — |`);
    expect(shiftTableMarkdown(result)).toContain(`| **held-out mean** | | **whole network** fine-tuned (all, blended auto, learning rate auto) | | **${held.zeroShot.f1Macro.toFixed(3)} / ${held.zeroShot.map.toFixed(3)}** | — | ${held.networkSigned![0]!.f1Macro.toFixed(3)} / ${held.networkSigned![0]!.map.toFixed(3)} |`);
    // Blended all the way back to the package's weights, the fine-tuned network reads as zero-shot at the package's thresholds.
    // (+25 of 30 fields, seed 4: the fine-tuning keeps a trained epoch and changes the test fields' ranking; seeds
    // 1, 2, 3, 5 and 6 keep the package's weights by the early-stopping mAP, which five fields rarely move. At +10
    // every seed tried (1–16) kept the package's weights: the labels trained, the only ones that choose the epoch,
    // read the two early-stopping fields no better after either epoch.)
    const wider = { ...options, fieldsPerStyle: 30, signedCounts: [25], seed: 4 };
    const moved = (await runShiftBench({ ...wider, networkFinetune: { mode: 'all', signedCounts: [25], maxEpochs: 2, blend: 1 } })).styles[0]!;
    expect(moved.networkTraining![0]!.bestEpoch).toBeGreaterThan(0);
    expect(moved.networkSigned![0]!.map).not.toBe(moved.zeroShot.map);
    const back = await runShiftBench({ ...wider, networkFinetune: { mode: 'all', signedCounts: [25], maxEpochs: 2, blend: 0 } });
    const { thresholds: _rules, n: _n, ...fixed } = back.styles[0]!.networkSigned![0]!;
    expect(fixed).toEqual(back.styles[0]!.zeroShot);
    expect(shiftTableMarkdown(back)).toContain('**whole network** fine-tuned (all, blended 0, learning rate auto)');
    // How each fine-tuning went: the package's recorded rate (1e-2, above the fast rate, so trained once) unless one is given.
    expect(held.networkTraining).toEqual([{ n: 10, epochs: 2, bestEpoch: expect.any(Number), learningRate: 1e-2, blend: 0.5, seconds: expect.any(Number) }]);
    const given = await runShiftBench({ ...options, seed: 3, networkFinetune: { mode: 'all', signedCounts: [10], maxEpochs: 2, blend: 1, lr: 3e-2 } });
    // (the rate the training ran at: on two test fields the two rates' figures came out the same once
    // the labels the ten signed fields lack were left out of the loss)
    expect(given.styles[0]!.networkTraining![0]!.learningRate).toBe(3e-2);
    expect(shiftTableMarkdown(given)).toMatch(/fine-tuned \(all, learning rate 0\.03\)[\s\S]*\| low-light-noisy \| — \| 2 \(\d\), 0\.03, 1, \d+ s \|/);
    await expect(runShiftBench({ ...options, networkFinetune: { mode: 'all', signedCounts: [11] } })).rejects.toThrow(/network \+N 11 exceed the signed pool \(10 fields/);
    // --cell-mixing separate: the same sera in fields of their own, each cell of a mixed serum showing one of its patterns.
    const separate = await runShiftBench({ ...options, networkFinetune: { mode: 'all', signedCounts: [10], maxEpochs: 1 }, cellMixing: 'separate' });
    expect(separate.options.cellMixing).toBe('separate');
    expect(shiftTableMarkdown(separate)).toMatch(/^Domain-shift benchmark: .*, seed 2, mixed sera's patterns in separate cells\./);
    const separateDir = join(root, 'work', 'low-light-noisy-s2-384x288-n12-p10-separate');
    expect((await readDatasetCsv(join(separateDir, 'labels.csv'))).map((r) => r.labels)).toEqual(rows.map((r) => r.labels));
    const truths = (await readFile(join(separateDir, 'truth.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { labels: string[]; cellMixing: string; cells: { patterns: string[] }[] });
    expect(truths.every((t) => t.cellMixing === 'separate' && t.cells.every((c) => c.patterns.length === Math.min(1, t.labels.length)))).toBe(true);
  });

  it("reads a network's +N at the thresholds `ana finetune` gives its candidate: the package's below 200 signed, prevalence-matched from 200", () => {
    const at = (f1: number) => ({ f1Macro: f1, map: 0.9, negativesCalledNegative: 1 });
    expect(atFinetuneThresholds({ n: 199, ...at(0.8), thresholds: { prevalence: at(0.85) } })!.f1Macro).toBe(0.8);
    expect(atFinetuneThresholds({ n: 200, ...at(0.8), thresholds: { prevalence: at(0.85), tuned: at(0.7) } })).toEqual({ n: 200, ...at(0.85) });
    expect(atFinetuneThresholds({ n: 300, ...at(0.8), thresholds: { tuned: at(0.7) } })).toBeUndefined();
  });

  it('keeps the fine-tuned epoch as `ana finetune` does (early-stopping mAP as the package reads) unless asked otherwise', async () => {
    const { manifest } = await loadModelPackage(defaultModelDir());
    const asFinetune = benchTrainingOptions(manifest, { mode: 'all' }, 3);
    expect(asFinetune).toMatchObject({ epochSelection: 'map-as-read', readPooling: manifest.aggregation, seed: 3, keepInitialIfBest: true });
    for (const epochSelection of ['as-read', 'overall'] as const) {
      expect(benchTrainingOptions(manifest, { mode: 'all', epochSelection, maxEpochs: 4 }, 3)).toEqual({ ...asFinetune, epochSelection, maxEpochs: 4 });
    }
    expect(manifest.aggregation).toBe('mean-logit');
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
