import { describe, expect, it } from 'vitest';
import { cutPatches, padToPatch, patchRects, resamplePatch } from '../../../../electron/core/slides/patches';
import { Random } from '../../../../electron/core/random';

/** A deterministic field: smooth gradient plus a bright disc every 50 px. */
function field(w: number, h: number): Float32Array {
  const v = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) v[y * w + x] = 0.05 + 0.1 * (x / w) + (Math.hypot((x % 50) - 25, (y % 50) - 25) < 9 ? 0.6 : 0);
  return v;
}

function fingerprint(values: Float32Array): { mean: string; std: string } {
  let s = 0;
  let s2 = 0;
  for (const x of values) {
    s += x;
    s2 += x * x;
  }
  const mean = s / values.length;
  return { mean: mean.toFixed(5), std: Math.sqrt(s2 / values.length - mean * mean).toFixed(5) };
}

describe('patch preprocessing', () => {
  it('fingerprint: shape, mean and std of the model input for a fixed field', () => {
    const out = cutPatches(field(1000, 700), 1000, 700, 0.5, { patchSizeUm: 128, inputPx: 64, mean: 0.1, std: 0.2, backgroundMax: 0 });
    expect(out.patchSizePx).toBe(256);
    expect(out.rects).toHaveLength(4 * 3);
    expect(out.pixels).toHaveLength(12 * 64 * 64);
    expect(fingerprint(out.pixels)).toEqual({ mean: '0.28822', std: '0.81974' });
  });

  it('µm → px follows the pixel size: the same 128 µm patch spans 640, 256 or 197 px', () => {
    const img = field(1300, 1000);
    for (const [pixelUm, sizePx, count] of [[0.2, 640, 3 * 2], [0.5, 256, 6 * 4], [0.65, 197, 7 * 6]] as const) {
      const out = cutPatches(img, 1300, 1000, pixelUm, { patchSizeUm: 128, inputPx: 32, mean: 0, std: 1, backgroundMax: 0 });
      expect([pixelUm, out.patchSizePx, out.rects.length]).toEqual([pixelUm, sizePx, count]);
      for (const r of out.rects) expect(r.x + r.width <= 1300 && r.y + r.height <= 1000).toBe(true);
    }
  });

  it('skips background patches below the manifest threshold and records which', () => {
    const w = 512;
    const img = new Float32Array(w * 256).fill(0.01);
    for (let y = 0; y < 256; y++) for (let x = 256; x < 512; x++) img[y * w + x] = 0.3;
    const out = cutPatches(img, w, 256, 1, { patchSizeUm: 256, inputPx: 16, mean: 0, std: 1, backgroundMax: 0.05 });
    expect(out.kept).toEqual([false, true]);
  });

  it('patchRects gives the rectangles cutPatches cuts, small (padded) fields included', () => {
    for (const [w, h, pixelUm] of [[1000, 700, 0.5], [1300, 1000, 0.65], [200, 150, 0.5], [300, 900, 0.5]] as const) {
      const spec = { patchSizeUm: 128, inputPx: 16, mean: 0, std: 1, backgroundMax: 0 };
      expect(patchRects(w, h, pixelUm, spec)).toEqual(cutPatches(field(w, h), w, h, pixelUm, spec).rects);
    }
  });

  it('cuts only the wanted patches (the reader passes those with cells): the same pixels, the others not kept', () => {
    const img = field(1000, 700);
    const spec = { patchSizeUm: 128, inputPx: 32, mean: 0.1, std: 0.2, backgroundMax: 0 };
    const all = cutPatches(img, 1000, 700, 0.5, spec);
    const wanted = all.rects.map((_, i) => i % 3 !== 1);
    const some = cutPatches(img, 1000, 700, 0.5, spec, wanted);
    expect(some.kept).toEqual(wanted);
    const length = 32 * 32;
    wanted.forEach((w, i) => {
      const part = some.pixels.subarray(i * length, (i + 1) * length);
      if (w) expect(part).toEqual(all.pixels.subarray(i * length, (i + 1) * length));
      else expect(part.every((v) => v === 0)).toBe(true);
    });
  });

  it('keeps every patch of a field its grid does not fit exactly: 200 px patches into 96 px never read past the edge', () => {
    // 1024×768 at 0.5 µm/px with 100 µm patches: the last row starts at y 568 and y0 + 200/96 rounds
    // to just past row 767. Before the fix the last output row read row 768 (NaN) and the whole
    // bottom row of patches was dropped as not kept.
    const w = 1024;
    const h = 768;
    const spec = { patchSizeUm: 100, inputPx: 96, mean: 0, std: 1, backgroundMax: 0 };
    const { kept, pixels, rects } = cutPatches(field(w, h), w, h, 0.5, spec);
    expect(rects).toHaveLength(24);
    expect(kept.every(Boolean)).toBe(true);
    expect(pixels.some(Number.isNaN)).toBe(false);
    // A uniform image stays uniform at the edges (no pixel of the next row or past the end mixed in).
    const uniform = new Float32Array(w * h).fill(0.25);
    for (let y = 0; y < h; y++) uniform[y * w] = 0.9; // the next row's first pixel, were the right edge overread
    const out = new Float32Array(96 * 96);
    resamplePatch(uniform, w, { x: 824, y: 568, width: 200, height: 200 }, 96, out);
    for (const v of out) expect(v).toBeCloseTo(0.25, 6);
  });

  it('normalises each patch as (area average − mean) / std and keeps it by the average before that', () => {
    // A 200 px patch into 192 px (0.5 µm/px, 100 µm): the 192 px models' case.
    const [w, h] = [400, 200];
    const img = field(w, h);
    for (let y = 0; y < h; y++) for (let x = 0; x < 200; x++) img[y * w + x] = img[y * w + x]! * 0.1; // a dim left half
    const spec = { patchSizeUm: 100, inputPx: 192, mean: 0.3, std: 0.25, backgroundMax: 0.1 };
    const out = cutPatches(img, w, h, 0.5, spec);
    expect(out.rects).toEqual([{ x: 0, y: 0, width: 200, height: 200 }, { x: 200, y: 0, width: 200, height: 200 }]);
    const averages = new Float32Array(192 * 192);
    out.rects.forEach((rect, i) => {
      resamplePatch(img, w, rect, 192, averages);
      const mean = averages.reduce((a, v) => a + v, 0) / averages.length;
      expect(out.kept[i]).toBe(mean >= spec.backgroundMax);
      const patch = out.pixels.subarray(i * averages.length, (i + 1) * averages.length);
      expect(patch).toEqual(averages.map((v) => (v - spec.mean) / spec.std));
    });
    expect(out.kept).toEqual([false, true]);
  });

  it('area-average resampling preserves the mean of a region', () => {
    const img = field(300, 300);
    const out = new Float32Array(50 * 50);
    resamplePatch(img, 300, { x: 0, y: 0, width: 300, height: 300 }, 50, out);
    expect(fingerprint(out).mean).toBe(fingerprint(img).mean);
  });

  it('resamples each output pixel to the area average of the input it covers, down- and upscaling, up to the edge', () => {
    // The definition, one output pixel at a time: every input pixel weighted by its overlap.
    const direct = (img: Float32Array, w: number, h: number, r: { x: number; y: number; width: number; height: number }, size: number) =>
      Float32Array.from({ length: size * size }, (_, o) => {
        const [x0, y0] = [r.x + (o % size) * (r.width / size), r.y + Math.floor(o / size) * (r.height / size)];
        const [x1, y1] = [x0 + r.width / size, y0 + r.height / size];
        let sum = 0;
        let area = 0;
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const a = Math.max(0, Math.min(x + 1, x1) - Math.max(x, x0)) * Math.max(0, Math.min(y + 1, y1) - Math.max(y, y0));
            sum += img[y * w + x]! * a;
            area += a;
          }
        }
        return sum / area;
      });
    const rng = new Random(3);
    const [w, h] = [90, 70];
    const img = Float32Array.from({ length: w * h }, () => rng.uniform(0, 1));
    for (const [rect, size] of [
      [{ x: 0, y: 0, width: 90, height: 70 }, 24], // 3.75 × 2.9 px per output pixel
      [{ x: 7, y: 3, width: 50, height: 50 }, 24],
      [{ x: 40, y: 20, width: 50, height: 50 }, 24], // to the last row and column
      [{ x: 5, y: 9, width: 13, height: 17 }, 24], // upscaling
      [{ x: 11, y: 4, width: 25, height: 25 }, 24], // 1.04 px per output pixel, as a 200 px patch into 192
      [{ x: 60, y: 40, width: 25, height: 25 }, 24], // the same, to the last row and column
    ] as const) {
      const out = new Float32Array(size * size);
      resamplePatch(img, w, rect, size, out);
      const expected = direct(img, w, h, rect, size);
      for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo(expected[i]!, 5);
    }
  });

  it('reads a field smaller than one patch at its true scale: a round cell stays round and the right size', () => {
    // 400×300 px at 0.2 µm/px is 80×60 µm, under one 128 µm patch; a 20 µm cell in its middle.
    const [w, h, pixelUm] = [400, 300, 0.2];
    const img = new Float32Array(w * h).fill(0.05);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (Math.hypot(x - 200, y - 150) < 50) img[y * w + x] = 0.8;
    const out = cutPatches(img, w, h, pixelUm, { patchSizeUm: 128, inputPx: 64, mean: 0, std: 1, backgroundMax: 0 });
    expect(out.rects).toEqual([{ x: 0, y: 0, width: w, height: h }]);
    // The bright run through the patch centre, each way (the filled margin may hold mirrored copies).
    const run = (at: (i: number) => number) => {
      const bright = (i: number) => i >= 0 && i < 64 && out.pixels[at(i)]! > 0.4;
      let [from, to] = [32, 32];
      while (bright(from - 1)) from--;
      while (bright(to + 1)) to++;
      return to - from + 1;
    };
    // 20 µm at 128/64 = 2 µm per input pixel is 10 pixels each way (stretched, as before: 16 across, 21 down).
    expect([run((i) => 32 * 64 + i), run((i) => i * 64 + 32)]).toEqual([10, 10]);
  });

  it('fills the rest of a small field\'s patch by mirroring the field, never with black', () => {
    const img = Float32Array.from({ length: 3 * 2 }, (_, i) => i + 1); // 3×2: 1 2 3 / 4 5 6
    const canvas = padToPatch(img, 3, 2, 6);
    expect([canvas.widthPx, canvas.heightPx, canvas.offsetX, canvas.offsetY]).toEqual([6, 6, 1, 2]);
    expect(Array.from(canvas.image.subarray(2 * 6, 4 * 6))).toEqual([1, 1, 2, 3, 3, 2, 4, 4, 5, 6, 6, 5]);
    expect(Math.min(...canvas.image)).toBe(1);
    expect(padToPatch(img, 3, 2, 2).image).toBe(img); // big enough already: untouched
    expect(padToPatch(img, 3, 2, 6, 'background').image[0]).toBe(1); // the field's low quantile, not 0
  });
});
