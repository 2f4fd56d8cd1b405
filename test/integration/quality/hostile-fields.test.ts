/**
 * Issue 14: the workstation never says more than the image supports. Hostile fields go through
 * the real reading pipeline (files decoded by sharp, the model in ONNX Runtime, the record in
 * SQLite): each is `not-readable` with the right reason, is not scored, and gets no pattern.
 * Generated normal fields (a negative, a weak positive, and a small 40× field holding 7 cells,
 * which a fixed count of 10 refused) stay readable. On the code before the field-quality analysis,
 * the black field alone was read as four patterns at confidence 1.00.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../electron/core/db/connection';
import { getReadingById, getReadingCells } from '../../../electron/core/db/reading.repo';
import { createReadingService } from '../../../electron/core/reading/reading.service';
import type { NotReadableReason } from '../../../electron/contract/quality';
import { generateField } from '../../../electron/core/synth';
import { gaussianBlur } from '../../../electron/core/synth/raster';
import { writeGrey16Tiff, writeGrey8 } from '../../fixtures/slide-images';
import { writeTestPackage } from '../../fixtures/model-package';

const PIXEL_UM = 0.5;
let dir: string;
let modelDir: string;
const expected: Record<string, NotReadableReason | null> = {};

const to16 = (fitc: Float32Array) => Uint16Array.from(fitc, (v) => Math.round(Math.min(1, Math.max(0, v)) * 65535));

async function grey8(name: string, width: number, height: number, value: (i: number) => number, reason: NotReadableReason): Promise<void> {
  await writeGrey8(join(dir, 'day', name), Uint8Array.from({ length: width * height }, (_, i) => value(i)), width, height, 'png');
  expected[name] = reason;
}

async function generated(name: string, options: Parameters<typeof generateField>[0], seed: number, reason: NotReadableReason | null, blurUm = 0): Promise<void> {
  const f = generateField(options, seed);
  if (blurUm) gaussianBlur(f.fitc, f.widthPx, f.heightPx, blurUm / f.pixelSizeUm);
  await writeGrey16Tiff(join(dir, 'day', name), to16(f.fitc), f.widthPx, f.heightPx, f.pixelSizeUm);
  expected[name] = reason;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-hostile-'));
  modelDir = join(dir, 'model');
  await writeTestPackage(modelDir);
  await mkdir(join(dir, 'day'));
  let s = 12345;
  const noise = () => ((s = (s * 1103515245 + 12345) % 2147483648) >> 23) & 255;
  await grey8('black.png', 512, 384, () => 0, 'blank');
  await grey8('grey.png', 512, 384, () => 128, 'blank');
  await grey8('noise.png', 512, 384, noise, 'no-cells');
  await grey8('one-pixel.png', 1, 1, () => 200, 'too-small');
  await grey8('sixteen.png', 16, 16, () => 200, 'too-small');
  await grey8('white.png', 512, 384, () => 255, 'saturated');
  const size = { widthPx: 768, heightPx: 576, pixelSizeUm: PIXEL_UM };
  await generated('blurred-positive.tif', { ...size, labels: ['homogeneous'], intensity: 0.6 }, 7, 'out-of-focus', 6);
  await generated('three-cells.tif', { ...size, labels: ['speckled'], intensity: 0.5, cellCount: 3 }, 8, 'too-few-cells');
  await generated('negative.tif', { ...size, labels: [] }, 21, null);
  await generated('weak-positive.tif', { ...size, labels: ['centromere'], intensity: 0.12 }, 22, null);
  // 1024×768 at 0.18 µm/px: 0.025 mm², 7 cells (≈ 280 per mm², a sparse but normal density).
  await generated('small-40x.tif', { widthPx: 1024, heightPx: 768, pixelSizeUm: 0.18, labels: ['homogeneous'], intensity: 0.5, cellCount: 7, style: 'research-40x-mono16', format: 'tiff-grey16' }, 30, null);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('hostile fields through the reading pipeline', () => {
  it('reads each hostile field as not-readable with its reason, unscored and without a pattern; normal fields stay readable', async () => {
    const db = openDatabase(':memory:');
    const service = createReadingService({ db, modelDir, providers: ['cpu'], useWorker: false, log: () => undefined });
    try {
      const summary = await service.read([join(dir, 'day')]);
      const byName = Object.fromEntries(summary.items.map((i) => [i.path.split('/').pop()!, i]));
      expect(Object.keys(byName).sort()).toEqual(Object.keys(expected).sort());
      for (const [name, reason] of Object.entries(expected)) {
        const item = byName[name]!;
        expect({ name, status: item.status, verdict: item.quality?.verdict, reason: item.quality?.reason }).toEqual({
          name,
          status: 'done',
          verdict: reason ? 'not-readable' : 'readable',
          reason,
        });
        const stored = getReadingById(db, item.readingId!)!;
        expect(stored.quality).toEqual(item.quality);
        if (reason) {
          expect(stored.predicted).toEqual([]);
          expect(stored.probabilities.every((p) => p === 0)).toBe(true);
          expect(stored.screening).toBeNull();
          expect(Array.from(stored.patchScores).every((v) => v === 0)).toBe(true);
        } else {
          expect(stored.screening?.call).toMatch(/^(negative|positive)$/);
          expect(item.quality!.cells).toBeGreaterThan(name === 'small-40x.tif' ? 4 : 20);
          expect(getReadingCells(db, stored.id).length).toBe(item.quality!.cells + item.quality!.mitoses);
        }
      }
    } finally {
      await service.close();
      db.close();
    }
  }, 120_000);
});
