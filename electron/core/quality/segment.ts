/**
 * Classical cell segmentation at the working resolution: foreground where the locally averaged
 * signal stands clear of the background (by a multiple of the noise and a share of the background
 * level, so it adapts to each field's exposure), connected regions below a physical area dropped,
 * and touching cells split by a marker-controlled flood of the distance transform: markers are the
 * distance maxima at least a nucleus radius deep, thinned so that no two lie closer than the
 * larger one's depth (the inscribed circle of one cell never holds a second marker).
 * Why this and not a learned segmenter: on generated fields with known cell centres the split
 * brings the count error from −X% (components only) to a few per cent (docs/field-quality.md,
 * `test/integration/quality/segmentation-bench.ts`), and it costs a few milliseconds.
 */

export interface SegmentationThresholds {
  /** Foreground: at least this many noise σ (of the 3×3 mean) above the background. */
  noiseSigmas: number;
  /** …and at least this share of the local background level above it. */
  backgroundShare: number;
  /** …and at least this absolute step (0..1 signal; one 8-bit grey level ≈ 0.004). */
  minStep: number;
  /** Foreground regions smaller than this (µm²) are noise, before splitting. */
  minAreaUm2: number;
  /** A cell after splitting is at least this large (µm²): a 10 µm nucleus is 79 µm²; smaller is debris or a sliver. */
  minCellAreaUm2: number;
  /** Markers must lie at least this deep inside the foreground (µm): about a small nucleus radius. */
  minMarkerDepthUm: number;
  /** Two markers are never closer than this (µm), whatever their depth. */
  minMarkerSpacingUm: number;
}

export const DEFAULT_SEGMENTATION: SegmentationThresholds = {
  noiseSigmas: 4,
  backgroundShare: 0.15,
  minStep: 0.004,
  minAreaUm2: 60,
  minCellAreaUm2: 80,
  minMarkerDepthUm: 4,
  minMarkerSpacingUm: 8,
};

export interface Segmentation {
  /** Per working pixel: 0 = background, 1..count = cell. */
  labels: Int32Array;
  count: number;
  /** Chamfer distance to the background, in working pixels. */
  depthPx: Float32Array;
}

export function foregroundMask(smoothed: Float32Array, background: Float32Array, noiseSigma: number, t: SegmentationThresholds): Uint8Array {
  const mask = new Uint8Array(smoothed.length);
  const noiseStep = (t.noiseSigmas * noiseSigma) / 3;
  for (let i = 0; i < mask.length; i++) {
    const b = background[i]!;
    const step = Math.max(noiseStep, t.backgroundShare * b, t.minStep);
    mask[i] = smoothed[i]! - b > step ? 1 : 0;
  }
  return mask;
}

/** Removes 8-connected regions smaller than `minArea` pixels, in place; returns the kept pixel count. */
export function dropSmallRegions(mask: Uint8Array, w: number, h: number, minArea: number): number {
  const seen = new Uint8Array(mask.length);
  // Breadth-first: the queue itself lists the region's pixels afterwards.
  const queue = new Int32Array(mask.length);
  let kept = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    while (head < tail) {
      const i = queue[head++]!;
      const x = i % w;
      const y0 = i >= w ? -1 : 0;
      const y1 = i + w < mask.length ? 1 : 0;
      const x0 = x > 0 ? -1 : 0;
      const x1 = x + 1 < w ? 1 : 0;
      for (let dy = y0; dy <= y1; dy++) {
        for (let dx = x0; dx <= x1; dx++) {
          const j = i + dy * w + dx;
          if (mask[j] && !seen[j]) {
            seen[j] = 1;
            queue[tail++] = j;
          }
        }
      }
    }
    if (tail < minArea) for (let k = 0; k < tail; k++) mask[queue[k]!] = 0;
    else kept += tail;
  }
  return kept;
}

