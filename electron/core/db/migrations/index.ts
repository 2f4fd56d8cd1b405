/**
 * Numbered migrations, applied in order; `PRAGMA user_version` records the last one applied.
 * Never edit a migration that has shipped: add the next number instead. Each has its own test.
 */
import type { Database } from 'better-sqlite3';
import type { Migration } from './migration';
import { migration001 } from './001-initial';
import { migration002 } from './002-record';
import { migration003 } from './003-reading-batches';
import { migration004 } from './004-audit-baseline';
import { migration005 } from './005-field-quality';
import { migration006, seedReportFormats } from './006-report-formats';
import { migration007 } from './007-pixel-size-source';
import { migration008 } from './008-forced-batches';

export type { Migration } from './migration';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008];

/** Lookup tables derived from code registries, brought up to date on every writable open (after the migrations). */
export const REGISTRY_SEEDS: readonly { after: Migration; seed: (db: Database) => void }[] = [{ after: migration006, seed: seedReportFormats }];
