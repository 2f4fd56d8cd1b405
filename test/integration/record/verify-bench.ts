/**
 * Timing of `ana audit verify` on a seeded record (not a test):
 * `bash tools/run npx tsx test/integration/record/verify-bench.ts [cases]`.
 * Seeds N cases, each read, decided and signed through the review service (test scrypt cost),
 * then times one full verification (chain, anchors, protections, signatures, reports, record
 * against log both ways). Figures on a shared machine are noisy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toSessionUser } from '../../../electron/core/auth/auth.service';
import { openDatabase } from '../../../electron/core/db/connection';
import { getUserById } from '../../../electron/core/db/user.repo';
import { verifyRecord } from '../../../electron/core/review/record-verify';
import { saveDraft, signCase } from '../../../electron/core/review/review.service';
import { seedReadCase, seedTestUsers, TEST_PASSWORD } from '../../support/record-fixtures';

const n = Number(process.argv[2] ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'ana-verify-bench-'));
const db = openDatabase(join(dir, 'ana.db'));
const ids = await seedTestUsers(db);
const physician = toSessionUser(getUserById(db, ids.physician)!);
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const { caseId } = seedReadCase(db, { accessionId: `V-${String(i).padStart(5, '0')}`, probabilities: { speckled: 0.8 } });
  saveDraft(db, physician, { caseId, labels: [{ key: 'speckled' }], comment: '' });
  await signCase(db, physician, { caseId, password: TEST_PASSWORD, meaning: 'approved' });
}
console.log(`seeded ${n} signed cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const t1 = performance.now();
const result = verifyRecord(db);
const ms = performance.now() - t1;
console.log(`verify: ${ms.toFixed(0)} ms for ${result.auditEntries} audit entries, ${result.signaturesChecked} signatures, ${result.anchorsChecked} anchors; ok=${result.ok}`);
db.close();
rmSync(dir, { recursive: true, force: true });
