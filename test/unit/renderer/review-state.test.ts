import { beforeEach, describe, expect, it } from 'vitest';
import { ReviewState } from '../../../renderer/src/lib/state/review.state.svelte';
import { keyAction, isTextEntry } from '../../../renderer/src/lib/utils/keymap';
import { LABEL_KEYS } from '../../../electron/contract';

describe('ReviewState', () => {
  const review = new ReviewState();
  const suggestions = [
    { key: 'speckled', probability: 0.55, suggested: true },
    { key: 'homogeneous', probability: 0.91, suggested: true },
    { key: 'golgi', probability: 0.1, suggested: false },
  ];
  beforeEach(() => {
    review.reset();
    review.load(suggestions, null);
  });

  it('starts from the suggestion, ordered by probability, with the rest of the vocabulary after', () => {
    expect(review.decision.labels.map((l) => l.key)).toEqual(['homogeneous', 'speckled']);
    expect(review.keyOrder.slice(0, 3)).toEqual(['homogeneous', 'speckled', 'golgi']);
    expect(new Set(review.keyOrder)).toEqual(new Set(LABEL_KEYS));
    expect(review.dirty).toBe(false);
  });

  it('toggles by number key and undoes without losing intensity or titer', () => {
    review.setIntensity('homogeneous', 'strong');
    review.setTiter('homogeneous', '1:640');
    review.toggleByNumber(1);
    expect(review.selectedKeys.has('homogeneous')).toBe(false);
    review.toggleByNumber(3);
    expect(review.selectedKeys.has('golgi')).toBe(true);
    expect(review.dirty).toBe(true);
    review.undo();
    review.undo();
    expect(review.decision.labels.find((l) => l.key === 'homogeneous')).toEqual({ key: 'homogeneous', intensity: 'strong', titer: '1:640' });
    review.undo();
    review.undo();
    expect(review.dirty).toBe(false);
    expect(review.canUndo).toBe(false);
  });

  it('keeps an exact ICAP code for a label that spans several, and undoes it', () => {
    review.setIcapCode('speckled', 'AC-4');
    expect(review.decision.labels.find((l) => l.key === 'speckled')?.icapCode).toBe('AC-4');
    review.undo();
    expect(review.decision.labels.find((l) => l.key === 'speckled')?.icapCode).toBeUndefined();
  });

  it('reports agreement with the suggestion', () => {
    review.toggle('speckled');
    review.toggle('nucleolar');
    expect(review.agreement()).toEqual({ homogeneous: 'confirmed', speckled: 'rejected', nucleolar: 'added' });
  });

  it('resumes from a draft and refuses changes when read-only', () => {
    review.load(suggestions, { labels: [{ key: 'centromere', intensity: 'weak', titer: null }], comment: 'check DFS70' }, true);
    review.toggle('golgi');
    review.setComment('x');
    expect(review.decision).toEqual({ labels: [{ key: 'centromere', intensity: 'weak', titer: null }], comment: 'check DFS70' });
    expect(review.canUndo).toBe(false);
  });

  it('marks saved', () => {
    review.setComment('ok');
    expect(review.dirty).toBe(true);
    review.markSaved();
    expect(review.dirty).toBe(false);
  });
});

describe('keymap', () => {
  it('maps the review keys', () => {
    expect(keyAction({ key: '3' })).toEqual({ kind: 'toggle-label', number: 3 });
    expect(keyAction({ key: 'a' })).toEqual({ kind: 'accept-next' });
    expect(keyAction({ key: 'z', ctrlKey: true })).toEqual({ kind: 'undo' });
    expect(keyAction({ key: 'S', shiftKey: true })).toEqual({ kind: 'sign' });
    expect(keyAction({ key: 'o' })).toEqual({ kind: 'toggle-overlay' });
    expect(keyAction({ key: ']' })).toEqual({ kind: 'opacity', delta: 0.1 });
    expect(keyAction({ key: 'c', ctrlKey: true })).toBeNull();
    expect(keyAction({ key: 'x' })).toBeNull();
  });

  it('leaves text fields alone', () => {
    expect(isTextEntry({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(isTextEntry({ tagName: 'INPUT', type: 'password' } as unknown as EventTarget)).toBe(true);
    expect(isTextEntry({ tagName: 'INPUT', type: 'range' } as unknown as EventTarget)).toBe(false);
    expect(isTextEntry({ tagName: 'DIV' } as unknown as EventTarget)).toBe(false);
    expect(isTextEntry(null)).toBe(false);
  });
});
