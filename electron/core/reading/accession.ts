/**
 * Which case a slide file belongs to: its accession id, parsed from the file name with a
 * configurable pattern (labs name camera exports differently) or looked up in a worklist CSV.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { isBlankRecord, parseCsv } from '../csv';
import { DomainError } from '../errors';

/** Default: the file name up to the first underscore, space or dot (`A2026-0042_f1.png` → `A2026-0042`). */
export function accessionFromFileName(fileName: string): string {
  return basename(fileName).split(/[_ .]/)[0] || basename(fileName);
}

/**
 * A parser from a regular expression over the file name: the named group `accession` if present,
 * else the first group, else the whole match. A name that does not match is an error naming it.
 */
export function accessionPattern(pattern: string): (path: string) => string {
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch (error) {
    throw new DomainError('bad-request', `accession pattern /${pattern}/ is not a valid regular expression (${(error as Error).message})`);
  }
  return (path) => {
    const name = basename(path);
    const m = re.exec(name);
    const id = m ? (m.groups?.accession ?? m[1] ?? m[0]) : undefined;
    if (!id) throw new DomainError('bad-request', `${path}: file name does not match the accession pattern /${pattern}/`);
    return id;
  };
}

/** Worklist rows by file name: a CSV with header `file,accession` (more columns are ignored). */
export async function loadWorklist(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DomainError('bad-request', `${path}: cannot read worklist (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const [head, ...rows] = parseCsv(text, path).filter((r) => !isBlankRecord(r));
  const header = (head?.fields ?? []).map((h) => h.trim().toLowerCase());
  const fileCol = header.indexOf('file');
  const accCol = header.findIndex((h) => h === 'accession' || h === 'accession_id');
  if (fileCol < 0 || accCol < 0) throw new DomainError('bad-request', `${path}: worklist needs columns 'file' and 'accession' (found: ${header.join(', ') || 'nothing'})`);
  const map = new Map<string, string>();
  for (const { fields, line } of rows) {
    const file = fields[fileCol]?.trim();
    const accession = fields[accCol]?.trim();
    if (!file && !accession) continue;
    if (!file || !accession) throw new DomainError('bad-request', `${path}: line ${line} lacks a file or an accession`);
    map.set(basename(file), accession);
  }
  return map;
}

/** Accession by worklist first, else by the file-name parser. */
export function worklistAccession(worklist: Map<string, string>, fallback: (path: string) => string = accessionFromFileName): (path: string) => string {
  return (path) => worklist.get(basename(path)) ?? fallback(path);
}
