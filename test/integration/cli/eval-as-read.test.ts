/**
 * `ana eval --as-read` against `ana read --json` on the same files into another record: the fields
 * it scores are the readings the product makes (offered calls, gate counts, the model's
 * probabilities at the package's thresholds), matched to rows by path. Generated fields of a lab
 * style whose screening misses some positive fields, so the gate has a cost to measure; two fields
 * per well (rows sharing an accession), a field the gate calls not readable (seed 7) and one missing file.
 */
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evalCommand } from '../../../electron/cli/commands/eval';
import type { ReadJsonItem } from '../../../electron/cli/commands/read';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { projectRoot } from '../../../electron/core/paths';
import { DEFAULT_LABEL_DISTRIBUTION, readDatasetCsv, writeDataset } from '../../../electron/core/synth';
import { gateWords, type AsReadReport } from '../../../electron/core/training/metrics/as-read';
import { evaluate, evaluatePredicted } from '../../../electron/core/training/metrics/metrics';
import { anaChild } from '../../support/ana-cli';
import { runCommand } from '../../support/cli-run';
import { tempDir } from '../../support/temp-dir';

const modelDir = join(projectRoot(), 'native-models/ana-default');
let dir: string;
let csv: string;

beforeAll(async () => {
  dir = tempDir('ana-eval-as-read-test-');
  const data = await writeDataset({
    outDir: join(dir, 'data'),
    count: 12,
    seed: 7,
    sizePx: { width: 768, height: 576 },
    style: 'low-light-noisy',
    fieldsPerCase: 2,
    unstatedPixelSize: true,
    splits: { test: 1 },
    labelDistribution: { ...DEFAULT_LABEL_DISTRIBUTION, negativeRate: 0.25 },
  });
  csv = data.csvPath;
  // A row whose file is gone: reported as failed, scored as predicting nothing.
  await appendFile(csv, 'images/A2026-9999_F1.png,homogeneous,test\n');
});

