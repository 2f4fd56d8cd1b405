/**
 * The confidence colour scale: viridis (perceptually uniform, readable for colour-blind users and
 * distinct from the green FITC signal at the high end because it ends in yellow). Sampled at nine
 * stops and interpolated linearly; the legend draws the same stops so it cannot drift.
 */
export type Rgb = readonly [r: number, g: number, b: number];

export const VIRIDIS_STOPS: readonly Rgb[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Colour for a probability in [0, 1] (values outside are clamped; NaN maps to 0). */
export function confidenceColor(probability: number): Rgb {
  const p = Number.isFinite(probability) ? Math.min(1, Math.max(0, probability)) : 0;
  const t = p * (VIRIDIS_STOPS.length - 1);
  const i = Math.min(VIRIDIS_STOPS.length - 2, Math.floor(t));
  const f = t - i;
  const a = VIRIDIS_STOPS[i]!;
  const b = VIRIDIS_STOPS[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/**
 * CSS linear-gradient stops for the legend, left = 0, right = 1: with alpha = probability as the
 * fill mode draws it, or opaque as outlines are drawn.
 */
export function legendGradientCss(alphaIsProbability = true): string {
  const stops = VIRIDIS_STOPS.map((c, i) => {
    const p = i / (VIRIDIS_STOPS.length - 1);
    return `rgb(${c[0]} ${c[1]} ${c[2]} / ${alphaIsProbability ? p.toFixed(3) : '1'}) ${(p * 100).toFixed(1)}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
