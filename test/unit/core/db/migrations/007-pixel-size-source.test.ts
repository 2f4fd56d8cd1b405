import { describe, expect, it } from 'vitest';
import { openUnmigrated } from '../../../../../electron/core/db/connection';
import { MIGRATIONS } from '../../../../../electron/core/db/migrations';
import { migration007 } from '../../../../../electron/core/db/migrations/007-pixel-size-source';

describe('migration 007 (where a slide pixel size came from)', () => {
  it('adds a nullable source: slides stored before keep NULL (not recorded), an unknown source is refused', () => {
    const db = openUnmigrated(':memory:');
    for (const m of MIGRATIONS.slice(0, MIGRATIONS.indexOf(migration007))) m.up(db);
    db.prepare("INSERT INTO cases (accession_id, status, received_at_ms, created_at_ms) VALUES ('A-1', 'read', 10, 11)").run();
    db.prepare("INSERT INTO slides (case_id, path, file_name, sha256, size_bytes, width_px, height_px, pixel_size_um, format, created_at_ms) VALUES (1, '/p.png', 'p.png', 'abc', 5, 2, 2, 0.52, 'png', 12)").run();
    migration007.up(db);
    expect(db.prepare('SELECT pixel_size_um AS um, pixel_size_source AS source FROM slides').get()).toEqual({ um: 0.52, source: null });
    db.prepare("UPDATE slides SET pixel_size_source = 'model-default' WHERE id = 1").run();
    expect(() => db.prepare("UPDATE slides SET pixel_size_source = 'guessed' WHERE id = 1").run()).toThrow(/CHECK/);
    db.close();
  });
});
