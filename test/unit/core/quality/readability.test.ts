import { describe, expect, it } from 'vitest';
import type { FieldAnalysis } from '../../../../electron/core/quality/analyse-field';
import { DEFAULT_READABILITY, fieldQuality, minCellsFor, notReadableReason, ReadabilityThresholds } from '../../../../electron/core/quality/readability';

const readable = { areaUm2: 200_000, saturatedFraction: 0, dynamicRange: 0.2, cells: 150, mitoses: 3, focusPerUm: 0.4, features: { signalToBackground: 2 } } as unknown as FieldAnalysis;

describe('readability gate', () => {
  it('names the first failing test, in the documented order', () => {
    expect(notReadableReason(readable)).toBeNull();
    expect(notReadableReason({ ...readable, areaUm2: 64, saturatedFraction: 1 })).toBe('too-small');
    expect(notReadableReason({ ...readable, saturatedFraction: 0.5, dynamicRange: 0 })).toBe('saturated');
    expect(notReadableReason({ ...readable, dynamicRange: 0.001, cells: 0 })).toBe('blank');
    expect(notReadableReason({ ...readable, cells: 0, mitoses: 0 })).toBe('no-cells');
    expect(notReadableReason({ ...readable, cells: 2, mitoses: 1 })).toBe('too-few-cells');
    expect(notReadableReason({ ...readable, focusPerUm: 0.1 })).toBe('out-of-focus');
  });

  it('takes a microscope profile\'s thresholds, keeping defaults for the rest', () => {
    const strict = ReadabilityThresholds.parse({ minCells: 200 });
    expect(strict.minFocusPerUm).toBe(DEFAULT_READABILITY.minFocusPerUm);
    expect(fieldQuality(readable, strict)).toMatchObject({ verdict: 'not-readable', reason: 'too-few-cells', cells: 150, mitoses: 3 });
    expect(fieldQuality(readable)).toMatchObject({ verdict: 'readable', reason: null, signalToBackground: 2 });
  });

  it('asks for cells in proportion to the field\'s area, with a floor', () => {
    const perMm2 = DEFAULT_READABILITY.minCellsPerMm2;
    // A 2048×1536 field at 0.5 µm/px (0.79 mm²) and a 1024×768 field at 0.18 µm/px (0.025 mm², a 40× camera).
    const large = { ...readable, areaUm2: 1024 * 768 };
    const small40x = { ...readable, areaUm2: 184 * 138 };
    expect(minCellsFor(large.areaUm2)).toBe(Math.ceil((perMm2 * large.areaUm2) / 1e6));
    expect(minCellsFor(small40x.areaUm2)).toBe(Math.max(DEFAULT_READABILITY.minCells, Math.ceil((perMm2 * small40x.areaUm2) / 1e6)));
    expect(minCellsFor(small40x.areaUm2)).toBeLessThan(minCellsFor(large.areaUm2) / 5);
    // Twelve cells are plenty on the small field and far too few on the large one.
    expect(notReadableReason({ ...small40x, cells: 12, mitoses: 0 })).toBeNull();
    expect(notReadableReason({ ...large, cells: 12, mitoses: 0 })).toBe('too-few-cells');
    // Below the floor, however small the field.
    expect(notReadableReason({ ...readable, areaUm2: 10_000, cells: DEFAULT_READABILITY.minCells - 1, mitoses: 0 })).toBe('too-few-cells');
    // A profile sets its own density.
    expect(notReadableReason({ ...large, cells: 12, mitoses: 0 }, ReadabilityThresholds.parse({ minCellsPerMm2: 10 }))).toBeNull();
  });
});
