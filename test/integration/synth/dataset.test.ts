/**
 * The generator's files: deterministic to the byte, in the project's dataset format, and every
 * format readable by the app's own slide decoder with the signal, bit depth, DAPI page and pixel
 * size intact. Also the `ana synth` command end to end.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeSlide, decodeSlideBytes } from '../../../electron/core/slides/decode';
import { encodeField, generateField, LAB_STYLES, readDatasetCsv, SYNTH_FORMATS, writeDataset } from '../../../electron/core/synth';
import { tempDir } from '../../support/temp-dir';

const run = promisify(execFile);

async function folderBytes(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const name of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (name.isFile()) out.set(join(name.parentPath, name.name).slice(dir.length), await readFile(join(name.parentPath, name.name)));
  }
  return out;
}

describe('synthetic dataset files', () => {
  it('same seed gives byte-identical files, another seed different ones', async () => {
    const root = tempDir('ana-synth-');
    const options = { count: 5, sizePx: { width: 320, height: 240 }, format: 'mixed' as const, fieldsPerCase: 2 };
    await writeDataset({ ...options, outDir: join(root, 'a'), seed: 7 });
    await writeDataset({ ...options, outDir: join(root, 'b'), seed: 7 });
    await writeDataset({ ...options, outDir: join(root, 'c'), seed: 8 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((d) => folderBytes(join(root, d))));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect(a.size).toBe(5 + 2);
    for (const [name, bytes] of a) expect(bytes.equals(b.get(name)!), name).toBe(true);
    const differing = [...a].filter(([name, bytes]) => name.startsWith('/images/') && !c.get(name)?.equals(bytes));
    expect(differing.length).toBeGreaterThan(0);
  });

  it('writes labels.csv and truth.jsonl that agree, split by case', async () => {
    const dir = tempDir('ana-synth-');
    const summary = await writeDataset({ outDir: dir, count: 12, seed: 3, sizePx: { width: 256, height: 192 }, fieldsPerCase: 2, splits: { train: 2, test: 1 } });
    const rows = await readDatasetCsv(summary.csvPath);
    expect(rows.length).toBe(12);
    expect(new Set(rows.map((r) => r.split))).toEqual(new Set(['train', 'test']));
    expect(rows.filter((r) => r.split === 'train').length).toBe(8);
    const truth = (await readFile(summary.truthPath, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(truth.map((t) => t.path)).toEqual(rows.map((r) => r.path));
    truth.forEach((t, i) => {
      expect(t.labels).toEqual(rows[i]!.labels);
      expect(t.cells.length).toBeGreaterThan(0);
      expect(t.cells[0]).toMatchObject({ centreXPx: expect.any(Number), box: { xPx: expect.any(Number) }, patterns: rows[i]!.labels });
    });
    // Fields of one accession share serum and split; names follow the camera-export pattern.
    for (const r of rows) expect(r.path).toMatch(/^images\/A2026-\d{4}_F[12]\.png$/);
    const byCase = new Map<string, typeof rows>();
    for (const r of rows) byCase.set(r.path.slice(7, 17), [...(byCase.get(r.path.slice(7, 17)) ?? []), r]);
    expect(byCase.size).toBe(6);
    for (const group of byCase.values()) {
      expect(new Set(group.map((r) => r.split)).size).toBe(1);
      expect(new Set(group.map((r) => r.labels.join(' '))).size).toBe(1);
    }
    await expect(writeDataset({ outDir: dir, count: 1, seed: 1 })).rejects.toThrow(/labels.csv already exists/);
  });

  it('every format decodes through the app slide reader', async () => {
    const dir = tempDir('ana-synth-');
    const field = generateField({ widthPx: 300, heightPx: 200, labels: ['homogeneous', 'golgi'], dapi: true, pixelSizeUm: 0.5 }, 4);
    for (const format of SYNTH_FORMATS) {
      const path = join(dir, `f.${format}`);
      await writeFile(path, await encodeField(field, format));
      const slide = await decodeSlide(path);
      expect([slide.widthPx, slide.heightPx], format).toEqual([300, 200]);
      const sixteen = format.includes('16');
      expect(slide.bitDepth, format).toBe(sixteen ? 16 : 8);
      let maxError = 0;
      let sumError = 0;
      for (let i = 0; i < field.fitc.length; i++) {
        const e = Math.abs(slide.fitc[i]! - field.fitc[i]!);
        maxError = Math.max(maxError, e);
        sumError += e;
      }
      if (format.startsWith('jpeg')) expect(sumError / field.fitc.length, format).toBeLessThan(0.01);
      else expect(maxError, format).toBeLessThanOrEqual(sixteen ? 0.5 / 65535 + 1e-6 : 0.5 / 255 + 1e-6);
      expect(slide.pixelSizeUm, format).toBeCloseTo(0.5, 3);
      if (format === 'tiff-fitc-dapi16') {
        expect(slide.pages).toBe(2);
        expect(slide.dapi).not.toBeNull();
        let dapiError = 0;
        for (let i = 0; i < field.dapi!.length; i++) dapiError = Math.max(dapiError, Math.abs(slide.dapi![i]! - field.dapi![i]!));
        expect(dapiError).toBeLessThanOrEqual(0.5 / 65535 + 1e-6);
      }
    }
  });

  it('every format can be written stating no pixel size, with the same pixels', async () => {
    const dir = tempDir('ana-synth-unstated-');
    const field = generateField({ widthPx: 300, heightPx: 200, labels: ['speckled'], dapi: true, pixelSizeUm: 0.2 }, 5);
    for (const format of SYNTH_FORMATS) {
      const stated = await decodeSlideBytes(format, await encodeField(field, format));
      const unstated = await decodeSlideBytes(format, await encodeField(field, format, { statesPixelSize: false }));
      // JPEG cannot state 0.2 µm/px (its density field stops at ~0.39): it states none either way.
      expect(stated.pixelSizeUm, format).toBe(format === 'jpeg-rgb8' ? null : 0.2);
      expect(unstated.pixelSizeUm, format).toBeNull();
      expect(Buffer.from(unstated.fitc.buffer).equals(Buffer.from(stated.fitc.buffer)), format).toBe(true);
    }
    // Through the command: the truth file keeps the true size.
    await run('npx', ['tsx', 'electron/cli/ana.ts', 'synth', '--out', dir, '--count', '2', '--seed', '3', '--size', '256x192', '--style', 'research-40x-mono16', '--no-pixel-size'], { cwd: process.cwd() });
    const [row] = await readDatasetCsv(join(dir, 'labels.csv'));
    const [truth] = (await readFile(join(dir, 'truth.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect((await decodeSlide(row!.absolutePath)).pixelSizeUm).toBeNull();
    expect(truth.pixelSizeUm).toBeGreaterThanOrEqual(0.15);
  });

  it('ana synth writes a dataset and rejects bad options', async () => {
    const dir = tempDir('ana-synth-cli-');
    const { stdout } = await run('npx', ['tsx', 'electron/cli/ana.ts', 'synth', '--out', dir, '--count', '3', '--seed', '2', '--size', '256x192', '--pixel-size', '0.3-0.6', '--format', 'tiff-grey16'], { cwd: process.cwd() });
    expect(stdout).toMatch(/Wrote 3 field\(s\)/);
    const rows = await readDatasetCsv(join(dir, 'labels.csv'));
    expect(rows.map((r) => r.path.endsWith('.tif'))).toEqual([true, true, true]);
    const bad = await run('npx', ['tsx', 'electron/cli/ana.ts', 'synth', '--out', dir, '--count', '3', '--format', 'gif']).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toMatch(/unknown --format 'gif'/);
    const badMixing = await run('npx', ['tsx', 'electron/cli/ana.ts', 'synth', '--out', dir, '--count', '3', '--cell-mixing', 'half']).catch((e: { code: number; stderr: string }) => e);
    expect((badMixing as { stderr: string }).stderr).toMatch(/unknown --cell-mixing 'half' \(known: shared, separate\)/);
  });

  it('ana synth --cell-mixing separate gives each cell of a mixed serum one of its patterns, and says so in truth.jsonl', async () => {
    const dir = tempDir('ana-synth-separate-');
    await run('npx', ['tsx', 'electron/cli/ana.ts', 'synth', '--out', dir, '--count', '6', '--seed', '4', '--size', '256x192', '--style', 'mercury-hotspot-12bit', '--cell-mixing', 'separate'], { cwd: process.cwd() });
    const truths = (await readFile(join(dir, 'truth.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { labels: string[]; cellMixing?: string; cells: { patterns: string[] }[] });
    const mixed = truths.filter((t) => t.labels.length > 1);
    expect(mixed.length).toBeGreaterThan(0);
    for (const t of truths) {
      expect(t.cellMixing).toBe('separate');
      for (const cell of t.cells) {
        if (t.labels.length < 2) expect(cell.patterns).toEqual(t.labels);
        else expect(cell.patterns.length === 1 && t.labels.includes(cell.patterns[0]!)).toBe(true);
      }
    }
    for (const t of mixed) expect(new Set(t.cells.map((c) => c.patterns[0])).size).toBe(Math.min(t.labels.length, t.cells.length));
  });

  it('the committed demo day is complete, readable and under 20 MB', async () => {
    const dir = join(process.cwd(), 'resources/demo-slides');
    const rows = await readDatasetCsv(join(dir, 'labels.csv'));
    expect(rows.length).toBe(24);
    const truth = (await readFile(join(dir, 'truth.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(truth.map((t) => t.path)).toEqual(rows.map((r) => r.path));
    const seen = new Set(rows.flatMap((r) => r.labels));
    expect(seen.size).toBe(8);
    expect(rows.some((r) => r.labels.length === 0)).toBe(true);
    let bytes = 0;
    for (const row of rows) {
      expect(row.path).toMatch(/^images\/A2026-04\d\d_F[12]\.(png|jpg)$/);
      const slide = await decodeSlide(row.absolutePath);
      expect([slide.widthPx, slide.heightPx]).toEqual([1280, 960]);
      expect(slide.pixelSizeUm).toBeCloseTo(0.45, 2);
      bytes += (await readFile(row.absolutePath)).length;
    }
    expect(bytes + (await readFile(join(dir, 'truth.jsonl'))).length).toBeLessThan(20 * 1024 * 1024);
  });

  it('a styled dataset records its style per field and every style decodes through the app slide reader', async () => {
    const root = tempDir('ana-synth-styles-');
    for (const [k, style] of LAB_STYLES.entries()) {
      const dir = join(root, style.name);
      await writeDataset({ outDir: dir, count: 1, seed: 40 + k, sizePx: { width: 192, height: 144 }, style: style.name, splits: { test: 1 } });
      const [row] = await readDatasetCsv(join(dir, 'labels.csv'));
      const [truth] = (await readFile(join(dir, 'truth.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
      expect(truth.style, style.name).toBe(style.name);
      expect(style.camera.formats, style.name).toContain(truth.format);
      expect(truth.pixelSizeUm).toBeGreaterThanOrEqual(style.optics.pixelSizeUm[0]);
      expect(truth.pixelSizeUm).toBeLessThanOrEqual(style.optics.pixelSizeUm[1]);
      const slide = await decodeSlide(row!.absolutePath);
      expect([slide.widthPx, slide.heightPx], style.name).toEqual([192, 144]);
      if (truth.format === 'tiff-fitc-dapi16') expect(slide.dapi, style.name).not.toBeNull();
      // JPEG's density field cannot state pixel sizes below ~0.39 µm; every other file carries it.
      if (truth.format !== 'jpeg-rgb8' || truth.pixelSizeUm >= 0.39) expect(slide.pixelSizeUm, style.name).toBeCloseTo(truth.pixelSizeUm, 2);
    }
  });
});
