/**
 * Where a model's errors are on generated fields, told from what the generator drew (truth.jsonl):
 * how often it finds a field's patterns by the number of patterns in the serum and by how strongly
 * each pattern was drawn, and on which kind of field it calls a pattern that is not there. A
 * macro-F1 says how much a model misses; this says which fields it misses on, so that a figure on
 * held-out styles can be read as "mixed sera" or "faint staining" rather than as one number.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DomainError } from '../../core/errors';
import type { CellTruth } from '../../core/synth';

/** What the anatomy needs of one field's truth.jsonl record. */
export interface FieldTruth {
  path: string;
  labels: string[];
  /** The serum's titer-like strength, 0..1. */
  intensity: number;
  cells: Pick<CellTruth, 'mitotic' | 'strengths'>[];
}

export interface Found {
  /** Field × pattern pairs that are present. */
  positives: number;
  /** Of those, called at the thresholds. */
  found: number;
}

/** Drawn-signal bands (field intensity × the pattern's mean strength over interphase cells). */
export const SIGNAL_BANDS = [
  { name: 'below 0.1', below: 0.1 },
  { name: '0.1 to 0.2', below: 0.2 },
  { name: '0.2 and above', below: Infinity },
] as const;

export const SERUM_SIZES = ['1', '2', '3+'] as const;

export interface ErrorAnatomy {
  /** Patterns found, by how many patterns the field's serum has. */
  bySerum: Record<(typeof SERUM_SIZES)[number], Found>;
  /** Patterns found, by how strongly the generator drew them. */
  bySignal: Record<(typeof SIGNAL_BANDS)[number]['name'], Found>;
  /** Calls of a pattern the field does not have, by the kind of field (and how many fields of each kind). */
  falseCalls: Record<'negative' | 'single' | 'mixed', { fields: number; calls: number }>;
  /** The most frequent false calls: pattern called, a pattern the field has (negative: none), count. */
  confusions: { called: string; present: string; count: number }[];
}

/** A dataset's truth.jsonl, keyed by the absolute path of each image. */
export async function readFieldTruth(dataDir: string): Promise<Map<string, FieldTruth>> {
  const file = join(dataDir, 'truth.jsonl');
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new DomainError('not-found', `${file}: cannot read the generator's truth (${e.code ?? e.message}); the error anatomy needs fields written by ana synth`);
  });
  const out = new Map<string, FieldTruth>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let t: FieldTruth;
    try {
      t = JSON.parse(line) as FieldTruth;
    } catch {
      throw new DomainError('bad-request', `${file} line ${i + 1}: not JSON`);
    }
    if (typeof t.path !== 'string' || !Array.isArray(t.labels) || typeof t.intensity !== 'number' || !Array.isArray(t.cells)) {
      throw new DomainError('bad-request', `${file} line ${i + 1}: not a field record (path, labels, intensity, cells)`);
    }
    out.set(resolve(dataDir, t.path), t);
  });
  return out;
}

/** How strongly a pattern was drawn in a field: intensity × its mean strength over interphase cells (0 without any). */
export function drawnSignal(field: FieldTruth, pattern: string): number {
  const interphase = field.cells.filter((c) => !c.mitotic);
  if (interphase.length === 0) return 0;
  return (field.intensity * interphase.reduce((a, c) => a + (c.strengths[pattern] ?? 0), 0)) / interphase.length;
}

/**
 * The anatomy of a model's calls on fields (in the order of `scores`, `labels.length` scores a
 * field): called = score ≥ the label's threshold.
 */
