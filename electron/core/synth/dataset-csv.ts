/**
 * The project's dataset format (training, evaluation, synthetic sets): a CSV with header
 * `path,labels,split`; `labels` holds space-separated label keys (empty = negative) and `path` is
 * relative to the CSV's folder. Fields containing commas or quotes are quoted as in RFC 4180.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LABEL_KEYS } from '../../contract/labels';
import { csvField, isBlankRecord, parseCsv } from '../csv';
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
  const records = parseCsv(text, csvPath);
  if (records.length === 0) throw new DomainError('bad-request', `${csvPath}: empty file, expected header '${DATASET_CSV_HEADER}'`);
  const header = records[0]!.fields.map((h) => h.trim().toLowerCase());
  const col = { path: header.indexOf('path'), labels: header.indexOf('labels'), split: header.indexOf('split') };
  if (col.path < 0 || col.labels < 0) throw new DomainError('bad-request', `${csvPath}: header must contain 'path' and 'labels' (format '${DATASET_CSV_HEADER}'), got '${records[0]!.fields.join(',')}'`);
  const folder = dirname(csvPath);
  const rows: DatasetRow[] = [];
  for (const record of records.slice(1)) {
    const { fields, line } = record;
    if (isBlankRecord(record)) continue;
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
  for (const r of rows) lines.push([r.path, r.labels.join(' '), r.split].map(csvField).join(','));
  return lines.join('\n') + '\n';
}
