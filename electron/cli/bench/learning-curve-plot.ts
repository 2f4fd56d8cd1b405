/**
 * The shift benchmark's learning curve as a PNG: macro-F1 against the number of signed fields
 * (0 = zero-shot) per held-out style, with the reference (training) styles' zero-shot figure as
 * dashed lines. Drawn on a small RGB raster and written as a PNG with node:zlib, because sharp
 * has its owners (slides/decode, synth) and a plot needs no image library.
 */
import { crc32, deflateSync } from 'node:zlib';
import { drawText, textWidthPx } from '../../core/synth/burnt-in-text';

/** What the plot needs of a shift-benchmark result (shift-bench.ts's ShiftBenchResult has this shape). */
export interface LearningCurveInput {
  model: string;
  options: { signedCounts: readonly number[] };
  styles: readonly { style: string; role: 'held-out' | 'reference'; zeroShot: { f1Macro: number }; signed: readonly { n: number; f1Macro: number }[] }[];
}

const WIDTH = 720;
const HEIGHT = 440;
const PLOT = { left: 60, right: 460, top: 40, bottom: 380 };
const COLOURS: readonly [number, number, number][] = [
  [31, 119, 180],
  [214, 39, 40],
  [44, 160, 44],
  [148, 103, 189],
  [255, 127, 14],
  [140, 86, 75],
  [227, 119, 194],
  [23, 190, 207],
];

class Raster {
  readonly rgb = new Uint8Array(WIDTH * HEIGHT * 3).fill(255);
  set(x: number, y: number, [r, g, b]: readonly [number, number, number]): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= WIDTH || yi >= HEIGHT) return;
    const i = 3 * (yi * WIDTH + xi);
    this.rgb[i] = r;
    this.rgb[i + 1] = g;
    this.rgb[i + 2] = b;
  }
  line(x0: number, y0: number, x1: number, y1: number, colour: readonly [number, number, number], thick = 1, dash = 0): void {
    const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0)));
    for (let s = 0; s <= steps; s++) {
      if (dash && Math.floor(s / dash) % 2 === 1) continue;
      const x = x0 + ((x1 - x0) * s) / steps;
      const y = y0 + ((y1 - y0) * s) / steps;
      for (let dy = -(thick >> 1); dy <= thick >> 1; dy++) for (let dx = -(thick >> 1); dx <= thick >> 1; dx++) this.set(x + dx, y + dy, colour);
    }
  }
  box(x: number, y: number, size: number, colour: readonly [number, number, number]): void {
    for (let dy = -size; dy <= size; dy++) for (let dx = -size; dx <= size; dx++) this.set(x + dx, y + dy, colour);
  }
  text(text: string, x: number, y: number, colour: readonly [number, number, number] = [0, 0, 0]): void {
    drawText(text, x, y, 1, (px, py) => this.set(px, py, colour));
  }
}

export function renderLearningCurvePng(result: LearningCurveInput): Buffer {
  const r = new Raster();
  const counts = [0, ...result.options.signedCounts];
  // x: evenly spaced points (0, 25, 50, ... are a schedule, not a scale); y: macro-F1 0..1.
  const xOf = (k: number): number => PLOT.left + ((PLOT.right - PLOT.left) * k) / Math.max(1, counts.length - 1);
  const yOf = (v: number): number => PLOT.bottom - (PLOT.bottom - PLOT.top) * Math.max(0, Math.min(1, v));
  const grey: [number, number, number] = [200, 200, 200];
  for (let t = 0; t <= 10; t += 2) {
    const y = yOf(t / 10);
    r.line(PLOT.left, y, PLOT.right, y, grey);
    r.text((t / 10).toFixed(1), PLOT.left - 26, y - 3);
  }
  counts.forEach((n, k) => {
    r.line(xOf(k), PLOT.bottom, xOf(k), PLOT.bottom + 4, [0, 0, 0]);
    const label = n === 0 ? '0' : `+${n}`;
    r.text(label, xOf(k) - textWidthPx(label, 1) / 2, PLOT.bottom + 8);
  });
  r.line(PLOT.left, PLOT.bottom, PLOT.right, PLOT.bottom, [0, 0, 0]);
  r.line(PLOT.left, PLOT.top, PLOT.left, PLOT.bottom, [0, 0, 0]);
  r.text('MACRO-F1 ON HELD-OUT STYLES AGAINST SIGNED FIELDS OF THE STYLE (0 = ZERO-SHOT)', 10, 12);
  r.text(`MODEL ${result.model.toUpperCase()}`, 10, 24);
  r.text('SIGNED FIELDS USED TO FINE-TUNE THE HEAD', PLOT.left + 60, PLOT.bottom + 24);
  let legendY = PLOT.top;
  result.styles.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    if (s.role === 'held-out') {
      const points = [s.zeroShot.f1Macro, ...result.options.signedCounts.map((n) => s.signed.find((x) => x.n === n)?.f1Macro ?? NaN)];
      for (let k = 1; k < points.length; k++) if (Number.isFinite(points[k]!) && Number.isFinite(points[k - 1]!)) r.line(xOf(k - 1), yOf(points[k - 1]!), xOf(k), yOf(points[k]!), colour, 3);
      points.forEach((v, k) => Number.isFinite(v) && r.box(xOf(k), yOf(v), 3, colour));
    } else {
      r.line(PLOT.left, yOf(s.zeroShot.f1Macro), PLOT.right, yOf(s.zeroShot.f1Macro), colour, 1, 6);
    }
    r.line(PLOT.right + 20, legendY + 3, PLOT.right + 40, legendY + 3, colour, s.role === 'held-out' ? 3 : 1, s.role === 'held-out' ? 0 : 4);
    r.text(s.style.toUpperCase(), PLOT.right + 46, legendY);
    r.text(s.role === 'held-out' ? 'HELD OUT' : 'TRAINING STYLE, ZERO-SHOT', PLOT.right + 46, legendY + 10, [110, 110, 110]);
    legendY += 28;
  });
  return encodePng(r.rgb, WIDTH, HEIGHT);
}

/** A minimal PNG: 8-bit RGB, filter 0 on every row, one IDAT. */
function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
