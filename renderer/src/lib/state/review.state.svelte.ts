/**
 * The review panel's working decision: which labels are on, their intensity or titer, and the
 * comment — with an undo history that loses nothing (every change pushes the previous value, and
 * undo of a toggle-off brings the label back with its intensity and titer).
 */
import { agreementOf, LABEL_KEYS, type LabelAgreement } from '../../../../electron/contract';
import type { Intensity, Suggestion, WorkingDecision, WorkingLabel } from '../services/review.service';

export type { Intensity, Suggestion, WorkingDecision, WorkingLabel };
export const INTENSITIES: readonly Intensity[] = ['borderline', 'weak', 'moderate', 'strong'];
export const TITERS: readonly string[] = ['1:80', '1:160', '1:320', '1:640', '1:1280', '1:2560'];

const copy = (d: WorkingDecision): WorkingDecision => ({ labels: d.labels.map((l) => ({ ...l })), comment: d.comment });
const same = (a: WorkingDecision, b: WorkingDecision) => JSON.stringify(a) === JSON.stringify(b);

export class ReviewState {
  decision = $state<WorkingDecision>({ labels: [], comment: '' });
  suggestions = $state<Suggestion[]>([]);
  readOnly = $state(false);
  /** The decision as last saved (draft or suggestion): dirty means there is something to save. */
  saved = $state<WorkingDecision>({ labels: [], comment: '' });
  private history = $state<WorkingDecision[]>([]);

  readonly canUndo = $derived(this.history.length > 0);
  readonly dirty = $derived(!same(this.decision, this.saved));
  readonly selectedKeys = $derived(new Set(this.decision.labels.map((l) => l.key)));
  /** Labels in key order: the suggestion first (by probability), then the rest of the vocabulary. */
  readonly keyOrder = $derived([...this.suggestions.map((s) => s.key), ...LABEL_KEYS.filter((k) => !this.suggestions.some((s) => s.key === k))]);

  /**
   * Starts a case: from a saved draft when there is one, else from the model's suggestion (labels
   * over threshold pre-selected so "accept" is one key).
   */
  load(suggestions: Suggestion[], draft: WorkingDecision | null, readOnly = false): void {
    this.suggestions = [...suggestions].sort((a, b) => b.probability - a.probability);
    const start: WorkingDecision = draft
      ? copy(draft)
      : { labels: this.suggestions.filter((s) => s.suggested).map((s) => ({ key: s.key, intensity: null, titer: null })), comment: '' };
    this.decision = start;
    this.saved = copy(start);
    this.history = [];
    this.readOnly = readOnly;
  }

  private change(next: WorkingDecision): void {
    if (this.readOnly || same(next, this.decision)) return;
    this.history = [...this.history, copy(this.decision)];
    this.decision = next;
  }

  toggle(key: string): void {
    const d = copy(this.decision);
    const at = d.labels.findIndex((l) => l.key === key);
    if (at >= 0) d.labels.splice(at, 1);
    else d.labels.push({ key, intensity: null, titer: null });
    this.change(d);
  }

  /** Number key n (1-based) toggles the n-th label in `keyOrder`. */
  toggleByNumber(n: number): void {
    const key = this.keyOrder[n - 1];
    if (key) this.toggle(key);
  }

  setIntensity(key: string, intensity: Intensity | null): void {
    this.change({ ...copy(this.decision), labels: this.decision.labels.map((l) => (l.key === key ? { ...l, intensity } : { ...l })) });
  }

  setTiter(key: string, titer: string | null): void {
    this.change({ ...copy(this.decision), labels: this.decision.labels.map((l) => (l.key === key ? { ...l, titer } : { ...l })) });
  }

  setIcapCode(key: string, icapCode: string | null): void {
    this.change({ ...copy(this.decision), labels: this.decision.labels.map((l) => (l.key === key ? { ...l, icapCode } : { ...l })) });
  }

  setComment(comment: string): void {
    this.change({ ...copy(this.decision), comment });
  }

  undo(): void {
    if (this.readOnly || this.history.length === 0) return;
    this.decision = this.history[this.history.length - 1]!;
    this.history = this.history.slice(0, -1);
  }

  markSaved(): void {
    this.saved = copy(this.decision);
  }

  /** Agreement of the working decision with the suggestion, per label. */
  agreement(): Record<string, LabelAgreement> {
    return agreementOf(
      this.suggestions.filter((s) => s.suggested).map((s) => s.key),
      this.decision.labels.map((l) => l.key),
    );
  }

  reset(): void {
    this.decision = { labels: [], comment: '' };
    this.saved = { labels: [], comment: '' };
    this.suggestions = [];
    this.history = [];
    this.readOnly = false;
  }
}
