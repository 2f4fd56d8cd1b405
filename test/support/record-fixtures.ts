/**
 * Test helpers for the clinical record: seeded users with known passwords, logging a session in,
 * and a case with a slide and a reading (written through the real repositories, no model run).
 * E2E tests call `seedTestUsers(app.db)` and then log in through the UI or `loginAs`.
 */
import { join } from 'node:path';
import type { Familiarity, FieldQuality, PixelSizeSource, Screening, SessionUser, UserRole } from '../../electron/contract';
import type { App } from '../../electron/core/app';
import { hashPassword } from '../../electron/core/auth/password';
import { SYSTEM_ACTOR } from '../../electron/core/db/audit.repo';
import { ensureCase, type CaseDetails } from '../../electron/core/db/case.repo';
import type { WritableDb } from '../../electron/core/db/connection';
import { getUserWithHash, insertUser } from '../../electron/core/db/user.repo';
import { insertReading, type ReadingRow } from '../../electron/core/db/reading.repo';
import { insertSlide, type SlideRow } from '../../electron/core/db/slide.repo';
import { setCaseStatus } from '../../electron/core/db/case.repo';
import { sha256Hex } from '../../electron/core/db/canonical-json';
import { tempDir } from './temp-dir';

export const TEST_PASSWORD = 'correct horse battery';

export const TEST_USERS = {
  admin: { username: 'admin', displayName: 'Ada Admin', role: 'admin' },
  physician: { username: 'dr.house', displayName: 'Dr. Greta House', role: 'physician' },
  technologist: { username: 'tech', displayName: 'Tom Tech', role: 'technologist' },
} as const satisfies Record<string, { username: string; displayName: string; role: UserRole }>;

export type TestUserKey = keyof typeof TEST_USERS;

// One scrypt hash per test process, shared by the seeded users, at a low cost (the cost is stored
// in the hash, so verification follows it): seeding and logging in stay cheap in tests.
let testPasswordHash: Promise<string> | undefined;
export const TEST_SCRYPT_COST = { N: 1024, r: 8, p: 1 };

/** Creates the three test users (password TEST_PASSWORD) unless they exist; returns their ids. */
export async function seedTestUsers(db: WritableDb): Promise<Record<TestUserKey, number>> {
  testPasswordHash ??= hashPassword(TEST_PASSWORD, TEST_SCRYPT_COST);
  const passwordHash = await testPasswordHash;
  const ids = {} as Record<TestUserKey, number>;
  for (const [key, user] of Object.entries(TEST_USERS) as [TestUserKey, (typeof TEST_USERS)[TestUserKey]][]) {
    ids[key] = (getUserWithHash(db, user.username) ?? insertUser(db, { ...user, passwordHash }, SYSTEM_ACTOR)).id;
  }
  return ids;
}

/** Logs `sessionId` in as one of the test users through the real auth/login channel. */
export async function loginAs(app: App, sessionId: string, who: TestUserKey): Promise<SessionUser> {
  const result = await app.handle('auth/login', { username: TEST_USERS[who].username, password: TEST_PASSWORD }, { sessionId });
  if (!result.ok) throw new Error(`login as ${who} failed: ${result.message}`);
  return result.value as SessionUser;
}

export function tempDbPath(prefix = 'ana-record-'): string {
  return join(tempDir(prefix), 'ana.db');
}

export const TEST_LABELS = ['homogeneous', 'speckled', 'centromere', 'nuclear_dots', 'nucleolar', 'nuclear_envelope', 'mitochondrial', 'golgi'];

