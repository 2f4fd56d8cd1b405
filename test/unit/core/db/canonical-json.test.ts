import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../electron/core/db/canonical-json';

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined members, keeps array order and exact numbers', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: 0, y: undefined }], c: 'é' } })).toBe('{"a":{"c":"é","d":[3,1,{"z":0}]},"b":1}');
    expect(canonicalJson(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(JSON.parse(canonicalJson({ p: 0.8765432109876543 })).p).toBe(0.8765432109876543);
    expect(canonicalJson([undefined, null])).toBe('[null,null]');
  });

  it('refuses values that have no single JSON form', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ x: new Float32Array(2) })).toThrow(/binary/);
  });
});
