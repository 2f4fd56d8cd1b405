import type { Migration } from './migration';

/**
 * Field quality: each reading keeps what the workstation could honestly say about its field — the
 * cell-level analysis and readability verdict, the negative/positive screening, the familiarity
 * of the field to the model — and the segmented cells' outlines (the viewer's overlay). Readings
 * stored before this migration keep NULL (no analysis was made); a NULL is never read as readable.
 * The JSON shapes are the contract's FieldQuality, Screening, Familiarity and CellOutline[].
 */
export const migration005: Migration = {
  name: 'field-quality',
  up(db) {
    db.exec(`
      ALTER TABLE readings ADD COLUMN quality_json TEXT CHECK (quality_json IS NULL OR json_valid(quality_json));
      ALTER TABLE readings ADD COLUMN screening_json TEXT CHECK (screening_json IS NULL OR json_valid(screening_json));
      ALTER TABLE readings ADD COLUMN familiarity_json TEXT CHECK (familiarity_json IS NULL OR json_valid(familiarity_json));
      ALTER TABLE readings ADD COLUMN cells_json TEXT CHECK (cells_json IS NULL OR json_valid(cells_json));
    `);
  },
};