/** Chamfer (3-4) distance to the nearest background pixel, in pixels; the image border counts as background. */
export function distanceToBackground(mask: Uint8Array, w: number, h: number): Float32Array {
  // Integer chamfer steps (3 straight, 4 diagonal) on a frame one pixel wider than the image.
  const W = w + 2;
  const d = new Int32Array(W * (h + 2));
  const big = 1 << 29;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (mask[y * w + x]) d[(y + 1) * W + x + 1] = big;
  for (let y = 1; y <= h; y++) {
    for (let i = y * W + 1, end = y * W + w; i <= end; i++) {
      if (!d[i]) continue;
      let v = d[i]!;
      const a = d[i - 1]! + 3;
      const b = d[i - W]! + 3;
      const c = d[i - W - 1]! + 4;
      const e = d[i - W + 1]! + 4;
      if (a < v) v = a;
      if (b < v) v = b;
      if (c < v) v = c;
      if (e < v) v = e;
      d[i] = v;
    }
  }
  for (let y = h; y >= 1; y--) {
    for (let i = y * W + w, start = y * W + 1; i >= start; i--) {
      if (!d[i]) continue;
      let v = d[i]!;
      const a = d[i + 1]! + 3;
      const b = d[i + W]! + 3;
      const c = d[i + W + 1]! + 4;
      const e = d[i + W - 1]! + 4;
      if (a < v) v = a;
      if (b < v) v = b;
      if (c < v) v = c;
      if (e < v) v = e;
      d[i] = v;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = d[(y + 1) * W + x + 1]! / 3;
  return out;
}

/** Marker pixels: distance maxima deep enough, thinned so that none lies inside another's inscribed circle. */
export function findMarkers(depth: Float32Array, w: number, h: number, minDepthPx: number, minSpacingPx: number): number[] {
  const candidates: number[] = [];
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const v = depth[i]!;
      if (v < minDepthPx) continue;
      if (v >= depth[i - 1]! && v >= depth[i + 1]! && v >= depth[i - w]! && v >= depth[i + w]! && v >= depth[i - w - 1]! && v >= depth[i - w + 1]! && v >= depth[i + w - 1]! && v >= depth[i + w + 1]!) {
        candidates.push(i);
      }
    }
  }
  candidates.sort((a, b) => depth[b]! - depth[a]! || a - b);
  // A coarse grid makes the spacing test local: markers are at least minSpacing apart.
  const cell = Math.max(1, minSpacingPx);
  const gw = Math.ceil(w / cell) + 1;
  const grid = new Map<number, number[]>();
  const markers: number[] = [];
  for (const i of candidates) {
    const x = i % w;
    const y = (i - x) / w;
    const reach = Math.max(minSpacingPx, depth[i]!);
    const gx = Math.floor(x / cell);
    const gy = Math.floor(y / cell);
    const span = Math.ceil(reach / cell) + 1;
    let clear = true;
    for (let yy = gy - span; yy <= gy + span && clear; yy++) {
      for (let xx = gx - span; xx <= gx + span && clear; xx++) {
        for (const m of grid.get(yy * gw + xx) ?? []) {
          const mx = m % w;
          const my = (m - mx) / w;
          const dist = Math.hypot(mx - x, my - y);
          if (dist < Math.max(minSpacingPx, depth[m]!)) {
            clear = false;
            break;
          }
        }
      }
    }
    if (!clear) continue;
    markers.push(i);
    const key = gy * gw + gx;
    grid.set(key, [...(grid.get(key) ?? []), i]);
  }
  return markers;
}

/**
 * Floods the foreground from the markers in order of decreasing depth (a watershed on the negated
 * distance transform, with a bucket queue): each pixel joins the marker whose flood reaches it first.
 * Foreground without a marker (thinner than a nucleus: noise fragments, fibres, small debris) is no cell.
 */
