/**
 * A record a real fine-tuning run can learn from: cases over generated field files (the generator
 * of electron/core/synth, 640×480 at its 0.5 µm/px, as the slide rows say), each signed by a
 * physician through the review service with the labels it was drawn with. Fine-tuning reads the
 * files themselves; the seeded readings only make the cases "read". Seeded: the same count and
 * seed give the same record.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionUser } from '../../electron/contract';
import type { WritableDb } from '../../electron/core/db/connection';
import { saveDraft, signCase } from '../../electron/core/review/review.service';
import { encodeField, generateField } from '../../electron/core/synth/index';
import { seedReadCase, TEST_PASSWORD } from './record-fixtures';

/** Single patterns, a mixed serum and a negative, in turn. */
const SERA: string[][] = [['homogeneous'], ['speckled'], ['centromere'], [], ['nucleolar'], ['homogeneous', 'speckled'], ['nuclear_envelope'], ['golgi']];

export async function seedSignedFieldRecord(db: WritableDb, physician: SessionUser, dir: string, count: number, seed = 1): Promise<{ caseIds: number[]; paths: string[] }> {
  const caseIds: number[] = [];
  const paths: string[] = [];
  for (let k = 0; k < count; k++) {
    const labels = SERA[k % SERA.length]!;
    const accessionId = `T2026-${String(k + 1).padStart(4, '0')}`;
    const fileName = `${accessionId}_F1.png`;
    const path = join(dir, fileName);
    writeFileSync(path, await encodeField(generateField({ widthPx: 640, heightPx: 480, labels }, seed * 1000 + k), 'png-rgb8'));
    const { caseId } = seedReadCase(db, { accessionId, fileName, path });
    const atMs = 1_780_000_100_000 + k * 60_000;
    saveDraft(db, physician, { caseId, labels: labels.map((key) => ({ key })), comment: '' }, atMs);
    await signCase(db, physician, { caseId, password: TEST_PASSWORD, meaning: 'approved' }, atMs + 1000);
    caseIds.push(caseId);
    paths.push(path);
  }
  return { caseIds, paths };
}
