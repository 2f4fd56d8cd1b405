import { describe, expect, it } from 'vitest';
import { openUnmigrated } from '../../../../../electron/core/db/connection';
import { MIGRATIONS } from '../../../../../electron/core/db/migrations';
import { migration008 } from '../../../../../electron/core/db/migrations/008-forced-batches';

describe('migration 008 (forced reading batches)', () => {
  it('batches stored before read as not forced; only 0 and 1 are accepted', () => {
    const db = openUnmigrated(':memory:');
    for (const m of MIGRATIONS.slice(0, MIGRATIONS.indexOf(migration008))) m.up(db);
    db.prepare("INSERT INTO reading_batches (id, model_id, model_version, status, total, started_at_ms) VALUES ('b1', 'm', '1.0.0', 'cancelled', 3, 10)").run();
    migration008.up(db);
    expect(db.prepare('SELECT id, force FROM reading_batches').get()).toEqual({ id: 'b1', force: 0 });
    db.prepare("UPDATE reading_batches SET force = 1 WHERE id = 'b1'").run();
    expect(() => db.prepare("UPDATE reading_batches SET force = 2 WHERE id = 'b1'").run()).toThrow(/CHECK/);
    db.close();
  });
});