export function floodFromMarkers(mask: Uint8Array, depth: Float32Array, w: number, h: number, markers: number[]): { labels: Int32Array; count: number } {
  const labels = new Int32Array(mask.length);
  let maxLevel = 0;
  for (let i = 0; i < depth.length; i++) if (depth[i]! > maxLevel) maxLevel = depth[i]!;
  const levels = Math.floor(maxLevel * 3) + 2;
  const levelOf = (i: number) => Math.min(levels - 1, Math.floor((maxLevel - depth[i]!) * 3));
  const buckets: number[][] = Array.from({ length: levels }, () => []);
  let count = 0;
  for (const m of markers) {
    labels[m] = ++count;
    buckets[levelOf(m)]!.push(m);
  }
  const flood = () => {
    for (let level = 0; level < levels; level++) {
      const bucket = buckets[level]!;
      while (bucket.length > 0) {
        const i = bucket.pop()!;
        const x = i % w;
        const y = (i - x) / w;
        for (let k = 0; k < 4; k++) {
          const j = k === 0 ? (x > 0 ? i - 1 : -1) : k === 1 ? (x + 1 < w ? i + 1 : -1) : k === 2 ? (y > 0 ? i - w : -1) : y + 1 < h ? i + w : -1;
          if (j < 0 || !mask[j] || labels[j]) continue;
          labels[j] = labels[i]!;
          // A pixel never floods before its level: deeper neighbours wait in the current bucket.
          buckets[Math.max(level, levelOf(j))]!.push(j);
        }
      }
    }
  };
  flood();
  return { labels, count };
}

export function segmentCells(smoothed: Float32Array, background: Float32Array, noiseSigma: number, w: number, h: number, pixelSizeUm: number, t: SegmentationThresholds = DEFAULT_SEGMENTATION, split = true): Segmentation {
  const mask = foregroundMask(smoothed, background, noiseSigma, t);
  const pixelAreaUm2 = pixelSizeUm * pixelSizeUm;
  dropSmallRegions(mask, w, h, Math.ceil(t.minAreaUm2 / pixelAreaUm2));
  const depthPx = distanceToBackground(mask, w, h);
  const markers = split ? findMarkers(depthPx, w, h, t.minMarkerDepthUm / pixelSizeUm, t.minMarkerSpacingUm / pixelSizeUm) : deepestOfEachRegion(mask, depthPx, w, h);
  const flooded = floodFromMarkers(mask, depthPx, w, h, markers);
  const { labels, count } = dropSmallCells(flooded.labels, flooded.count, Math.ceil(t.minCellAreaUm2 / pixelAreaUm2));
  return { labels, count, depthPx };
}

/** One marker per connected foreground region (its deepest pixel): segmentation without splitting, for comparison. */
export function deepestOfEachRegion(mask: Uint8Array, depth: Float32Array, w: number, h: number): number[] {
  const region = new Int32Array(mask.length);
  const deepest: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || region[start]) continue;
    const id = deepest.length + 1;
    let best = start;
    region[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (depth[i]! > depth[best]!) best = i;
      const x = i % w;
      for (const j of [x > 0 ? i - 1 : -1, x + 1 < w ? i + 1 : -1, i >= w ? i - w : -1, i + w < mask.length ? i + w : -1]) {
        if (j >= 0 && mask[j] && !region[j]) {
          region[j] = id;
          stack.push(j);
        }
      }
    }
    deepest.push(best);
  }
  return deepest;
}

/** Removes cells smaller than `minArea` pixels and renumbers the rest 1..count. */
export function dropSmallCells(labels: Int32Array, count: number, minArea: number): { labels: Int32Array; count: number } {
  const area = new Int32Array(count + 1);
  for (let i = 0; i < labels.length; i++) area[labels[i]!]!++;
  const renumber = new Int32Array(count + 1);
  let kept = 0;
  for (let c = 1; c <= count; c++) if (area[c]! >= minArea) renumber[c] = ++kept;
  for (let i = 0; i < labels.length; i++) labels[i] = renumber[labels[i]!]!;
  return { labels, count: kept };
}
