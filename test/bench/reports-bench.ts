/**
 * Timing of reports on a seeded record (not a test): `npx tsx test/bench/reports-bench.ts [cases]`.
 * Seeds N signed cases (256×192 synthetic fields), then times PDF+HL7 rendering and storage on
 * sign-off, a day's HL7 export, a CSV export and an idempotent re-export. Figures on a shared
 * machine are noisy.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_ACTOR } from '../../electron/core/db/audit.repo';
import { listReportsOfCase } from '../../electron/core/db/report.repo';
import { exportDay } from '../../electron/core/reports/day-export';
import { resolveReportSettings } from '../../electron/core/reports/report-settings';
import { ensureCaseReports } from '../../electron/core/reports/report.service';
import { addReadCase, DAY, NOON_MS, seedRecord, signReadCase } from '../support/reports/seed';

const n = Number(process.argv[2] ?? 20);
const settings = resolveReportSettings({ timeZone: 'Europe/Berlin' });
const dir = mkdtempSync(join(tmpdir(), 'ana-reports-bench-'));
const rec = await seedRecord(dir);
const ids: number[] = [];
for (let i = 0; i < n; i++) {
  const id = addReadCase(rec, { accessionId: `B-${String(i).padStart(4, '0')}`, patientName: `Patient, ${i}`, predicted: ['homogeneous', 'speckled'] }, i);
  await signReadCase(rec, id, [{ key: 'homogeneous', titer: '1:640' }, { key: 'speckled', icapCode: 'AC-4' }], 'Comment.', NOON_MS + i * 1000);
  ids.push(id);
}
const time = async (label: string, fn: () => Promise<unknown>) => {
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  console.log(`${label}: ${ms.toFixed(0)} ms`);
  return ms;
};
const reportMs = await time(`render+store PDF and HL7 for ${n} cases`, async () => {
  for (const id of ids) await ensureCaseReports(rec.db, id, SYSTEM_ACTOR, { settings });
});
console.log(`per case: ${(reportMs / n).toFixed(0)} ms`);
const sizes = ids.flatMap((id) => listReportsOfCase(rec.db, id)).filter((r) => r.format === 'pdf').map((r) => r.sizeBytes);
console.log(`PDF size: ${Math.min(...sizes)}–${Math.max(...sizes)} bytes`);
const outbox = join(dir, 'outbox');
await time(`HL7 day export (${n} files)`, () => exportDay(rec.db, { date: DAY, format: 'hl7', outboxDir: outbox }, SYSTEM_ACTOR, { settings }));
await time('CSV day export', () => exportDay(rec.db, { date: DAY, format: 'csv', outboxDir: outbox }, SYSTEM_ACTOR, { settings }));
await time('HL7 re-export (nothing new)', () => exportDay(rec.db, { date: DAY, format: 'hl7', outboxDir: outbox }, SYSTEM_ACTOR, { settings }));
console.log(`CSV size: ${statSync(join(outbox, `ana-results-${DAY}.csv`)).size} bytes`);
rec.db.close();
rmSync(dir, { recursive: true, force: true });
