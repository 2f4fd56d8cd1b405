import { describe, expect, it } from 'vitest';
import { fieldAsRead, gateWords, scoreAsRead, type FieldAsRead, type ReadResult } from '../../../../../electron/core/training/metrics/as-read';

const LABELS = ['homogeneous', 'speckled'];
const THRESHOLDS = { homogeneous: 0.5, speckled: 0.4 };

/** A readable field screened `call`; the reading offers the model's calls only when positive (as read-slide.ts does). */
function read(path: string, truth: string[], call: 'positive' | 'negative', homogeneous: number, speckled: number): FieldAsRead {
  const modelCalls = LABELS.filter((k, i) => [homogeneous, speckled][i]! >= THRESHOLDS[k as keyof typeof THRESHOLDS]);
  return { path, truth, failed: null, notReadable: null, screening: call, screeningProfile: 'generic', probabilities: { homogeneous, speckled }, predicted: call === 'positive' ? modelCalls : [] };
}

describe('scoreAsRead', () => {
  const fields: FieldAsRead[] = [
    read('a.png', ['homogeneous'], 'positive', 0.9, 0.1),
    // A positive field screening missed: the model calls it right, the physician is offered nothing.
    read('b.png', ['speckled'], 'negative', 0.2, 0.45),
    read('c.png', [], 'negative', 0.1, 0.1),
    // A negative field the model would call, screening stops it.
    read('d.png', [], 'negative', 0.6, 0.1),
    { path: 'e.png', truth: ['speckled'], failed: null, notReadable: 'too-few-cells', screening: null, screeningProfile: null, probabilities: { homogeneous: 0, speckled: 0 }, predicted: [] },
    { path: 'f.png', truth: ['homogeneous'], failed: 'f.png: file is empty', notReadable: null, screening: null, screeningProfile: null, probabilities: {}, predicted: [] },
    read('g.png', ['speckled'], 'positive', 0.3, 0.7),
  ];
  const report = scoreAsRead(fields, LABELS, THRESHOLDS);

  it('offered counts only what the reading offered; the model as read calls at the thresholds whatever screening said', () => {
    // speckled: offered tp 1 (g), fn 2 (b, e) → F1 0.5; the model as read: tp 2 (b, g), fn 1 (e) → 0.8.
    expect(report.offered.per_class.speckled!.f1).toBeCloseTo(0.5, 12);
    expect(report.modelAsRead.per_class.speckled!.f1).toBeCloseTo(0.8, 12);
    // homogeneous: offered tp 1 (a), fn 1 (f) → 2/3; the model as read adds d's false positive → 2/(2+1+1) = 0.5.
    expect(report.offered.per_class.homogeneous!.f1).toBeCloseTo(2 / 3, 12);
    expect(report.modelAsRead.per_class.homogeneous!.f1).toBeCloseTo(0.5, 12);
    expect(report.offered.f1_macro).toBeCloseTo((0.5 + 2 / 3) / 2, 12);
    expect(report.modelAsRead.f1_macro).toBeCloseTo((0.8 + 0.5) / 2, 12);
    // The same probabilities rank in both.
    expect(report.offered.map).toBe(report.modelAsRead.map);
    expect(report.offered.n_images).toBe(7);
  });

  it('with the gate ignored the offered F1 would equal the model as read: the test can tell', () => {
    const ungated = scoreAsRead(fields.map((f) => ({ ...f, screening: f.screening && 'positive', predicted: f.notReadable || f.failed ? [] : LABELS.filter((k) => (f.probabilities[k] ?? 0) >= THRESHOLDS[k as keyof typeof THRESHOLDS]) })), LABELS, THRESHOLDS);
    expect(ungated.offered.f1_macro).toBeCloseTo(report.modelAsRead.f1_macro, 12);
    expect(report.offered.per_class.speckled!.f1).toBeLessThan(report.modelAsRead.per_class.speckled!.f1);
  });

  it('counts the gate: not readable by reason, screened, positives offered nothing and the model right on them, negatives, failed files', () => {
    expect(report.gate).toEqual({
      fields: 7,
      failed: [{ path: 'f.png', error: 'f.png: file is empty' }],
      notReadable: 1,
      notReadableByReason: { 'too-few-cells': 1 },
      screenedPositive: 2,
      screenedNegative: 3,
      screeningProfiles: ['generic'],
      positiveFields: 5,
      positiveOfferedNone: 3, // b (screened negative), e (not readable), f (failed)
      positiveOfferedNoneModelRight: 1, // b
      negativeFields: 2,
      negativeOfferedNone: 2,
    });
    expect(gateWords(report.gate)).toBe(
      'Gate: 7 fields, 1 not readable (too-few-cells 1), 3 screened negative (profile generic), 1 failed; ' +
        '3 of 5 positive fields offered no pattern (the model called a true pattern on 1); 2 of 2 negative fields offered none',
    );
  });

  it('refuses a truth label the model does not have, naming the file', () => {
    expect(() => scoreAsRead([read('x.png', ['golgi'], 'positive', 0, 0)], LABELS, THRESHOLDS)).toThrow(/x\.png: label 'golgi'/);
  });
});

describe('fieldAsRead', () => {
  const base: ReadResult = {
    path: '/d/a.png', status: 'done', error: null, labels: LABELS, probabilities: [0.7, 0.2], predicted: ['homogeneous'],
    quality: { verdict: 'readable', reason: null, cells: 40, mitoses: 1, focus: 1, saturatedFraction: 0, signalToBackground: 5 },
    screening: { call: 'positive', positiveProbability: 0.9, profile: 'lab-a' },
  };

  it('takes probabilities by label, the offered calls, the screening and its profile', () => {
    expect(fieldAsRead(['homogeneous'], base)).toEqual({
      path: '/d/a.png', truth: ['homogeneous'], failed: null, notReadable: null, screening: 'positive', screeningProfile: 'lab-a',
      probabilities: { homogeneous: 0.7, speckled: 0.2 }, predicted: ['homogeneous'],
    });
  });

  it('a not-readable field carries its reason; a failed file its message and nothing else', () => {
    const notReadable = fieldAsRead([], { ...base, quality: { ...base.quality!, verdict: 'not-readable', reason: 'out-of-focus' }, screening: null, predicted: [] });
    expect(notReadable).toMatchObject({ notReadable: 'out-of-focus', screening: null });
    const failed = fieldAsRead([], { ...base, status: 'failed', error: { code: 'slide-unreadable', message: '/d/a.png: not an image' }, quality: { ...base.quality!, verdict: 'not-readable', reason: 'unreadable-file' } });
    expect(failed).toMatchObject({ failed: '/d/a.png: not an image', notReadable: null, screening: null, probabilities: {}, predicted: [] });
  });
});