describe('ana eval --as-read', () => {
  it('scores what ana read offers on the same files, the model as read at the thresholds, and the gate', async () => {
    const asRead = anaChild(['eval', '--as-read', '--data', csv, '--model', modelDir, '--provider', 'cpu', '--pixel-size-um', '0.3', '--json', join(dir, 'as-read.json')]);
    expect(asRead.status, asRead.stderr).toBe(0);
    // The scratch record's folder is gone (the child shares this run's private TMPDIR).
    expect((await readdir(tmpdir())).filter((n) => n.startsWith('ana-eval-as-read-') && !n.startsWith('ana-eval-as-read-test-'))).toEqual([]);
    const report = JSON.parse(await readFile(join(dir, 'as-read.json'), 'utf8')) as AsReadReport;

    // The same files through `ana read`, with a profile file stating the same size.
    const rows = await readDatasetCsv(csv);
    await writeFile(join(dir, 'scope.json'), JSON.stringify({ name: 'eval', pixelSizeUm: 0.3 }));
    const read = anaChild(['read', ...rows.map((r) => r.absolutePath), '--db', join(dir, 'read.db'), '--model', modelDir, '--provider', 'cpu', '--profile', join(dir, 'scope.json'), '--json', join(dir, 'read.json')]);
    expect(read.status, read.stderr).toBe(0);
    const items = JSON.parse(await readFile(join(dir, 'read.json'), 'utf8')) as ReadJsonItem[];
    const byFile = new Map(items.map((i) => [i.file, i]));
    const fields = rows.map((r) => ({ truth: r.labels, item: byFile.get(r.absolutePath)! }));
    expect(fields.every((f) => f.item)).toBe(true);

    const { manifest } = await loadModelPackage(modelDir);
    const labels = manifest.labels.map((l) => l.key);
    const K = labels.length;
    const matrix = (of: (f: (typeof fields)[number], key: string) => number) => fields.flatMap((f) => labels.map((key) => of(f, key)));
    const data = { truth: matrix((f, key) => (f.truth.includes(key) ? 1 : 0)), scores: matrix((f, key) => f.item.probabilities[key] ?? 0), imageCount: fields.length, labelCount: K };

    // Offered: exactly the reading's `predicted`.
    const offered = evaluatePredicted(data, labels, matrix((f, key) => (f.item.predicted.includes(key) ? 1 : 0)));
    expect(report.offered.label_set_confusion).toEqual(offered.label_set_confusion);
    expect(report.offered.f1_macro).toBeCloseTo(offered.f1_macro, 10);
    expect(report.offered.f1_micro).toBeCloseTo(offered.f1_micro, 10);
    expect(report.offered.map).toBeCloseTo(offered.map, 2); // the read JSON rounds probabilities to 4 decimals
    // The model as read: the readings' probabilities at the package's thresholds.
    const model = evaluate(data, labels, labels.map((key) => manifest.thresholds[key] ?? 0.5));
    expect(report.modelAsRead.label_set_confusion).toEqual(model.label_set_confusion);
    expect(report.modelAsRead.f1_macro).toBeCloseTo(model.f1_macro, 10);

    // The gate, counted from the read JSON.
    const done = fields.filter((f) => f.item.status !== 'failed');
    const notReadable = done.filter((f) => f.item.quality?.verdict === 'not-readable');
    const screenedNegative = done.filter((f) => f.item.screening?.call === 'negative');
    const positives = fields.filter((f) => f.truth.length > 0);
    const positivesOfferedNone = positives.filter((f) => f.item.predicted.length === 0);
    const calledRight = (f: (typeof fields)[number]) => f.item.quality?.verdict === 'readable' && f.truth.some((key) => f.item.probabilities[key]! >= (manifest.thresholds[key] ?? 0.5));
    const negatives = fields.filter((f) => f.truth.length === 0);
    expect(report.gate).toMatchObject({
      fields: 13,
      failed: [{ path: join(dir, 'data/images/A2026-9999_F1.png'), error: expect.stringContaining('A2026-9999_F1.png') }],
      notReadable: notReadable.length,
      screenedNegative: screenedNegative.length,
      screenedPositive: done.filter((f) => f.item.screening?.call === 'positive').length,
      screeningProfiles: ['generic'],
      positiveFields: positives.length,
      positiveOfferedNone: positivesOfferedNone.length,
      positiveOfferedNoneModelRight: positivesOfferedNone.filter(calledRight).length,
      negativeFields: negatives.length,
      negativeOfferedNone: negatives.filter((f) => f.item.predicted.length === 0).length,
    });
    // Not a vacuous set: negatives and positives, rows sharing an accession, and screening withholding a right call.
    expect(negatives.length).toBeGreaterThan(0);
    expect(report.gate.notReadable).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.accession)).size).toBeLessThan(items.length);
    expect(report.gate.positiveOfferedNoneModelRight).toBeGreaterThan(0);
    expect(report.offered.f1_macro).toBeLessThan(report.modelAsRead.f1_macro);

    expect(asRead.stdout).toContain(gateWords(report.gate));
    expect(asRead.stdout).toContain(`Model as read (the same readings at the package's thresholds, screening ignored): F1 macro ${report.modelAsRead.f1_macro.toFixed(3)}`);
    expect(asRead.stdout).toContain('pixel size: 12 at the given 0.3 µm/px');
    expect(asRead.stderr).toMatch(/failed: .*A2026-9999_F1\.png/);
  });

  it('refuses --profile without --as-read, --profile with --pixel-size-um, and --cache with --as-read', async () => {
    const profile = join(dir, 'scope.json');
    await writeFile(profile, JSON.stringify({ name: 'eval', pixelSizeUm: 0.3 }));
    const run = (...args: string[]) => runCommand(evalCommand, ['--data', csv, '--model', modelDir, ...args]);
    expect(await run('--profile', profile)).toEqual({ code: 2, out: expect.stringMatching(/--profile is for --as-read/) });
    expect(await run('--as-read', '--profile', profile, '--pixel-size-um', '0.3')).toEqual({ code: 2, out: expect.stringMatching(/either --profile FILE or --pixel-size-um U/) });
    expect(await run('--as-read', '--cache', join(dir, 'cache'))).toEqual({ code: 2, out: expect.stringMatching(/--cache is for the model-alone evaluation/) });
  });
});
