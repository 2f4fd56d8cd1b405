/**
 * Reading cases again: the files of a case's fields, checked to be the very files the record
 * holds, for a forced batch. A lab that sets its microscope profile after reading fields that
 * state no pixel size of their own (read at the model's assumed size) reads them again at the
 * profile's size this way. A signed case keeps the readings it was signed on; a file moved or
 * changed since it was read is reported, never read as something else (a changed file would
 * otherwise become a second field of the case).
 */
import { access } from 'node:fs/promises';
import { appendAudit, type Actor } from '../db/audit.repo';
import type { WritableDb } from '../db/connection';
import { getCaseById } from '../db/case.repo';
import { listSlidesOfCase } from '../db/slide.repo';
import { DomainError } from '../errors';
import { sha256OfFile } from '../sha256';
import type { NotReadAgain } from '../../contract';

export interface FilesToReadAgain {
  /** The files each case will have read again (cases with none are left out). */
  cases: { caseId: number; paths: string[] }[];
  notReadAgain: NotReadAgain[];
}

/** The files of the cases' fields that can be read again, and every field or case that cannot, with its reason. */
export async function filesToReadAgain(db: WritableDb, caseIds: number[]): Promise<FilesToReadAgain> {
  const cases: FilesToReadAgain['cases'] = [];
  const notReadAgain: NotReadAgain[] = [];
  for (const caseId of new Set(caseIds)) {
    const kase = getCaseById(db, caseId);
    if (!kase) throw new DomainError('not-found', `case ${caseId} does not exist`);
    const { accessionId } = kase;
    if (kase.status === 'signed' || kase.status === 'amended') {
      notReadAgain.push({ accessionId, path: null, reason: 'signed: the signed record keeps the readings it was signed on' });
      continue;
    }
    const slides = listSlidesOfCase(db, caseId);
    if (slides.length === 0) notReadAgain.push({ accessionId, path: null, reason: 'no field has been read' });
    const paths: string[] = [];
    for (const slide of slides) {
      const reason = await fileProblem(slide.path, slide.sha256);
      if (reason) notReadAgain.push({ accessionId, path: slide.path, reason });
      else paths.push(slide.path);
    }
    if (paths.length) cases.push({ caseId, paths });
  }
  return { cases, notReadAgain };
}

async function fileProblem(path: string, sha256: string): Promise<string | null> {
  if (!(await access(path).then(() => true, () => false))) return 'the file is no longer at this path';
  const now = await sha256OfFile(path).catch((error: unknown) => error as Error);
  if (now instanceof Error) return `the file cannot be read: ${now.message}`;
  return now === sha256 ? null : 'the file has changed since it was read (its content differs); import it as a new field if it is one';
}

/** Records in each case's audit trail who asked for it to be read again, and which files will be. */
export function auditReadAgain(db: WritableDb, actor: Actor, cases: FilesToReadAgain['cases'], atMs = Date.now()): void {
  for (const { caseId, paths } of cases) appendAudit(db, { actor, action: 'read again', entity: 'case', entityId: caseId, caseId, newValue: { files: paths }, atMs });
}