export function errorAnatomy(fields: readonly FieldTruth[], scores: ArrayLike<number>, thresholds: readonly number[], labels: readonly string[], topConfusions = 5): ErrorAnatomy {
  const K = labels.length;
  if (scores.length !== fields.length * K) throw new DomainError('bad-request', `error anatomy: ${scores.length} scores for ${fields.length} fields × ${K} labels`);
  const found = (): Found => ({ positives: 0, found: 0 });
  const bySerum = Object.fromEntries(SERUM_SIZES.map((s) => [s, found()])) as ErrorAnatomy['bySerum'];
  const bySignal = Object.fromEntries(SIGNAL_BANDS.map((b) => [b.name, found()])) as ErrorAnatomy['bySignal'];
  const falseCalls: ErrorAnatomy['falseCalls'] = { negative: { fields: 0, calls: 0 }, single: { fields: 0, calls: 0 }, mixed: { fields: 0, calls: 0 } };
  const pairs = new Map<string, number>();
  fields.forEach((field, f) => {
    const present = new Set(field.labels);
    const kind = present.size === 0 ? 'negative' : present.size === 1 ? 'single' : 'mixed';
    falseCalls[kind].fields++;
    const serum = bySerum[present.size >= 3 ? '3+' : (String(present.size) as '1' | '2')];
    labels.forEach((key, k) => {
      const called = scores[f * K + k]! >= thresholds[k]!;
      if (present.has(key)) {
        const signal = drawnSignal(field, key);
        const band = bySignal[SIGNAL_BANDS.find((b) => signal < b.below)!.name];
        for (const tally of [serum, band]) {
          tally.positives++;
          if (called) tally.found++;
        }
      } else if (called) {
        falseCalls[kind].calls++;
        for (const other of present.size ? present : ['none']) pairs.set(`${key}\u0000${other}`, (pairs.get(`${key}\u0000${other}`) ?? 0) + 1);
      }
    });
  });
  const confusions = [...pairs]
    .map(([pair, count]) => {
      const [called, present] = pair.split('\u0000') as [string, string];
      return { called, present, count };
    })
    .sort((a, b) => b.count - a.count || a.called.localeCompare(b.called) || a.present.localeCompare(b.present))
    .slice(0, topConfusions);
  return { bySerum, bySignal, falseCalls, confusions };
}

/** The truth of each field of a bag data set, in bag order (ids are image paths, absolute or relative to dataDir). */
export function truthInBagOrder(truth: Map<string, FieldTruth>, dataDir: string, bagIds: readonly string[]): FieldTruth[] {
  return bagIds.map((id) => {
    const t = truth.get(resolve(dataDir, id));
    if (!t) throw new DomainError('not-found', `${join(dataDir, 'truth.jsonl')}: no record for ${id}`);
    return t;
  });
}

const share = (f: Found): string => (f.positives ? `${(f.found / f.positives).toFixed(2)} (${f.found}/${f.positives})` : '—');

/** One table row per style: recall by serum size and drawn signal, false calls by field kind, the top confusions. */
export function errorAnatomyMarkdown(styles: readonly { style: string; errors: ErrorAnatomy }[]): string {
  const header =
    `| style | ${SERUM_SIZES.map((s) => `found, ${s}-pattern sera`).join(' | ')} | ${SIGNAL_BANDS.map((b) => `found, drawn ${b.name}`).join(' | ')} | false calls on negative / single / mixed fields | most frequent false calls (called ← present) |`;
  const rows = styles.map(({ style, errors: e }) => {
    const fc = e.falseCalls;
    const calls = (['negative', 'single', 'mixed'] as const).map((k) => `${fc[k].calls} on ${fc[k].fields}`).join(' / ');
    const top = e.confusions.map((c) => `${c.called} ← ${c.present} ${c.count}`).join('; ') || '—';
    return `| ${style} | ${SERUM_SIZES.map((s) => share(e.bySerum[s])).join(' | ')} | ${SIGNAL_BANDS.map((b) => share(e.bySignal[b.name])).join(' | ')} | ${calls} | ${top} |`;
  });
  return [header, `|${' --- |'.repeat(3 + SERUM_SIZES.length + SIGNAL_BANDS.length)}`, ...rows].join('\n');
}
