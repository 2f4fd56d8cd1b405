/**
 * Scoring a labelled set as the product reads it (`ana eval --as-read`). The reading path offers
 * patterns only on fields the quality gate calls readable and screening calls positive
 * (docs/field-quality.md); plain `ana eval` scores the model alone. Two reports over the same
 * readings, so their difference is the gate's cost:
 * - offered: a label counts as predicted only if the reading offered it;
 * - model as read: the reading's probabilities at the package's thresholds (the same
 *   `predictedLabels` the reading applies), whatever screening said. A field that is not readable
 *   is never shown to the model, so it predicts nothing in both.
 * Ranking metrics (mAP, …) come from the reading's probabilities in both. A failed file predicts
 * nothing, scores 0, and is listed.
 */
import { DomainError } from '../../errors';
import { predictedLabels } from '../../inference/aggregate';
import type { BatchItemResult } from '../../reading/batch-reader';
import { evaluatePredicted, type EvaluationReport } from './metrics';

/** One dataset field (one row) and what the reading path made of it. */
export interface FieldAsRead {
  path: string;
  /** The dataset's labels; [] = a negative field. */
  truth: readonly string[];
  /** The failure's message when the file could not be read; null otherwise. */
  failed: string | null;
  /** The gate's reason when the field is not readable; null when readable (or failed). */
  notReadable: string | null;
  /** Screening's call on a readable field; null when not screened. */
  screening: 'positive' | 'negative' | null;
  /** The profile whose calibration made the screening call; null when not screened. */
  screeningProfile: string | null;
  /** The reading's image-level probabilities by label (a label missing scores 0). */
  probabilities: Readonly<Record<string, number>>;
  /** The patterns the reading offered. */
  predicted: readonly string[];
}

export interface AsReadGate {
  fields: number;
  /** Files the reading path could not read (they predict nothing). */
  failed: { path: string; error: string }[];
  notReadable: number;
  notReadableByReason: Record<string, number>;
  screenedPositive: number;
  screenedNegative: number;
  /** The profiles whose calibration made the screening calls ('generic' without a calibration). */
  screeningProfiles: string[];
  /** Fields whose truth holds a pattern. */
  positiveFields: number;
  /** …offered no pattern by the reading. */
  positiveOfferedNone: number;
  /** …of which the model, at the package's thresholds, called at least one true pattern. */
  positiveOfferedNoneModelRight: number;
  /** Fields whose truth is empty. */
  negativeFields: number;
  /** …offered no pattern. */
  negativeOfferedNone: number;
}

export interface AsReadReport {
  offered: EvaluationReport;
  modelAsRead: EvaluationReport;
  gate: AsReadGate;
}

/** A dataset row's labels and its reading (matched by path) in the scorer's terms. */
export type ReadResult = Pick<BatchItemResult, 'path' | 'status' | 'error' | 'labels' | 'probabilities' | 'predicted' | 'quality' | 'screening'>;

export function fieldAsRead(truth: readonly string[], result: ReadResult): FieldAsRead {
  const failed = result.status === 'failed';
  const notReadable = !failed && result.quality?.verdict === 'not-readable' ? (result.quality.reason ?? 'unknown') : null;
  return {
    path: result.path,
    truth,
    failed: failed ? (result.error?.message ?? 'failed') : null,
    notReadable,
    screening: failed ? null : (result.screening?.call ?? null),
    screeningProfile: failed ? null : (result.screening?.profile ?? null),
    probabilities: failed ? {} : Object.fromEntries(result.labels.map((k, i) => [k, result.probabilities[i] ?? 0])),
    predicted: failed ? [] : result.predicted,
  };
}

/**
 * Both reports and the gate's counts. `labels` and `thresholds` are the package's (manifest
 * order and `manifest.thresholds`, as the reading applies them).
 */
export function scoreAsRead(fields: readonly FieldAsRead[], labels: readonly string[], thresholds: Readonly<Record<string, number>>): AsReadReport {
  const K = labels.length;
  const n = fields.length;
  const truth = new Uint8Array(n * K);
  const scores = new Float64Array(n * K);
  const offered = new Uint8Array(n * K);
  const model = new Uint8Array(n * K);
  const gate: AsReadGate = {
    fields: n,
    failed: [],
    notReadable: 0,
    notReadableByReason: {},
    screenedPositive: 0,
    screenedNegative: 0,
    screeningProfiles: [],
    positiveFields: 0,
    positiveOfferedNone: 0,
    positiveOfferedNoneModelRight: 0,
    negativeFields: 0,
    negativeOfferedNone: 0,
  };
  const profiles = new Set<string>();
  fields.forEach((f, i) => {
    for (const key of f.truth) {
      const k = labels.indexOf(key);
      if (k < 0) throw new DomainError('bad-request', `${f.path}: label '${key}' is not one of the model's labels (${labels.join(', ')})`);
      truth[i * K + k] = 1;
    }
    const probabilities = labels.map((key) => (f.failed === null ? (f.probabilities[key] ?? 0) : 0));
    probabilities.forEach((p, k) => (scores[i * K + k] = p));
    const read = f.failed === null && f.notReadable === null;
    const offeredHere = read ? labels.filter((key) => f.predicted.includes(key)) : [];
    // The reading's own rule (inference/aggregate.ts), before screening withholds it.
    const modelHere = read ? predictedLabels([...labels], probabilities, { ...thresholds }) : [];
    for (const key of offeredHere) offered[i * K + labels.indexOf(key)] = 1;
    for (const key of modelHere) model[i * K + labels.indexOf(key)] = 1;

    if (f.failed !== null) gate.failed.push({ path: f.path, error: f.failed });
    else if (f.notReadable !== null) {
      gate.notReadable++;
      gate.notReadableByReason[f.notReadable] = (gate.notReadableByReason[f.notReadable] ?? 0) + 1;
    } else if (f.screening === 'positive') gate.screenedPositive++;
    else if (f.screening === 'negative') gate.screenedNegative++;
    if (read && f.screeningProfile !== null) profiles.add(f.screeningProfile);
    if (f.truth.length > 0) {
      gate.positiveFields++;
      if (offeredHere.length === 0) {
        gate.positiveOfferedNone++;
        if (modelHere.some((key) => f.truth.includes(key))) gate.positiveOfferedNoneModelRight++;
      }
    } else {
      gate.negativeFields++;
      if (offeredHere.length === 0) gate.negativeOfferedNone++;
    }
  });
  gate.screeningProfiles = [...profiles].sort();
  const data = { truth, scores, imageCount: n, labelCount: K };
  return { offered: evaluatePredicted(data, labels, offered), modelAsRead: evaluatePredicted(data, labels, model), gate };
}

/** The gate's counts in one paragraph (the CLI's summary). */
export function gateWords(g: AsReadGate): string {
  const reasons = Object.entries(g.notReadableByReason).map(([r, c]) => `${r} ${c}`).join(', ');
  const profiles = g.screeningProfiles.length ? ` (profile ${g.screeningProfiles.join(', ')})` : '';
  return (
    `Gate: ${g.fields} fields, ${g.notReadable} not readable${reasons ? ` (${reasons})` : ''}, ${g.screenedNegative} screened negative${profiles}` +
    (g.failed.length ? `, ${g.failed.length} failed` : '') +
    `; ${g.positiveOfferedNone} of ${g.positiveFields} positive fields offered no pattern (the model called a true pattern on ${g.positiveOfferedNoneModelRight})` +
    `; ${g.negativeOfferedNone} of ${g.negativeFields} negative fields offered none`
  );
}
