import { appendAudit, SYSTEM_ACTOR, type Actor } from './audit.repo';
import { runWrite, type ReadableDb, type WritableDb } from './connection';
import type { PixelSizeSource } from '../../contract/quality';

export interface SlideRow {
  id: number;
  caseId: number;
  path: string;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  widthPx: number;
  heightPx: number;
  pixelSizeUm: number | null;
  /** Where pixelSizeUm came from; null on slides stored before it was recorded (migration 007). */
  pixelSizeSource: PixelSizeSource | null;
  format: string;
  createdAtMs: number;
}

export type NewSlide = Omit<SlideRow, 'id'>;

const SELECT_SLIDE = `SELECT id, case_id AS caseId, path, file_name AS fileName, sha256, size_bytes AS sizeBytes,
  width_px AS widthPx, height_px AS heightPx, pixel_size_um AS pixelSizeUm, pixel_size_source AS pixelSizeSource, format, created_at_ms AS createdAtMs
  FROM slides`;

export function getSlideById(db: ReadableDb, id: number): SlideRow | undefined {
  return db.prepare(`${SELECT_SLIDE} WHERE id = ?`).get(id) as SlideRow | undefined;
}

export function getSlideBySha256(db: ReadableDb, sha256: string): SlideRow | undefined {
  return db.prepare(`${SELECT_SLIDE} WHERE sha256 = ?`).get(sha256) as SlideRow | undefined;
}

export function listSlidesOfCase(db: ReadableDb, caseId: number): SlideRow[] {
  return db.prepare(`${SELECT_SLIDE} WHERE case_id = ? ORDER BY id`).all(caseId) as SlideRow[];
}

/** Every slide in the record, oldest first (lab adaptation learns from all of them, signed or not). */
export function listSlides(db: ReadableDb): SlideRow[] {
  return db.prepare(`${SELECT_SLIDE} ORDER BY id`).all() as SlideRow[];
}

export function insertSlide(db: WritableDb, slide: NewSlide, actor: Actor = SYSTEM_ACTOR): SlideRow {
  return runWrite(db, `Adding slide ${slide.fileName} to case ${slide.caseId}`, () => {
    const info = db
      .prepare(
        `INSERT INTO slides (case_id, path, file_name, sha256, size_bytes, width_px, height_px, pixel_size_um, pixel_size_source, format, created_at_ms)
         VALUES (@caseId, @path, @fileName, @sha256, @sizeBytes, @widthPx, @heightPx, @pixelSizeUm, @pixelSizeSource, @format, @createdAtMs)`,
      )
      .run(slide);
    const row = getSlideById(db, Number(info.lastInsertRowid))!;
    appendAudit(db, { actor, action: 'create', entity: 'slide', entityId: row.id, caseId: row.caseId, newValue: row, atMs: row.createdAtMs });
    return row;
  });
}

/**
 * A slide read again at another pixel size (e.g. with a microscope profile after it was first read
 * at the model's assumed size): the slide records the size its newest reading was cut at, which is
 * also what fine-tuning cuts its patches at. The slide of a signed case cannot change (trigger).
 */
export function updateSlidePixelSize(db: WritableDb, id: number, pixelSizeUm: number, pixelSizeSource: PixelSizeSource, actor: Actor = SYSTEM_ACTOR): SlideRow {
  return runWrite(db, `Recording the pixel size of slide ${id}`, () => {
    const before = getSlideById(db, id)!;
    db.prepare('UPDATE slides SET pixel_size_um = ?, pixel_size_source = ? WHERE id = ?').run(pixelSizeUm, pixelSizeSource, id);
    appendAudit(db, {
      actor,
      action: 'update',
      entity: 'slide',
      entityId: id,
      caseId: before.caseId,
      oldValue: { pixelSizeUm: before.pixelSizeUm, pixelSizeSource: before.pixelSizeSource },
      newValue: { pixelSizeUm, pixelSizeSource },
    });
    return getSlideById(db, id)!;
  });
}

/**
 * Cases not yet signed that hold a field read at the model's assumed pixel size (its file stated
 * none and no microscope profile was set), by accession, with how many such fields each has.
 */
export function listUnsignedCasesWithAssumedPixelSize(db: ReadableDb): { caseId: number; accessionId: string; fields: number }[] {
  return db
    .prepare(
      `SELECT c.id AS caseId, c.accession_id AS accessionId, COUNT(*) AS fields FROM slides s JOIN cases c ON c.id = s.case_id
       WHERE s.pixel_size_source = 'model-default' AND c.status NOT IN ('signed', 'amended')
       GROUP BY c.id ORDER BY c.accession_id`,
    )
    .all() as { caseId: number; accessionId: string; fields: number }[];
}

/**
 * Paths of the fields read most recently whose files state no pixel size (the ones the microscope
 * profile governs), newest first, each path once: what a pixel-size suggestion measures.
 */
export function listRecentPathsWithoutStatedPixelSize(db: ReadableDb, limit: number): string[] {
  return (
    db
      .prepare(
        `SELECT path FROM slides WHERE pixel_size_source IS NOT 'file'
         GROUP BY path ORDER BY MAX(created_at_ms) DESC, MAX(id) DESC LIMIT ?`,
      )
      .all(limit) as { path: string }[]
  ).map((r) => r.path);
}
