/**
 * From the record to the report view-model: one signature (with its decision, case, readings and
 * slides) becomes a `SignedCaseReport`. Everything printed comes from stored rows, so the same
 * signature always yields the same view-model — and, through the pure renderers, the same bytes.
 */
import { findLabel } from '../../contract/labels';
import type { ReportSettingsPatch } from '../../contract/channels/reports.channels';
import type { ReadableDb } from '../db/connection';
import { getCaseById } from '../db/case.repo';
import { getDecisionById } from '../db/decision.repo';
import { getReadingById, type ReadingRow } from '../db/reading.repo';
import { getSetting } from '../db/settings.repo';
import { getSignatureById, type SignatureRow } from '../db/signature.repo';
import { getSlideById } from '../db/slide.repo';
import { DomainError, errorMessage } from '../errors';
import { isNotReadable } from '../../contract/quality-words';
import { patternResult, type FieldReport, type ModelSuggestion, type PatternResult, type SignedCaseReport, type Thumbnail } from './report-model';
import { encodeFileStem } from './outbox';
import { resolveReportSettings, type ReportSettings } from './report-settings';
import { renderThumbnailPng } from './thumbnail';
import { renderDisplayPng } from '../slides/decode';

export const REPORT_SETTINGS_KEY = 'reports.settings';

/** The lab's settings over the defaults; without a stored time zone, the machine's. */
export function loadReportSettings(db: ReadableDb): ReportSettings {
  const stored = getSetting<ReportSettingsPatch>(db, REPORT_SETTINGS_KEY) ?? {};
  return resolveReportSettings({ timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, ...stored });
}

/** 'ANA-2026-0042' version 2 → 'ANA-2026-0042-v2'. */
export function reportIdOf(accessionId: string, version: number): string {
  return `${accessionId}-v${version}`;
}

/**
 * A file name safe on Windows and in LIS shares: the accession encoded without collisions
 * (outbox.ts `encodeFileStem`: `X|1` and `X^1` stay apart), then `-v<version>`. The version is
 * always the last `-v<digits>`, so two (accession, version) pairs never share a stem.
 */
export function reportFileStem(accessionId: string, version: number): string {
  return `${encodeFileStem(accessionId)}-v${version}`;
}

export function requireSignature(db: ReadableDb, signatureId: number): SignatureRow {
  const sig = getSignatureById(db, signatureId);
  if (!sig) throw new DomainError('not-found', `Signature ${signatureId} does not exist`);
  return sig;
}

/** The viewer's display rendition of a slide (FITC, grey PNG): the app passes its display cache's. */
export type DisplayRendition = (slide: { sha256: string; path: string }) => Promise<Uint8Array>;

export interface BuildOptions {
  /** Skip the picture (CSV/HL7 do not show it). */
  withThumbnail?: boolean;
  log?: (message: string) => void;
  /** Where the thumbnail's picture comes from; default: rendered from the slide file by the same rule. */
  displayRendition?: DisplayRendition;
}

export async function buildSignedCaseReport(db: ReadableDb, signatureId: number, settings: ReportSettings, options: BuildOptions = {}): Promise<SignedCaseReport> {
  const sig = requireSignature(db, signatureId);
  const decision = getDecisionById(db, sig.decisionId);
  const kase = getCaseById(db, sig.caseId);
  if (!decision || !kase) throw new DomainError('db-corrupt', `Signature ${sig.id} points to a missing decision or case`);
  if (decision.state !== 'signed') throw new DomainError('conflict', `Case ${kase.accessionId}: decision ${decision.id} is not signed; unsigned results are never reported`);

  let amends: SignedCaseReport['amends'] = null;
  if (sig.supersedesId !== null) {
    const previous = getSignatureById(db, sig.supersedesId);
    const previousDecision = previous && getDecisionById(db, previous.decisionId);
    if (!previousDecision) throw new DomainError('db-corrupt', `Signature ${sig.id} amends signature ${sig.supersedesId}, which is missing`);
    amends = { reportId: reportIdOf(kase.accessionId, previousDecision.version), reason: decision.amendmentReason };
  }

  const readings = decision.suggestion.readingIds.map((id) => getReadingById(db, id)).filter((r): r is ReadingRow => r !== undefined);
  const results: PatternResult[] = decision.labels.map((l) => patternResult(l.key, { icapCode: l.icapCode, intensity: l.intensity, titer: l.titer }));
  const suggestion = suggestionOf(decision.suggestion, readings);

  let thumbnail: Thumbnail | null = null;
  if (options.withThumbnail !== false && readings.length > 0) {
    thumbnail = await thumbnailOf(db, readings, results, suggestion, options.displayRendition ?? ((slide) => renderDisplayPng(slide.path))).catch((error: unknown) => {
      // The report is still complete without the picture; say why it is missing.
      options.log?.(`Report of case ${kase.accessionId}: no thumbnail (${errorMessage(error)})`);
      return null;
    });
  }

  return {
    reportId: reportIdOf(kase.accessionId, decision.version),
    version: decision.version,
    caseId: kase.id,
    accessionId: kase.accessionId,
    patient: { id: kase.patientId, name: kase.patientName, birthDate: kase.patientBirthDate },
    receivedAtMs: kase.receivedAtMs,
    readAtMs: readings.length ? Math.max(...readings.map((r) => r.createdAtMs)) : null,
    screeningDilution: settings.screeningDilution,
    results,
    suggestion,
    comment: decision.comment.trim() ? decision.comment : null,
    signature: { signerName: sig.signerName, meaning: sig.meaning, signedAtMs: sig.signedAtMs, contentSha256: sig.contentSha256 },
    amends,
    thumbnail,
    fields: readings.map((r) => fieldReportOf(db, r)),
    confirmedNotReadable: signedConfirmNotReadable(sig),
  };
}

