/**
 * Which case a slide file belongs to: its accession id, parsed from the file name with a
 * configurable pattern (labs name camera exports differently) or looked up in a worklist CSV.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { isBlankRecord, parseCsv } from '../csv';
import { DomainError } from '../errors';

/**
 * The accession rule, checked wherever an accession enters the record (file name, pattern,
 * worklist, batch): 1 to 64 characters, ASCII letters, digits and `- _ . /`, starting with a
 * letter or digit. 64 is DICOM's LO length and far above real LIS accessions (typically 8 to 16
 * characters); it keeps the HL7 message id (MSH-10, 199 characters in v2.5.1) and the outbox file
 * name (reports/outbox.ts) well inside their limits. No control characters, delimiters of HL7 or
 * CSV, spaces or non-ASCII letters: an accession is a key other systems match on byte for byte.
 */
export const ACCESSION_MAX_CHARS = 64;
const ACCESSION_CHAR = /[A-Za-z0-9._/-]/;

/** Why `id` is not a valid accession, or null when it is. */
export function accessionProblem(id: string): string | null {
  if (id.length === 0) return 'is empty';
  if (id.length > ACCESSION_MAX_CHARS) return `is ${id.length} characters long (at most ${ACCESSION_MAX_CHARS})`;
  const bad = [...id].find((ch) => !ACCESSION_CHAR.test(ch));
  if (bad !== undefined) return `contains ${describeChar(bad)} (allowed: letters A-Z a-z, digits, - _ . /)`;
  if (!/^[A-Za-z0-9]/.test(id)) return 'must start with a letter or a digit';
  return null;
}

/** Returns `id` when it is a valid accession; else a bad-request error naming `source` (the file or worklist line). */
export function checkAccession(id: string, source: string): string {
  const problem = accessionProblem(id);
  if (problem) throw new DomainError('bad-request', `${source}: accession ${quoteForMessage(id)} ${problem}`);
  return id;
}

function describeChar(ch: string): string {
  const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  return /[\x21-\x7e]/.test(ch) ? `'${ch}' (${code})` : code;
}

/** The accession as shown in one error line: control characters escaped, long ones cut. */
function quoteForMessage(id: string): string {
  const shown = JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id);
  return id.length > 40 ? `${shown} (${id.length} characters)` : shown;
}

/** Default: the file name up to the first underscore, space or dot (`A2026-0042_f1.png` → `A2026-0042`). */
export function accessionFromFileName(fileName: string): string {
  return checkAccession(basename(fileName).split(/[_ .]/)[0] || basename(fileName), fileName);
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
    return checkAccession(id, path);
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
    checkAccession(accession, `${path}: line ${line}`);
    map.set(basename(file), accession);
  }
  return map;
}

/** Accession by worklist first, else by the file-name parser. */
export function worklistAccession(worklist: Map<string, string>, fallback: (path: string) => string = accessionFromFileName): (path: string) => string {
  return (path) => worklist.get(basename(path)) ?? fallback(path);
}