/** A case with one slide and one done reading whose probabilities are given per label. */
export function seedReadCase(
  db: WritableDb,
  options: {
    accessionId: string;
    probabilities?: Record<string, number>;
    receivedAtMs?: number;
    details?: CaseDetails;
    fileName?: string;
    /** The slide's file (default: /data/FILE_NAME, which does not exist); give a real one for code that reads it. */
    path?: string;
    /** The field-quality analysis stored with the reading (absent: a reading made before it existed). */
    quality?: FieldQuality | null;
    screening?: Screening | null;
    familiarity?: Familiarity | null;
    /** Where the slide's pixel size came from (default: the file). */
    pixelSizeSource?: PixelSizeSource | null;
    /** The model that made the reading (default ana-test 1.0.0 on cpu). */
    model?: { modelId: string; modelVersion: string; provider: string };
    timingsMs?: Record<string, number>;
  },
): { caseId: number; slide: SlideRow; reading: ReadingRow } {
  const received = options.receivedAtMs ?? 1_780_000_000_000;
  const kase = ensureCase(db, options.accessionId, received, received, options.details ?? {});
  const fileName = options.fileName ?? `${options.accessionId}_F1.png`;
  const slide = insertSlide(db, {
    caseId: kase.id,
    path: options.path ?? `/data/${fileName}`,
    fileName,
    sha256: sha256Hex(`${options.accessionId}/${fileName}`),
    sizeBytes: 1234,
    widthPx: 640,
    heightPx: 480,
    pixelSizeUm: 0.5,
    pixelSizeSource: options.pixelSizeSource === undefined ? 'file' : options.pixelSizeSource,
    format: 'png',
    createdAtMs: received,
  });
  const probs = TEST_LABELS.map((k) => options.probabilities?.[k] ?? 0.05);
  const reading = insertReading(db, {
    slideId: slide.id,
    modelId: options.model?.modelId ?? 'ana-test',
    modelVersion: options.model?.modelVersion ?? '1.0.0',
    provider: options.model?.provider ?? 'cpu',
    status: 'done',
    error: null,
    labels: TEST_LABELS,
    probabilities: probs,
    // As a reading stores it: a field screened negative gets no pattern (the model's calls are withheld).
    predicted: options.screening?.call === 'negative' ? [] : TEST_LABELS.filter((_, k) => probs[k]! >= 0.5),
    patchCount: 2,
    patches: [
      [0, 0, 320, 480, 0],
      [320, 0, 320, 480, 0],
    ],
    patchScores: new Float32Array([...probs, ...probs]),
    timingsMs: options.timingsMs ?? { infer: 1 },
    thresholds: Object.fromEntries(TEST_LABELS.map((k) => [k, 0.5])),
    quality: options.quality ?? null,
    screening: options.screening ?? null,
    familiarity: options.familiarity ?? null,
    createdAtMs: received + 1000,
  });
  if (kase.status === 'new') setCaseStatus(db, kase.id, 'read');
  return { caseId: kase.id, slide, reading };
}

/** An app over a fresh database with the test users seeded and one session logged in per role. */
export async function recordApp(): Promise<{
  app: App;
  ids: Record<TestUserKey, number>;
  as: Record<TestUserKey, { sessionId: string }>;
  call: (who: TestUserKey | 'anonymous', channel: string, request: unknown) => Promise<{ ok: boolean; value?: any; code?: string; message?: string }>;
}> {
  const { createApp } = await import('../../electron/core/app');
  const app = await createApp({ dbPath: tempDbPath(), modelDir: '/nonexistent-model-dir', version: 'test', log: () => {}, passwordCost: TEST_SCRYPT_COST });
  const ids = await seedTestUsers(app.db);
  const as = { admin: { sessionId: 'admin-session' }, physician: { sessionId: 'physician-session' }, technologist: { sessionId: 'tech-session' } };
  for (const who of Object.keys(as) as TestUserKey[]) await loginAs(app, as[who].sessionId, who);
  const call = (who: TestUserKey | 'anonymous', channel: string, request: unknown) =>
    app.handle(channel, request, who === 'anonymous' ? { sessionId: 'anonymous-session' } : as[who]) as Promise<{ ok: boolean; value?: any; code?: string; message?: string }>;
  return { app, ids, as, call };
}

/**
 * Drops the record's triggers (not the audit log's), as if migration 002's guards were missing:
 * tests run against this prove that core enforces each rule on its own too.
 */
export function dropRecordGuards(db: WritableDb): void {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name NOT LIKE 'audit_%'").all() as { name: string }[];
  for (const { name } of names) db.exec(`DROP TRIGGER "${name}"`);
}
