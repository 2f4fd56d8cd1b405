import { describe, expect, it } from 'vitest';
import { openDatabase, openUnmigrated } from '../../../../../electron/core/db/connection';
import { MIGRATIONS } from '../../../../../electron/core/db/migrations';
import { appendAudit, listAudit, SYSTEM_ACTOR } from '../../../../../electron/core/db/audit.repo';
import { sha256Hex } from '../../../../../electron/core/db/canonical-json';
import { verifyRecord } from '../../../../../electron/core/review/record-verify';
import { tempDbPath } from '../../../../support/record-fixtures';

/** A record as version 3 left it: an account whose audit entry has no password-hash digest. */
function version3Record(): string {
  const path = tempDbPath('ana-v3-');
  const db = openUnmigrated(path);
  for (const migration of MIGRATIONS.slice(0, 3)) db.transaction(() => migration.up(db))();
  db.pragma('user_version = 3');
  db.prepare("INSERT INTO users (username, display_name, role, password_hash, created_at_ms, updated_at_ms) VALUES ('old.doc', 'Dr. Old', 'physician', 'scrypt$16384$8$1$AAAA$BBBB', 1, 1)").run();
  appendAudit(db, { actor: SYSTEM_ACTOR, action: 'create', entity: 'user', entityId: 1, newValue: { id: 1, username: 'old.doc', displayName: 'Dr. Old', role: 'physician', active: true } });
  db.close();
  return path;
}

describe('migration 004 (audit baseline)', () => {
  it("records each existing account's state once, so a later hash swap is found", () => {
    const path = version3Record();
    const db = openDatabase(path);
    const baseline = listAudit(db).at(-1)!;
    expect(baseline).toMatchObject({ action: 'baseline', entity: 'user', entityId: '1', actor: 'system:upgrade' });
    expect(JSON.parse(baseline.newJson!)).toEqual({ username: 'old.doc', displayName: 'Dr. Old', role: 'physician', active: true, passwordSha256: sha256Hex('scrypt$16384$8$1$AAAA$BBBB') });
    expect(verifyRecord(db, { anchorPath: null })).toMatchObject({ ok: true });
    db.close();

    const raw = openUnmigrated(path);
    raw.exec("UPDATE users SET password_hash = 'scrypt$16384$8$1$CCCC$DDDD' WHERE id = 1");
    raw.close();
    const again = openDatabase(path, { readonly: true });
    expect(verifyRecord(again, { anchorPath: null }).problems).toEqual([`user 1: the password hash is not the one recorded by audit row ${baseline.id} (replaced without an audit entry)`]);
    again.close();
  });
});
