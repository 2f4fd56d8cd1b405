/**
 * RFC 4180 CSV, read and written in one place for every CSV the workstation meets: datasets
 * (`path,labels,split`), microscope worklists and the day export for the lab system.
 */
import { DomainError } from './errors';

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts (quoted fields may span lines), for error messages. */
  line: number;
}

/** Parses CSV text (a leading BOM is ignored); an unterminated quote is an error naming `source`. */
export function parseCsv(text: string, source: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      fields.push(field);
      out.push({ fields, line: recordLine });
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += c;
  }
  if (quoted) throw new DomainError('bad-request', `${source}:${recordLine}: unterminated quoted field`);
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    out.push({ fields, line: recordLine });
  }
  return out;
}

/** True for a record with nothing but whitespace in it (blank lines are skipped by readers). */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.fields.every((f) => f.trim() === '');
}

/** One field, quoted when it holds a comma, quote or line break, or starts/ends with whitespace. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
