import type { Database } from 'better-sqlite3';

/** One numbered schema change; `up` runs inside a transaction with the user_version bump. */
export interface Migration {
  name: string;
  up(db: Database): void;
  /**
   * The migration rebuilds tables (new table, copy, drop, rename): foreign-key enforcement is
   * turned off around its transaction and a foreign_key_check must pass before it commits.
   */
  rebuildsTables?: boolean;
}
