/**
 * Canonical JSON: object keys sorted, no whitespace, arrays in order, `undefined` members dropped.
 * The same value always gives the same bytes, so a sha256 over it can bind a signature or an
 * audit entry to its content and be recomputed later by `ana audit verify`.
 */

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`canonicalJson: non-finite number ${value}`);
    if (typeof value === 'bigint') return value.toString();
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (ArrayBuffer.isView(value)) throw new Error('canonicalJson: binary data must be hashed, not embedded');
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export { sha256Hex } from '../sha256';
