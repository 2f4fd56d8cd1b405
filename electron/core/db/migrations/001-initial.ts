import type { Migration } from './migration';

/** Cases, slides and readings: enough for the walking skeleton (import → read → list). */
export const migration001: Migration = {
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        accession_id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','read','in_review','signed','amended')),
        received_at_ms INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE slides (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        path TEXT NOT NULL,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        size_bytes INTEGER NOT NULL,
        width_px INTEGER NOT NULL,
        height_px INTEGER NOT NULL,
        pixel_size_um REAL,
        format TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX slides_case ON slides(case_id);

      CREATE TABLE readings (
        id INTEGER PRIMARY KEY,
        slide_id INTEGER NOT NULL REFERENCES slides(id),
        model_id TEXT NOT NULL,
        model_version TEXT NOT NULL,
        provider TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('done','failed')),
        error TEXT,
        labels_json TEXT NOT NULL,          -- label keys, in the model's order
        probabilities_json TEXT NOT NULL,   -- image-level probability per label, same order
        predicted_json TEXT NOT NULL,       -- label keys over their threshold
        patch_count INTEGER NOT NULL,
        patches_json TEXT NOT NULL,         -- patches in slide px: [[x,y,w,h,skipped],...]
        patch_scores BLOB,                  -- Float32 little-endian, patchCount x labels, row-major
        timings_json TEXT NOT NULL,         -- milliseconds per stage
        created_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX readings_slide ON readings(slide_id);
    `);
  },
};
