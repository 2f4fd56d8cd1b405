/**
 * The project's dataset format (training, evaluation, synthetic sets): a CSV with header
 * `path,labels,split`; `labels` holds space-separated label keys (empty = negative) and `path` is
 * relative to the CSV's folder. Fields containing commas or quotes are quoted as in RFC 4180.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LABEL_KEYS } from '../../contract/labels';
import { DomainError } from '../errors';

export interface DatasetRow {
  /** As written in the CSV (relative to its folder). */
  path: string;
  absolutePath: string;
  /** Label keys; [] = negative. */
  labels: string[];
  split: string;
}

export const DATASET_CSV_HEADER = 'path,labels,split';

export interface ReadDatasetOptions {
  /** Label keys accepted; default the product's vocabulary (electron/contract/labels.ts). */
  labelKeys?: readonly string[];
}

export async function readDatasetCsv(csvPath: string, options: ReadDatasetOptions = {}): Promise<DatasetRow[]> {
  let text: string;
  try {
    text = await readFile(csvPath, 'utf8');
  } catch (error) {
    throw new DomainError('not-found', `${csvPath}: cannot read dataset CSV (${(error as Error).message})`, { cause: error });
  }
  return parseDatasetCsv(text, csvPath, options);
}

export function parseDatasetCsv(text: string, csvPath: string, options: ReadDatasetOptions = {}): DatasetRow[] {
  const known = options.labelKeys ?? LABEL_KEYS;
  const records = parseCsv(text.replace(/^\uFEFF/, ''), csvPath);
  if (records.length === 0) throw new DomainError('bad-request', `${csvPath}: empty file, expected header '${DATASET_CSV_HEADER}'`);
  const header = records[0]!.fields.map((h) => h.trim().toLowerCase());
  const col = { path: header.indexOf('path'), labels: header.indexOf('labels'), split: header.indexOf('split') };
  if (col.path < 0 || col.labels < 0) throw new DomainError('bad-request', `${csvPath}: header must contain 'path' and 'labels' (format '${DATASET_CSV_HEADER}'), got '${records[0]!.fields.join(',')}'`);
  const folder = dirname(csvPath);
  const rows: DatasetRow[] = [];
  for (const record of records.slice(1)) {
    const { fields, line } = record;
    if (fields.length === 1 && fields[0]!.trim() === '') continue;
    const path = (fields[col.path] ?? '').trim();
    if (!path) throw new DomainError('bad-request', `${csvPath}:${line}: empty path`);
    const labels = (fields[col.labels] ?? '').trim().split(/\s+/).filter(Boolean);
    for (const key of labels) {
      if (!known.includes(key)) throw new DomainError('bad-request', `${csvPath}:${line}: unknown label '${key}' (known: ${known.join(', ')})`);
    }
    if (new Set(labels).size !== labels.length) throw new DomainError('bad-request', `${csvPath}:${line}: a label is listed twice in '${fields[col.labels]}'`);
    const split = col.split >= 0 ? (fields[col.split] ?? '').trim() : '';
    rows.push({ path, absolutePath: isAbsolute(path) ? path : resolve(folder, path), labels, split });
  }
  return rows;
}

export function formatDatasetCsv(rows: readonly { path: string; labels: readonly string[]; split: string }[]): string {
  const lines = [DATASET_CSV_HEADER];
  for (const r of rows) lines.push([r.path, r.labels.join(' '), r.split].map(quote).join(','));
  return lines.join('\n') + '\n';
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function parseCsv(text: string, csvPath: string): { fields: string[]; line: number }[] {
  const out: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
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
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      out.push({ fields, line: recordLine });
      fields = [];
      field = '';
      line++;
      recordLine = line;
    } else field += c;
  }
  if (quoted) throw new DomainError('bad-request', `${csvPath}:${recordLine}: unterminated quoted field`);
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    out.push({ fields, line: recordLine });
  }
  return out;
}
