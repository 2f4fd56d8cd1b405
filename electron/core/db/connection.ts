/**
 * The database connection: the only module that imports better-sqlite3. Opens the file with WAL,
 * foreign keys and a busy timeout, checks integrity, refuses a schema newer than this build,
 * applies pending numbered migrations in one transaction each, and refuses to write to a record
 * whose protective triggers are missing or altered.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { DomainError } from '../errors';
import { MIGRATIONS, REGISTRY_SEEDS } from './migrations';

/** A handle for reads only. Repositories that only read take this type. */
export type ReadableDb = Pick<Database.Database, 'prepare' | 'pragma'>;
/** A handle that may write. */
export type WritableDb = Database.Database;

export interface OpenOptions {
  /** Skip `PRAGMA quick_check` at open (tests of very large databases). Default false. */
  skipIntegrityCheck?: boolean;
  readonly?: boolean;
}

export const SCHEMA_VERSION = MIGRATIONS.length;

export function openDatabase(path: string, options: OpenOptions = {}): WritableDb {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (error) {
    throw new DomainError('db-corrupt', `Cannot open database ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    if (!options.skipIntegrityCheck) {
      const result = db.pragma('quick_check', { simple: true });
      if (result !== 'ok') throw new DomainError('db-corrupt', `Database ${path} failed its integrity check: ${String(result)}`);
    }
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new DomainError(
        'db-newer-schema',
        `Database ${path} has schema version ${current}, newer than this application understands (${SCHEMA_VERSION}). Update the application; the database was not changed.`,
      );
    }
    if (!options.readonly) {
      migrate(db, current);
      const problems = protectionProblems(db);
      if (problems.length > 0) throw new DomainError('db-tampered', tamperedMessage(path, problems));
    }
    return db;
  } catch (error) {
    db.close();
    if (error instanceof Database.SqliteError && /^SQLITE_(NOTADB|CORRUPT)/.test(error.code)) {
      throw new DomainError('db-corrupt', `Database ${path} is damaged or not a database: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/**
 * A plain handle with foreign keys on and no migrations, integrity check or version check: for
 * migration tests and tamper tests, which must build or damage a database the way an older build
 * or another SQLite client would. Application code uses `openDatabase`.
 */
export function openUnmigrated(path: string): WritableDb {
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

function migrate(db: Database.Database, from: number, to = MIGRATIONS.length): void {
  for (let version = from + 1; version <= to; version++) {
    const migration = MIGRATIONS[version - 1]!;
    // A table rebuild drops tables others reference: enforcement is off for it (it cannot change
    // inside a transaction), and the references are checked before the migration commits.
    if (migration.rebuildsTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        // Another process may have applied it while this one waited for the write lock.
        if ((db.pragma('user_version', { simple: true }) as number) >= version) return;
        migration.up(db);
        if (migration.rebuildsTables) {
          const broken = db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[];
          if (broken.length) throw new DomainError('db-corrupt', `migration ${version} (${migration.name}) would leave ${broken.length} broken reference(s), e.g. ${broken[0]!.table} row ${broken[0]!.rowid} → ${broken[0]!.parent}; the database was not changed`);
        }
        db.pragma(`user_version = ${version}`);
      }).immediate();
    } finally {
      if (migration.rebuildsTables) db.pragma('foreign_keys = ON');
    }
  }
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (const { after, seed } of REGISTRY_SEEDS) if (MIGRATIONS.indexOf(after) < applied) seed(db);
}

/**
 * The record's protections as this build's migrations create them, per schema version: triggers
 * (the rules) and explicit indexes (unique ones enforce rules too). Built once per process in an
 * in-memory database, so the expected definitions can never drift from the migrations.
 */
const expectedByVersion = new Map<number, Map<string, string>>();

const PROTECTIONS_SQL = "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') AND sql IS NOT NULL";

function protectionsOf(db: ReadableDb): Map<string, string> {
  const rows = db.prepare(PROTECTIONS_SQL).all() as { type: string; name: string; sql: string }[];
  return new Map(rows.map((r) => [`${r.type} ${r.name}`, r.sql]));
}

function expectedProtections(version: number): Map<string, string> {
  let expected = expectedByVersion.get(version);
  if (!expected) {
    const reference = new Database(':memory:');
    try {
      reference.pragma('foreign_keys = ON');
      migrate(reference, 0, version);
      expected = protectionsOf(reference);
    } finally {
      reference.close();
    }
    expectedByVersion.set(version, expected);
  }
  return expected;
}

/**
 * Compares the database's triggers and indexes with those its schema version should have (the
 * sqlite_master SQL, text for text). Someone with file access can drop or rewrite a trigger with
 * any SQLite client; this is how the app and `ana audit verify` notice. Empty when intact.
 */
export function protectionProblems(db: ReadableDb): string[] {
  const version = Math.min(db.pragma('user_version', { simple: true }) as number, SCHEMA_VERSION);
  const expected = expectedProtections(version);
  const actual = protectionsOf(db);
  const problems: string[] = [];
  for (const [key, sql] of expected) {
    const found = actual.get(key);
    if (found === undefined) problems.push(`protection missing: ${key} (dropped)`);
    else if (found !== sql) problems.push(`protection altered: ${key} (its definition differs from the one this application created)`);
  }
  for (const key of actual.keys()) if (key.startsWith('trigger ') && !expected.has(key)) problems.push(`unexpected ${key} (not created by this application)`);
  return problems;
}

export function tamperedMessage(path: string, problems: string[]): string {
  const shown = problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : '');
  return (
    `Database ${path} has lost protections of the clinical record (${shown}). Nothing was written. ` +
    `Run \`ana audit verify --db ${path}\` to see what else was changed, restore the record from your latest backup ` +
    'that passes verification, and tell your lab\'s quality manager or IT contact (see docs/audit-trail.md).'
  );
}

/**
 * Run `fn` in an IMMEDIATE transaction (takes the write lock up front, so no upgrade deadlocks).
 * Nested calls become savepoints of the outer transaction.
 */
export function inTransaction<T>(db: WritableDb, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/**
 * A write in its own (or the caller's) transaction; a refusal by a constraint or trigger becomes a
 * `conflict` DomainError that says what was being done and which rule refused it.
 */
export function runWrite<T>(db: WritableDb, what: string, fn: () => T): T {
  try {
    return inTransaction(db, fn);
  } catch (error) {
    throw asDomainError(error, what);
  }
}

export function asDomainError(error: unknown, what: string): unknown {
  if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
    return new DomainError('conflict', `${what}: refused by the record's rules: ${error.message}`, { cause: error });
  }
  if (error instanceof Database.SqliteError && (error.code === 'SQLITE_BUSY' || error.code.startsWith('SQLITE_BUSY'))) {
    return new DomainError('conflict', `${what}: the database is busy (another process holds the write lock); try again`, { cause: error });
  }
  return error;
}

/**
 * Online backup to `toPath` (SQLite's backup API: consistent even while others write). Refuses to
 * overwrite an existing file. Returns the number of pages copied.
 */
export async function backupDatabase(db: WritableDb, toPath: string): Promise<{ totalPages: number }> {
  if (existsSync(toPath)) throw new DomainError('conflict', `Backup target ${toPath} already exists; choose a new file name`);
  try {
    const progress = await db.backup(toPath);
    return { totalPages: progress.totalPages };
  } catch (error) {
    throw new DomainError('internal', `Backup of ${db.name} to ${toPath} failed: ${(error as Error).message}`, { cause: error });
  }
}
