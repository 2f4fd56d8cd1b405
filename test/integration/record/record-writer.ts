/**
 * Child process for the record's fault tests. Modes:
 *   open DB                 — just open (and so migrate) the record, printing "opening"/"opened";
 *   steady DB PREFIX COUNT  — COUNT audited case+slide+reading writes, one transaction each,
 *                             printing "committed <accession>" after each commit;
 *   hang DB PREFIX COUNT    — COUNT committed writes, then a big write transaction that stops
 *                             half-way ("in-transaction") and waits to be killed.
 * Environment: GO_FILE (start barrier), PAUSE_MS (pause after each write), PEER + BLOCK (lock-step
 * with another writer every BLOCK writes).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { openDatabase, inTransaction, type WritableDb } from '../../../electron/core/db/connection';
import { seedReadCase } from '../../support/record-fixtures';

const [mode, dbPath, prefix, countText] = process.argv.slice(2);
const count = Number(countText);
if (mode === 'open') process.stdout.write('opening\n');
const db: WritableDb = openDatabase(dbPath!);
if (mode === 'open') {
  process.stdout.write(`opened at version ${db.pragma('user_version', { simple: true })}\n`);
  db.close();
  process.exit(0);
}

function writeOne(i: number): void {
  inTransaction(db, () => seedReadCase(db, { accessionId: `${prefix}-${i}`, receivedAtMs: 1_780_000_000_000 + i }));
  process.stdout.write(`committed ${prefix}-${i}\n`);
  // A short pause between writes, like a real app between user actions: without it one process can
  // take the write lock back before the other's busy handler wakes, and the writers never overlap.
  if (process.env.PAUSE_MS) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.PAUSE_MS));
}

// Optional start barrier: wait until the parent creates GO_FILE, so that two writers really overlap.
if (process.env.GO_FILE) {
  process.stdout.write('ready\n');
  while (!existsSync(process.env.GO_FILE)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
}
// Optional lock-step with a peer writer (PEER: its prefix): every BLOCK writes, each waits for the
// other to have committed as many. A loaded machine can otherwise run one writer's whole batch
// before the other's first write, and the test could not tell that they overlap.
const block = Number(process.env.BLOCK ?? 0);
const waitFor = (file: string): void => {
  for (let waited = 0; !existsSync(file) && waited < 30_000; waited += 5) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
};
for (let i = 0; i < count; i++) {
  writeOne(i);
  if (process.env.GO_FILE && process.env.PEER && block > 0 && (i + 1) % block === 0 && i + 1 < count) {
    writeFileSync(`${process.env.GO_FILE}.${prefix}.${i + 1}`, '');
    waitFor(`${process.env.GO_FILE}.${process.env.PEER}.${i + 1}`);
  }
}
if (mode === 'hang') {
  inTransaction(db, () => {
    for (let i = 0; i < 50; i++) seedReadCase(db, { accessionId: `${prefix}-uncommitted-${i}` });
    process.stdout.write('in-transaction\n');
    // Block inside the open transaction until killed (sync: the transaction cannot be left).
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
  });
}
db.close();
process.stdout.write('done\n');
