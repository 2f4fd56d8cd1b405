/**
 * A real record for report tests: a physician account, cases with a slide file on disk, a stored
 * reading with per-patch scores, a saved decision and a signature made through the review service.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecisionLabel, SessionUser } from '../../../electron/contract';
import { SYSTEM_ACTOR } from '../../../electron/core/db/audit.repo';
import { ensureCase } from '../../../electron/core/db/case.repo';
import { openDatabase, type WritableDb } from '../../../electron/core/db/connection';
import { insertReading } from '../../../electron/core/db/reading.repo';
import { insertSlide } from '../../../electron/core/db/slide.repo';
import { createAccount, toSessionUser } from '../../../electron/core/auth/auth.service';
import { TEST_SCRYPT_COST } from '../record-fixtures';
import { amendCase, saveDraft, signCase } from '../../../electron/core/review/review.service';
import { encodeRgbPng } from '../../../electron/core/reports/png-encode';
import { LABEL_KEYS } from '../../../electron/contract/labels';

export const PASSWORD = 'correct horse battery';
export const DAY = '2026-11-29';
/** Noon UTC on DAY: the same calendar day in every zone from UTC-11 to UTC+11. */
export const NOON_MS = Date.UTC(2026, 10, 29, 12, 0, 0);

export interface SeededRecord {
  dir: string;
  dbPath: string;
  db: WritableDb;
  physician: SessionUser;
}

export async function seedRecord(dir: string): Promise<SeededRecord> {
  const dbPath = join(dir, 'ana.db');
  const db = openDatabase(dbPath);
  const row = await createAccount(db, { username: 'znunez', displayName: 'Dr. Zoë Ñúñez & Søn | 山田', role: 'physician', password: PASSWORD }, SYSTEM_ACTOR, NOON_MS - 86_400_000, TEST_SCRYPT_COST);
  return { dir, dbPath, db, physician: toSessionUser(row) };
}

export interface CaseSpec {
  accessionId: string;
  patientName: string | null;
  patientId?: string | null;
  /** Label keys the model predicts; the slide's patch scores favour the first. */
  predicted: string[];
  receivedAtMs?: number;
  /** Cut at the model's assumed pixel size (the file stated none, no profile); default: not recorded. */
  assumedPixelSizeUm?: number;
}

function writeSlidePng(path: string, seed: number): { bytes: Buffer; widthPx: number; heightPx: number } {
  const widthPx = 256;
  const heightPx = 192;
  const rgb = new Uint8Array(widthPx * heightPx * 3);
  for (let y = 0; y < heightPx; y++)
    for (let x = 0; x < widthPx; x++) {
      const v = Math.round(127.5 * (1 + Math.sin((x + seed) / 6) * Math.cos((y - seed) / 8)));
      rgb.set([10, v, 10], (y * widthPx + x) * 3);
    }
  const bytes = Buffer.from(encodeRgbPng(rgb, widthPx, heightPx));
  writeFileSync(path, bytes);
  return { bytes, widthPx, heightPx };
}

/** Imports one case with a slide and a reading (status 'read'); returns its id. */
export function addReadCase(rec: SeededRecord, spec: CaseSpec, seed: number): number {
  const receivedAtMs = spec.receivedAtMs ?? NOON_MS - 4 * 3600_000;
  const kase = ensureCase(rec.db, spec.accessionId, receivedAtMs, receivedAtMs, {
    patientId: spec.patientId ?? `MRN-${seed}`,
    patientName: spec.patientName,
    patientBirthDate: '1971-05-14',
  });
  const fileName = `slide-${seed}.png`;
  const path = join(rec.dir, fileName);
  const img = writeSlidePng(path, seed);
  const slide = insertSlide(rec.db, {
    caseId: kase.id,
    path,
    fileName,
    sha256: createHash('sha256').update(img.bytes).digest('hex'),
    sizeBytes: img.bytes.length,
    widthPx: img.widthPx,
    heightPx: img.heightPx,
    pixelSizeUm: spec.assumedPixelSizeUm ?? null,
    pixelSizeSource: spec.assumedPixelSizeUm ? 'model-default' : null,
    format: 'png',
    createdAtMs: receivedAtMs + 60_000,
  });
  const labels = [...LABEL_KEYS];
  const patches: [number, number, number, number, 0 | 1][] = [];
  for (let y = 0; y < img.heightPx; y += 64) for (let x = 0; x < img.widthPx; x += 64) patches.push([x, y, 64, 64, x === 0 && y === 0 ? 1 : 0]);
  const scores = new Float32Array(patches.length * labels.length);
  patches.forEach(([x, y], p) => labels.forEach((key, k) => (scores[p * labels.length + k] = spec.predicted.includes(key) ? (x + y) / (img.widthPx + img.heightPx) : 0.02)));
  insertReading(rec.db, {
    slideId: slide.id,
    modelId: 'ana-default',
    modelVersion: '1.2.0',
    provider: 'cpu',
    status: 'done',
    error: null,
    labels,
    probabilities: labels.map((key, k) => (spec.predicted.includes(key) ? 0.9 - 0.1 * spec.predicted.indexOf(key) : 0.05 + 0.01 * k)),
    predicted: spec.predicted,
    patchCount: patches.length,
    patches,
    patchScores: scores,
    timingsMs: { total: 12 },
    thresholds: Object.fromEntries(labels.map((k) => [k, 0.5])),
    createdAtMs: receivedAtMs + 120_000,
  });
  return kase.id;
}

export async function signReadCase(rec: SeededRecord, caseId: number, labels: DecisionLabel[], comment: string, signedAtMs = NOON_MS): Promise<number> {
  saveDraft(rec.db, rec.physician, { caseId, labels, comment }, signedAtMs - 60_000);
  const sig = await signCase(rec.db, rec.physician, { caseId, password: PASSWORD, meaning: 'approved' }, signedAtMs);
  return sig.id;
}

export async function amendSignedCase(rec: SeededRecord, caseId: number, labels: DecisionLabel[], comment: string, reason: string, signedAtMs: number): Promise<number> {
  const { signature } = await amendCase(rec.db, rec.physician, { caseId, labels, comment, reason, password: PASSWORD }, signedAtMs);
  return signature.id;
}
