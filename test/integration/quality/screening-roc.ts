/**
 * Screening and readability on a generated data set read from its files (real decoding): AUC,
 * sensitivity and specificity at the calibrated 0.5, by titer level, and the readability verdicts.
 *   npx tsx test/integration/quality/screening-roc.ts DATASET_DIR [--profile PROFILE.json] [--dump FIELDS.jsonl]
 * DATASET_DIR is an `ana synth` output (labels.csv + truth.jsonl). With --profile, the profile's
 * lab calibration is used (`ana calibrate`), else the generic one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyseField } from '../../../electron/core/quality/analyse-field';
import { fieldQuality } from '../../../electron/core/quality/readability';
import { positiveProbability } from '../../../electron/core/quality/screening';
import { GENERIC_CALIBRATION } from '../../../electron/core/quality/screening-generic';
import { decodeSlideBytes } from '../../../electron/core/slides/decode';
import { loadMicroscopeProfile } from '../../../electron/core/slides/microscope-profile';
import { auc } from './roc';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { profile: { type: 'string' }, dump: { type: 'string' } } });
const dir = positionals[0]!;
const profile = values.profile ? await loadMicroscopeProfile(values.profile) : null;
const calibration = profile?.screening ?? GENERIC_CALIBRATION;
const truth = readFileSync(join(dir, 'truth.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string; labels: string[]; intensityLevel: string; pixelSizeUm: number });

const results: { positive: boolean; level: string; p: number; verdict: string; reason: string | null }[] = [];
for (const t of truth) {
  const path = join(dir, t.path);
  const decoded = await decodeSlideBytes(path, await readFile(path), { profile });
  const a = analyseField(decoded.fitc, decoded.widthPx, decoded.heightPx, decoded.pixelSizeUm ?? profile?.pixelSizeUm ?? t.pixelSizeUm);
  const q = fieldQuality(a, profile?.quality);
  results.push({ positive: t.labels.length > 0, level: t.intensityLevel, p: positiveProbability(a.features, calibration), verdict: q.verdict, reason: q.reason });
}
if (values.dump) writeFileSync(values.dump, results.map((r) => JSON.stringify(r)).join('\n') + '\n');
const readable = results.filter((r) => r.verdict === 'readable');
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} % (${n}/${d})` : '—');
console.log(`${results.length} fields; readable ${pct(readable.length, results.length)}; not readable: ${JSON.stringify(results.filter((r) => r.verdict !== 'readable').map((r) => r.reason))}`);
console.log(`calibration: ${calibration.source} (${calibration.negatives} negatives)`);
console.log(`AUC (readable fields) ${auc(readable.map((r) => r.p), readable.map((r) => r.positive)).toFixed(4)}`);
const negatives = readable.filter((r) => !r.positive);
const positives = readable.filter((r) => r.positive);
console.log(`specificity ${pct(negatives.filter((r) => r.p < 0.5).length, negatives.length)}, sensitivity ${pct(positives.filter((r) => r.p >= 0.5).length, positives.length)}`);
for (const level of ['weak', 'moderate', 'strong', 'very-strong']) {
  const at = positives.filter((r) => r.level === level);
  console.log(`  ${level.padEnd(12)} sensitivity ${pct(at.filter((r) => r.p >= 0.5).length, at.length)}; AUC against all negatives ${auc([...at, ...negatives].map((r) => r.p), [...at, ...negatives].map((r) => r.positive)).toFixed(4)}`);
}
