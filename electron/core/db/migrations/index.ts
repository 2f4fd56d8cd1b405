/**
 * Numbered migrations, applied in order; `PRAGMA user_version` records the last one applied.
 * Never edit a migration that has shipped: add the next number instead. Each has its own test.
 */
import type { Database } from 'better-sqlite3';
import { migration001 } from './001-initial';

export interface Migration {
  name: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [migration001];
