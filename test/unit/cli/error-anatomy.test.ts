import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawnSignal, errorAnatomy, errorAnatomyMarkdown, readFieldTruth, truthInBagOrder, type FieldTruth } from '../../../electron/cli/bench/error-anatomy';
import { tempDir } from '../../support/temp-dir';

const LABELS = ['homogeneous', 'speckled', 'centromere'];
const cells = (strengths: Record<string, number>, mitotic: Record<string, number> = {}): FieldTruth['cells'] => [
  { mitotic: false, strengths },
  { mitotic: false, strengths },
  // A metaphase plate carries its own staining; the drawn signal counts interphase cells only.
  { mitotic: true, strengths: mitotic },
];
const field = (path: string, labels: string[], intensity: number, strengths: Record<string, number>): FieldTruth => ({ path, labels, intensity, cells: cells(strengths, { homogeneous: 9 }) });

describe('error anatomy', () => {
  it('measures the drawn signal as intensity × the mean strength over interphase cells', () => {
    const f: FieldTruth = { path: 'a', labels: ['speckled'], intensity: 0.5, cells: [{ mitotic: false, strengths: { speckled: 0.4 } }, { mitotic: false, strengths: { speckled: 0 } }, { mitotic: true, strengths: { speckled: 5 } }] };
    expect(drawnSignal(f, 'speckled')).toBeCloseTo(0.1, 12);
    expect(drawnSignal(f, 'centromere')).toBe(0);
    expect(drawnSignal({ ...f, cells: [] }, 'speckled')).toBe(0);
  });

  it('counts found patterns by serum size and drawn signal, and false calls by field kind', () => {
    const fields = [
      field('neg', [], 0, {}),
      field('single', ['speckled'], 0.8, { speckled: 1 }),
      field('mixed', ['homogeneous', 'centromere'], 0.5, { homogeneous: 1, centromere: 0.15 }),
      field('triple', ['homogeneous', 'speckled', 'centromere'], 1, { homogeneous: 1, speckled: 0.5, centromere: 0.05 }),
    ];
    // Rows: neg calls speckled (false); single found; mixed finds homogeneous, misses centromere
    // (signal 0.075), calls speckled (false); triple finds all but centromere (signal 0.05).
    const scores = [0.1, 0.9, 0.1, 0.2, 0.9, 0.2, 0.9, 0.6, 0.3, 0.9, 0.9, 0.1];
    const a = errorAnatomy(fields, scores, [0.5, 0.5, 0.5], LABELS);
    expect(a.bySerum).toEqual({ '1': { positives: 1, found: 1 }, '2': { positives: 2, found: 1 }, '3+': { positives: 3, found: 2 } });
    expect(a.bySignal).toEqual({ 'below 0.1': { positives: 2, found: 0 }, '0.1 to 0.2': { positives: 0, found: 0 }, '0.2 and above': { positives: 4, found: 4 } });
    expect(a.falseCalls).toEqual({ negative: { fields: 1, calls: 1 }, single: { fields: 1, calls: 0 }, mixed: { fields: 2, calls: 1 } });
    expect(a.confusions).toEqual([
      { called: 'speckled', present: 'centromere', count: 1 },
      { called: 'speckled', present: 'homogeneous', count: 1 },
      { called: 'speckled', present: 'none', count: 1 },
    ]);
    // Thresholds are per label: raising speckled's above 0.9 removes both false calls and the single field's find.
    const strict = errorAnatomy(fields, scores, [0.5, 0.95, 0.5], LABELS);
    expect(strict.falseCalls.negative.calls + strict.falseCalls.mixed.calls).toBe(0);
    expect(strict.bySerum['1'].found).toBe(0);
    expect(() => errorAnatomy(fields, scores.slice(1), [0.5, 0.5, 0.5], LABELS)).toThrow(/11 scores for 4 fields × 3 labels/);
    const table = errorAnatomyMarkdown([{ style: 'routine', errors: a }]);
    expect(table).toContain('| routine | 1.00 (1/1) | 0.50 (1/2) | 0.67 (2/3) | 0.00 (0/2) | — | 1.00 (4/4) | 1 on 1 / 0 on 1 / 1 on 2 | speckled ← centromere 1; speckled ← homogeneous 1; speckled ← none 1 |');
  });

  it("reads truth.jsonl keyed by image path and names the file and line of a bad record", async () => {
    const dir = tempDir('ana-anatomy-');
    await writeFile(join(dir, 'truth.jsonl'), [JSON.stringify(field('images/A_F1.png', ['speckled'], 0.7, { speckled: 1 })), JSON.stringify(field('images/B_F1.png', [], 0, {})), ''].join('\n'));
    const truth = await readFieldTruth(dir);
    expect(truthInBagOrder(truth, dir, ['images/B_F1.png', join(dir, 'images/A_F1.png')]).map((t) => t.path)).toEqual(['images/B_F1.png', 'images/A_F1.png']);
    expect(() => truthInBagOrder(truth, dir, ['images/C_F1.png'])).toThrow(/truth\.jsonl: no record for images\/C_F1\.png/);
    await writeFile(join(dir, 'truth.jsonl'), `${JSON.stringify(field('a', [], 0, {}))}\n{"path":"b"}\n`);
    await expect(readFieldTruth(dir)).rejects.toThrow(/truth\.jsonl line 2: not a field record/);
    await writeFile(join(dir, 'truth.jsonl'), '{"path":\n');
    await expect(readFieldTruth(dir)).rejects.toThrow(/truth\.jsonl line 1: not JSON/);
    await expect(readFieldTruth(join(dir, 'missing'))).rejects.toThrow(/missing\/truth\.jsonl: cannot read the generator's truth \(ENOENT\)/);
  });
});
