/**
 * How a slide is shown: the FITC signal contrast-stretched between two percentiles so dim
 * fluorescence is visible. One rule for every picture of a slide: the viewer's display rendition
 * (decode.ts, cached by viewer/display-cache.ts) and the report's thumbnail (reports/thumbnail.ts).
 * Pure arithmetic, so renditions are deterministic.
 */

/** The stretch: the 0.5th percentile maps to black, the 99.8th to full brightness. */
export const DISPLAY_STRETCH = { lowQuantile: 0.005, highQuantile: 0.998 } as const;

/** Quantiles of a signal in 0..1, to 1/4095 (a histogram: linear time on a full field). */
export function percentiles(values: ArrayLike<number>, lowQ: number, highQ: number): { low: number; high: number } {
  const histogram = new Uint32Array(4096);
  for (let i = 0; i < values.length; i++) histogram[Math.max(0, Math.min(4095, Math.floor(values[i]! * 4095)))]!++;
  const at = (q: number) => {
    const target = q * values.length;
    let seen = 0;
    for (let b = 0; b < histogram.length; b++) {
      seen += histogram[b]!;
      if (seen >= target) return b / 4095;
    }
    return 1;
  };
  return { low: at(lowQ), high: at(highQ) };
}

/** The display stretch of a signal: a function from signal (0..1) to brightness (0..1), clamped. */
export function displayStretch(values: ArrayLike<number>): (value: number) => number {
  const { low, high } = percentiles(values, DISPLAY_STRETCH.lowQuantile, DISPLAY_STRETCH.highQuantile);
  const span = Math.max(high - low, 1e-6);
  return (value) => Math.max(0, Math.min(1, (value - low) / span));
}
