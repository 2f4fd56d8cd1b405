/**
 * Rates, p-values and durations in the words the Today page, the day PDF, `ana qc` and the model
 * evidence all print, so that they say the same thing the same way.
 */
export function percentText(value: number | null, digits = 1): string {
  return value === null ? '—' : `${(100 * value).toFixed(digits)} %`;
}

export function pValueText(p: number | null): string {
  return p === null ? '—' : p < 0.0001 ? p.toExponential(1) : p.toPrecision(2);
}

export function durationText(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(0)} min`;
}

/** The 95 % interval in whole percent: '75–93'; '' without one. */
export function intervalText(ci: [number, number] | null): string {
  return ci === null ? '' : `${Math.round(100 * ci[0])}–${Math.round(100 * ci[1])}`;
}
