import { describe, expect, it } from 'vitest';
import { openDatabase, openUnmigrated } from '../../../../../electron/core/db/connection';
import { migration001 } from '../../../../../electron/core/db/migrations/001-initial';
import { migration002 } from '../../../../../electron/core/db/migrations/002-record';
import { migration003 } from '../../../../../electron/core/db/migrations/003-reading-batches';
import { migration005 } from '../../../../../electron/core/db/migrations/005-field-quality';
import { getReadingById, getReadingCells, insertReading, latestReadingOutputsByCase } from '../../../../../electron/core/db/reading.repo';
import { ensureCase } from '../../../../../electron/core/db/case.repo';
import { insertSlide } from '../../../../../electron/core/db/slide.repo';
import type { FieldQuality } from '../../../../../electron/contract/quality';

const notReadable: FieldQuality = { verdict: 'not-readable', reason: 'blank', cells: 0, mitoses: 0, focus: 0, saturatedFraction: 0, signalToBackground: 0 };

describe('migration 005 (field quality)', () => {
  it('adds nullable JSON columns: older readings keep NULL (no analysis), malformed JSON is refused', () => {
    const db = openUnmigrated(':memory:');
    for (const m of [migration001, migration002, migration003]) m.up(db);
    db.prepare("INSERT INTO cases (accession_id, status, received_at_ms, created_at_ms) VALUES ('A-1', 'read', 10, 11)").run();
    db.prepare("INSERT INTO slides (case_id, path, file_name, sha256, size_bytes, width_px, height_px, format, created_at_ms) VALUES (1, '/p.png', 'p.png', 'abc', 5, 2, 2, 'png', 12)").run();
    db.prepare(
      `INSERT INTO readings (slide_id, model_id, model_version, provider, status, labels_json, probabilities_json, predicted_json, patch_count, patches_json, timings_json, created_at_ms)
       VALUES (1, 'm', '1', 'cpu', 'done', '["homogeneous"]', '[0.7]', '["homogeneous"]', 1, '[]', '{}', 13)`,
    ).run();
    migration005.up(db);
    expect(db.prepare('SELECT quality_json AS q, screening_json AS s, familiarity_json AS f, cells_json AS c FROM readings').get()).toEqual({ q: null, s: null, f: null, c: null });
    expect(() => db.prepare("UPDATE readings SET quality_json = '{not json' WHERE id = 1").run()).toThrow(/CHECK/);
  });

  it('stores and returns a reading\'s verdict, screening, familiarity and cells', () => {
    const db = openDatabase(':memory:');
    const kase = ensureCase(db, 'A-2', 1, 1, {});
    const slide = insertSlide(db, { caseId: kase.id, path: '/x.png', fileName: 'x.png', sha256: 'f'.repeat(64), sizeBytes: 1, widthPx: 4, heightPx: 4, pixelSizeUm: 0.5, pixelSizeSource: 'file', format: 'png', createdAtMs: 2 });
    const cells = [{ polygon: [0, 0, 4, 0, 4, 4], mitotic: false }];
    const reading = insertReading(db, {
      slideId: slide.id, modelId: 'm', modelVersion: '1', provider: 'cpu', status: 'done', error: null, labels: ['homogeneous'], probabilities: [0], predicted: [],
      patchCount: 1, patches: [[0, 0, 4, 4, 1]], patchScores: new Float32Array(1), timingsMs: {}, createdAtMs: 3,
      quality: notReadable, screening: null, familiarity: { unfamiliar: true, distance: 1.5 }, cells,
    });
    expect(getReadingById(db, reading.id)).toMatchObject({ quality: notReadable, screening: null, familiarity: { unfamiliar: true, distance: 1.5 } });
    expect(getReadingCells(db, reading.id)).toEqual(cells);
    expect(latestReadingOutputsByCase(db).get(kase.id)![0]).toMatchObject({ quality: notReadable, familiarity: { unfamiliar: true } });
    const audit = db.prepare("SELECT new_json AS v FROM audit_log WHERE entity = 'reading'").get() as { v: string };
    expect(JSON.parse(audit.v).quality).toEqual(notReadable);
    db.close();
  });
});