/** The verdict of one field the signer saw, from its stored reading; a not-readable field keeps no patterns. */
function fieldReportOf(db: ReadableDb, reading: ReadingRow): FieldReport {
  // A signed case's slide keeps the size it was signed on (reading/read-slide.ts).
  const slide = getSlideById(db, reading.slideId);
  return {
    fileName: slide?.fileName ?? `slide ${reading.slideId}`,
    quality: reading.quality,
    screening: reading.screening,
    familiarity: reading.familiarity,
    assumedPixelSizeUm: slide?.pixelSizeSource === 'model-default' ? slide.pixelSizeUm : null,
    suggested: isNotReadable(reading.quality) ? [] : [...reading.predicted],
  };
}

/** Whether the signed content records the signer's confirmation of a negative on not-readable fields. */
function signedConfirmNotReadable(sig: SignatureRow): boolean {
  return (JSON.parse(sig.contentJson) as { confirmNotReadable?: unknown }).confirmNotReadable === true;
}

function suggestionOf(
  stored: { models?: { modelId: string; modelVersion: string }[]; probabilities: Record<string, number>; predicted: string[] },
  readings: ReadingRow[],
): ModelSuggestion | null {
  const models = stored.models?.length ? stored.models : readings.map((r) => ({ modelId: r.modelId, modelVersion: r.modelVersion }));
  if (models.length === 0) return null;
  const unique = [...new Map(models.map((m) => [`${m.modelId}@${m.modelVersion}`, m])).values()];
  return {
    modelId: [...new Set(unique.map((m) => m.modelId))].join(', '),
    modelVersion: [...new Set(unique.map((m) => m.modelVersion))].join(', '),
    probabilities: Object.entries(stored.probabilities)
      .map(([labelKey, probability]) => ({ labelKey, probability }))
      .sort((a, b) => b.probability - a.probability || a.labelKey.localeCompare(b.labelKey)),
    predicted: [...stored.predicted],
  };
}

/**
 * The main pattern is the final pattern the model scored highest (the first final one when the
 * model did not score it); the field shown is the slide whose reading scored it highest, with that
 * reading's per-patch scores as overlay. A negative case shows its first field without overlay.
 */
async function thumbnailOf(
  db: ReadableDb,
  readings: ReadingRow[],
  results: PatternResult[],
  suggestion: ModelSuggestion | null,
  displayRendition: DisplayRendition,
): Promise<Thumbnail> {
  const probabilityOf = (key: string) => suggestion?.probabilities.find((p) => p.labelKey === key)?.probability ?? -1;
  const main = [...results].sort((a, b) => probabilityOf(b.labelKey) - probabilityOf(a.labelKey))[0] ?? null;
  let reading = readings[0]!;
  let labelIndex = -1;
  if (main) {
    let best = -Infinity;
    for (const r of readings) {
      const k = r.labels.indexOf(main.labelKey);
      if (k >= 0 && r.probabilities[k]! > best) {
        best = r.probabilities[k]!;
        reading = r;
        labelIndex = k;
      }
    }
  }
  const slide = getSlideById(db, reading.slideId);
  if (!slide) throw new Error(`slide ${reading.slideId} is missing`);
  const overlay =
    labelIndex >= 0 && reading.patchScores.length === reading.patchCount * reading.labels.length
      ? { patches: reading.patches, scores: Array.from({ length: reading.patchCount }, (_, p) => reading.patchScores[p * reading.labels.length + labelIndex]!) }
      : null;
  const png = await renderThumbnailPng(await displayRendition(slide), overlay);
  const name = main ? (findLabel(main.labelKey)?.displayName ?? main.labelKey) : null;
  return {
    png,
    caption: `Field ${slide.fileName}${overlay && name ? `; overlay: model patch scores for ${name}` : '; no pattern overlay'}`,
  };
}
