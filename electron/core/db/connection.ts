/**
 * The database connection: the only module that imports better-sqlite3. Opens the file with WAL,
 * foreign keys and a busy timeout, checks integrity, refuses a schema newer than this build, and
 * applies pending numbered migrations in one transaction each.
 */
import Database from 'better-sqlite3';
import { DomainError } from '../errors';
import { MIGRATIONS } from './migrations';

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
    if (!options.readonly) migrate(db, current);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Database.Database, from: number): void {
  for (let version = from + 1; version <= MIGRATIONS.length; version++) {
    const migration = MIGRATIONS[version - 1]!;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}

/** Run `fn` in an IMMEDIATE transaction (takes the write lock up front, so no upgrade deadlocks). */
export function inTransaction<T>(db: WritableDb, fn: () => T): T {
  return db.transaction(fn).immediate();
}
