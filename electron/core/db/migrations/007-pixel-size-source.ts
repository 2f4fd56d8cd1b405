import type { Migration } from './migration';

/**
 * Where each slide's pixel size came from: the file's own resolution tags, the workstation's
 * microscope profile, or the model's assumed default when the file states none and no profile was
 * set. The patch grid is cut in micrometres, so a field read at an assumed size may be read at the
 * wrong scale (real microscopes range from about 0.15 to 0.65 µm per pixel); the viewer and
 * `ana read` say so. Slides stored before this migration keep NULL: the source was not recorded.
 */
export const migration007: Migration = {
  name: 'pixel-size-source',
  up(db) {
    db.exec(`
      ALTER TABLE slides ADD COLUMN pixel_size_source TEXT
        CHECK (pixel_size_source IS NULL OR pixel_size_source IN ('file', 'profile', 'model-default'));
    `);
  },
};
