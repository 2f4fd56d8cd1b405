/**
 * A record whose cases a physician signed, some negative (AC-0) and some with a pattern, over real
 * field files (demo slides copied into a folder): what calibrating screening on the signed
 * negatives reads. Signed through the app's review channels; amendments count from their signature.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { App } from '../../electron/core/app';
import { projectRoot } from '../../electron/core/paths';
import { seedReadCase, TEST_PASSWORD } from './record-fixtures';

type Call = (who: 'admin' | 'physician' | 'technologist', channel: string, request: unknown) => Promise<{ ok: boolean; value?: any; code?: string; message?: string }>;

const DEMO = join(projectRoot(), 'resources/demo-slides/images');

/** Each case's fields (demo files: 0426 and 0427 are negative sera, 0425 speckled) and how it is signed. */
const CASES = [
  { accessionId: 'N-1', demo: ['A2026-0426_F1.png', 'A2026-0426_F2.png'], signed: [[]] },
  { accessionId: 'N-2', demo: ['A2026-0427_F1.png'], signed: [[]] },
  { accessionId: 'P-1', demo: ['A2026-0425_F1.png'], signed: [['speckled']] },
  // Signed negative, then amended to a pattern: not a negative.
  { accessionId: 'P-2', demo: ['A2026-0425_F2.png'], signed: [[], ['speckled']] },
  // Signed with a pattern, then amended to negative (the latest signature): a negative.
  { accessionId: 'N-3', demo: ['A2026-0427_F2.png'], signed: [['homogeneous'], []] },
  // Read, a negative draft, never signed.
  { accessionId: 'U-1', demo: ['A2026-0426_F1.png'], signed: [] },
] as const;

export interface SignedNegativeRecord {
  /** Case id per accession. */
  caseIds: Record<string, number>;
  /** The field files per accession, in `dir`. */
  files: Record<string, string[]>;
  /** The negatives, most recently signed first: N-3 (amended last), N-2, N-1. */
  negatives: string[];
}

/** Reads (seeds) and signs the cases above in order; files are copied into `dir`. */
export async function seedSignedNegativeRecord(app: App, call: Call, dir: string): Promise<SignedNegativeRecord> {
  const caseIds: Record<string, number> = {};
  const files: Record<string, string[]> = {};
  for (const c of CASES) {
    files[c.accessionId] = c.demo.map((demo, i) => {
      const fileName = `${c.accessionId}_F${i + 1}.png`;
      const path = join(dir, fileName);
      copyFileSync(join(DEMO, demo), path);
      caseIds[c.accessionId] = seedReadCase(app.db, { accessionId: c.accessionId, fileName, path }).caseId;
      return path;
    });
  }
  const ok = async (channel: string, request: unknown) => expect(await call('physician', channel, request)).toMatchObject({ ok: true });
  for (const c of CASES) {
    const caseId = caseIds[c.accessionId]!;
    const first = c.signed[0];
    if (!first) {
      await ok('review/save-draft', { caseId, labels: [] });
      continue;
    }
    await ok('review/save-draft', { caseId, labels: first.map((key) => ({ key })) });
    await ok('review/sign', { caseId, password: TEST_PASSWORD });
  }
  // Amendments after every first signature, so that N-3's is the latest.
  for (const c of CASES) {
    for (const labels of c.signed.slice(1)) {
      await ok('review/amend', { caseId: caseIds[c.accessionId]!, labels: labels.map((key) => ({ key })), reason: 'read again', password: TEST_PASSWORD });
    }
  }
  return { caseIds, files, negatives: ['N-3', 'N-2', 'N-1'] };
}
