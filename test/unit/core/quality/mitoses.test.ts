import { describe, expect, it } from 'vitest';
import { analyseField } from '../../../../electron/core/quality/analyse-field';
import { candidateMitoses, MITOSIS_FEATURES, mitosisFeatures, MITOSIS_MODEL } from '../../../../electron/core/quality/mitoses';
import { generateField } from '../../../../electron/core/synth';

describe('candidate mitoses', () => {
  it('measures each object: brighter, elongated core, no entry for label 0 or empty labels', () => {
    // 40×20 working image: a dim round object (label 1) and a bright bar (label 3); label 2 unused.
    const w = 40;
    const values = new Float32Array(w * 20).fill(0.1);
    const labels = new Int32Array(w * 20);
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < w; x++) {
        if (Math.hypot(x - 10, y - 10) < 6) [labels[y * w + x], values[y * w + x]] = [1, 0.3 + 0.05 * ((x + y) % 2)];
        if (x >= 28 && x < 31 && y >= 4 && y < 16) [labels[y * w + x], values[y * w + x]] = [3, 0.8 + (x === 29 ? 0.1 : 0)];
      }
    }
    const features = mitosisFeatures(values, new Float32Array(w * 20).fill(0.1), labels, w, 3);
    expect([features[0], features[2]]).toEqual([null, null]);
    const [round, bar] = [features[1]!, features[3]!];
    expect(round).toHaveLength(MITOSIS_FEATURES.length);
    expect(bar[0]).toBeGreaterThan(round[0]!); // brightness
    expect(bar[2]).toBeGreaterThan(round[2]! + 1); // elongation: a 3×12 bar against a disc
    expect(candidateMitoses(features, { ...MITOSIS_MODEL, threshold: 1.01 })).toEqual([false, false, false, false]);
  });

  it('calls few objects on generated fields, and when it calls, mostly right (the generator knows the mitoses)', () => {
    let called = 0;
    let right = 0;
    for (const seed of [124, 126]) {
      const field = generateField({ widthPx: 1024, heightPx: 768, mitoticRate: 0.3 }, seed);
      const a = analyseField(field.fitc, field.widthPx, field.heightPx, field.pixelSizeUm, { acquisition: [] });
      const { labels, widthPx: w, factor } = a.cellMask;
      const mitotic = new Set(field.cells.filter((c) => c.mitotic).map((c) => labels[Math.floor(c.centreYPx / factor) * w + Math.floor(c.centreXPx / factor)]));
      a.outlines.forEach((o, i) => {
        if (!o.mitotic) return;
        called++;
        if (mitotic.has(i + 1)) right++;
      });
      expect(a.mitoses).toBe(a.outlines.filter((o) => o.mitotic).length);
    }
    expect(called).toBeGreaterThanOrEqual(3);
    expect(right / called).toBeGreaterThanOrEqual(0.5);
  }, 30_000);
});
