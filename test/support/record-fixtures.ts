/**
 * Test helpers for the clinical record: seeded users with known passwords, logging a session in,
 * and a case with a slide and a reading (written through the real repositories, no model run).
 * E2E tests call `seedTestUsers(app.db)` and then log in through the UI or `loginAs`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SessionUser, UserRole } from '../../electron/contract';
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

export const TEST_PASSWORD = 'correct horse battery';

export const TEST_USERS = {
  admin: { username: 'admin', displayName: 'Ada Admin', role: 'admin' },
  physician: { username: 'dr.house', displayName: 'Dr. Greta House', role: 'physician' },
  technologist: { username: 'tech', displayName: 'Tom Tech', role: 'technologist' },
} as const satisfies Record<string, { username: string; displayName: string; role: UserRole }>;

export type TestUserKey = keyof typeof TEST_USERS;

// One scrypt hash per test process, shared by the seeded users: seeding stays cheap.
let testPasswordHash: Promise<string> | undefined;

/** Creates the three test users (password TEST_PASSWORD) unless they exist; returns their ids. */
export async function seedTestUsers(db: WritableDb): Promise<Record<TestUserKey, number>> {
  testPasswordHash ??= hashPassword(TEST_PASSWORD);
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
  return join(mkdtempSync(join(tmpdir(), prefix)), 'ana.db');
}

export const TEST_LABELS = ['homogeneous', 'speckled', 'centromere', 'nuclear_dots', 'nucleolar', 'nuclear_envelope', 'mitochondrial', 'golgi'];

/** A case with one slide and one done reading whose probabilities are given per label. */
export function seedReadCase(
  db: WritableDb,
  options: { accessionId: string; probabilities?: Record<string, number>; receivedAtMs?: number; details?: CaseDetails; fileName?: string },
): { caseId: number; slide: SlideRow; reading: ReadingRow } {
  const received = options.receivedAtMs ?? 1_780_000_000_000;
  const kase = ensureCase(db, options.accessionId, received, received, options.details ?? {});
  const fileName = options.fileName ?? `${options.accessionId}_F1.png`;
  const slide = insertSlide(db, {
    caseId: kase.id,
    path: `/data/${fileName}`,
    fileName,
    sha256: sha256Hex(`${options.accessionId}/${fileName}`),
    sizeBytes: 1234,
    widthPx: 640,
    heightPx: 480,
    pixelSizeUm: 0.5,
    format: 'png',
    createdAtMs: received,
  });
  const probs = TEST_LABELS.map((k) => options.probabilities?.[k] ?? 0.05);
  const reading = insertReading(db, {
    slideId: slide.id,
    modelId: 'ana-test',
    modelVersion: '1.0.0',
    provider: 'cpu',
    status: 'done',
    error: null,
    labels: TEST_LABELS,
    probabilities: probs,
    predicted: TEST_LABELS.filter((_, k) => probs[k]! >= 0.5),
    patchCount: 2,
    patches: [
      [0, 0, 320, 480, 0],
      [320, 0, 320, 480, 0],
    ],
    patchScores: new Float32Array([...probs, ...probs]),
    timingsMs: { infer: 1 },
    thresholds: Object.fromEntries(TEST_LABELS.map((k) => [k, 0.5])),
    createdAtMs: received + 1000,
  });
  setCaseStatus(db, kase.id, 'read');
  return { caseId: kase.id, slide, reading };
}
