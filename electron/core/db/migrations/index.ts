/**
 * Numbered migrations, applied in order; `PRAGMA user_version` records the last one applied.
 * Never edit a migration that has shipped: add the next number instead. Each has its own test.
 */
import type { Migration } from './migration';
import { migration001 } from './001-initial';
import { migration002 } from './002-record';
import { migration003 } from './003-reading-batches';
import { migration004 } from './004-audit-baseline';
import { migration005 } from './005-field-quality';

export type { Migration } from './migration';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005];
