/**
 * Faults: a writer killed with SIGKILL mid-transaction, and two processes writing at once. The
 * record must open, pass the integrity check, keep every committed write, and its audit chain
 * must stay one unbroken chain.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, openUnmigrated, SCHEMA_VERSION } from '../../../electron/core/db/connection';
import { listCases } from '../../../electron/core/db/case.repo';
import { projectRoot } from '../../../electron/core/paths';
import { verifyRecord } from '../../../electron/core/review/record-verify';
import { tempDbPath } from '../../support/record-fixtures';

const WRITER = join(projectRoot(), 'test/integration/record/record-writer.ts');

function startWriter(args: string[], env: Record<string, string> = {}): { child: ChildProcess; lines: string[]; waitFor: (line: string) => Promise<void>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, ...args], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: string[] = [];
  const waiters: { line: string; done: () => void }[] = [];
  let stderr = '';
  let buffer = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.filter((w) => w.line === line)) w.done();
    }
  });
  const exit = new Promise<number | null>((done) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal !== 'SIGKILL') console.error(`writer ${args.join(' ')} failed (${code}): ${stderr}`);
      done(code);
    }),
  );
  const waitFor = (line: string) =>
    lines.includes(line) ? Promise.resolve() : new Promise<void>((done, reject) => {
      waiters.push({ line, done });
      void exit.then(() => reject(new Error(`writer exited before '${line}': ${stderr}`)));
    });
  return { child, lines, waitFor, exit };
}

function checkRecord(path: string) {
  const db = openDatabase(path); // runs quick_check and refuses a damaged file
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  const verification = verifyRecord(db);
  const accessions = listCases(db).map((c) => c.accessionId);
  const readings = (db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;
  db.close();
  return { verification, accessions, readings };
}

describe('record under faults', () => {
  it('loses nothing committed when the writer is killed with SIGKILL in the middle of a write transaction', async () => {
    const path = tempDbPath('ana-kill-');
    const writer = startWriter(['hang', path, 'K', '20']);
    await writer.waitFor('in-transaction');
    writer.child.kill('SIGKILL');
    await writer.exit;
    const committed = writer.lines.filter((l) => l.startsWith('committed ')).map((l) => l.slice('committed '.length));
    expect(committed).toHaveLength(20);
    const { verification, accessions, readings } = checkRecord(path);
    expect(accessions.sort()).toEqual([...committed].sort());
    expect(accessions.some((a) => a.includes('uncommitted'))).toBe(false);
    expect(readings).toBe(20);
    expect(verification).toMatchObject({ ok: true, problems: [] });
  });

  it('loses nothing committed when killed at an arbitrary moment of a stream of writes', async () => {
    const path = tempDbPath('ana-kill2-');
    const writer = startWriter(['steady', path, 'S', '100000']);
    await writer.waitFor('committed S-30');
    writer.child.kill('SIGKILL');
    await writer.exit;
    const committed = writer.lines.filter((l) => l.startsWith('committed ')).map((l) => l.slice('committed '.length));
    const { verification, accessions } = checkRecord(path);
    // Every commit the writer reported is there; at most the one in flight is beyond it.
    expect(accessions.filter((a) => !committed.includes(a)).length).toBeLessThanOrEqual(1);
    for (const a of committed) expect(accessions).toContain(a);
    expect(verification).toMatchObject({ ok: true, problems: [] });
  });

  it('two processes writing at once neither corrupt nor lose records, and the audit chain stays one chain', async () => {
    const path = tempDbPath('ana-two-');
    const go = `${path}.go`;
    const a = startWriter(['steady', path, 'A', '40'], { GO_FILE: go, PAUSE_MS: '3', PEER: 'B', BLOCK: '10' });
    const b = startWriter(['steady', path, 'B', '40'], { GO_FILE: go, PAUSE_MS: '3', PEER: 'A', BLOCK: '10' });
    await Promise.all([a.waitFor('ready'), b.waitFor('ready')]);
    writeFileSync(go, '');
    expect(await a.exit).toBe(0);
    expect(await b.exit).toBe(0);
    const { verification, accessions, readings } = checkRecord(path);
    // The writers really overlapped: in commit order the prefixes alternate more than once.
    const byId = openDatabase(path, { readonly: true });
    const order = (byId.prepare('SELECT accession_id AS a FROM cases ORDER BY id').all() as { a: string }[]).map((r) => r.a[0]).join('');
    byId.close();
    expect(order.match(/AB|BA/g)?.length ?? 0, order).toBeGreaterThan(2);
    expect(accessions.sort()).toEqual([...Array.from({ length: 40 }, (_, i) => `A-${i}`), ...Array.from({ length: 40 }, (_, i) => `B-${i}`)].sort());
    expect(readings).toBe(80);
    // Each write logs case create, slide create, reading create and the status change.
    expect(verification).toMatchObject({ ok: true, problems: [], auditEntries: 80 * 4 });
  });

  it('two processes opening a new record at once migrate it once', async () => {
    const path = tempDbPath('ana-race-');
    // Hold the write lock on the still-empty file, so both openers read version 0 and then queue
    // for the lock; whoever comes second must see the other's migrations and not re-run them.
    const holder = openUnmigrated(path);
    holder.pragma('journal_mode = WAL');
    holder.exec('BEGIN IMMEDIATE');
    const a = startWriter(['open', path]);
    const b = startWriter(['open', path]);
    await Promise.all([a.waitFor('opening'), b.waitFor('opening')]);
    await new Promise((done) => setTimeout(done, 400));
    holder.exec('ROLLBACK');
    holder.close();
    expect(await a.exit).toBe(0);
    expect(await b.exit).toBe(0);
    expect([...a.lines, ...b.lines].filter((l) => l.startsWith('opened'))).toEqual([`opened at version ${SCHEMA_VERSION}`, `opened at version ${SCHEMA_VERSION}`]);
  });
});
