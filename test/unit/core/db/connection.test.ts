import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { backupDatabase, openDatabase, openUnmigrated, SCHEMA_VERSION } from '../../../../electron/core/db/connection';
import { listCases } from '../../../../electron/core/db/case.repo';
import { verifyRecord } from '../../../../electron/core/review/record-verify';
import { seedReadCase, tempDbPath } from '../../../support/record-fixtures';

describe('database connection', () => {
  it('opens with WAL, foreign keys on and a busy timeout', () => {
    const db = openDatabase(tempDbPath());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a database from a newer schema and leaves it unchanged', () => {
    const path = tempDbPath();
    openDatabase(path).close();
    const raw = openUnmigrated(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    const before = readFileSync(path);
    expect(() => openDatabase(path)).toThrow(expect.objectContaining({ code: 'db-newer-schema', message: expect.stringContaining(`schema version ${SCHEMA_VERSION + 1}`) }));
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a file that is not a database, naming it', () => {
    const path = tempDbPath();
    writeFileSync(path, 'this is not SQLite '.repeat(300));
    expect(() => openDatabase(path)).toThrow(expect.objectContaining({ code: 'db-corrupt', message: expect.stringContaining(path) }));
  });

  it('runs the integrity check at open and refuses a damaged file', () => {
    const path = tempDbPath();
    const db = openDatabase(path);
    for (let i = 0; i < 40; i++) seedReadCase(db, { accessionId: `A-${i}` });
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = readFileSync(path);
    // Overwrite the middle of the file (table b-tree pages) with garbage, keep the header valid.
    for (let i = 4096 * 2; i < bytes.length - 4096; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(path, bytes);
    expect(() => openDatabase(path)).toThrow(expect.objectContaining({ code: 'db-corrupt' }));
  });

  it('backs up online to a new file that opens, verifies and holds the same cases; refuses to overwrite', async () => {
    const db = openDatabase(tempDbPath());
    for (let i = 0; i < 5; i++) seedReadCase(db, { accessionId: `B-${i}` });
    const to = tempDbPath('ana-backup-');
    const { totalPages } = await backupDatabase(db, to);
    expect(totalPages).toBeGreaterThan(0);
    const copy = openDatabase(to, { readonly: true });
    expect(listCases(copy).map((c) => c.accessionId).sort()).toEqual(['B-0', 'B-1', 'B-2', 'B-3', 'B-4']);
    expect(verifyRecord(copy)).toMatchObject({ ok: true, problems: [] });
    copy.close();
    await expect(backupDatabase(db, to)).rejects.toThrow(/already exists/);
    db.close();
  });
});
