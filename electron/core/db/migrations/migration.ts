import type { Database } from 'better-sqlite3';

/** One numbered schema change; `up` runs inside a transaction with the user_version bump. */
export interface Migration {
  name: string;
  up(db: Database): void;
}
