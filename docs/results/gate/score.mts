/**
 * Rule 19, step 1: every package's image-level scores on one style's fresh fields, read as the
 * gate reads them (`scoreNetworkPackageOn`: the reading engine, the package's aggregation and
 * thresholds). Patches are cut once per chunk of fields with the active version's options; a
 * candidate that cuts them otherwise is refused.
 *   tsx score.mts FIELDS_CSV OUT.json ACTIVE_DIR CANDIDATE_DIR...
 * OUT.json: { labels, truth (rows × labels, 0/1), packages: [{ dir, version, thresholds, scores }] }.
 */
import { writeFileSync } from 'node:fs';
import { patchOptionsOf } from '../../../electron/core/models/manifest';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { readDatasetCsv } from '../../../electron/core/synth/dataset-csv';
import { scoreNetworkPackageOn } from '../../../electron/core/training/finetune/finetune-network';
import { pixelBags } from '../../../electron/core/training/network/patch-dataset';

const CHUNK = 200;
const [csv, out, ...dirs] = process.argv.slice(2);
if (!csv || !out || dirs.length < 2) throw new Error('usage: score.mts FIELDS_CSV OUT.json ACTIVE_DIR CANDIDATE_DIR...');
const packages = await Promise.all(dirs.map((d) => loadModelPackage(d)));
const active = packages[0]!;
const prep = patchOptionsOf(active.manifest);
for (const p of packages) {
  if (JSON.stringify(patchOptionsOf(p.manifest)) !== JSON.stringify(prep)) throw new Error(`${p.dir}: cuts patches unlike the active version ${active.dir}`);
}
const labels = active.manifest.labels.map((l) => l.key);
const K = labels.length;
const rows = await readDatasetCsv(csv);
const truth: number[] = [];
const scores: number[][] = packages.map(() => []);
const started = performance.now();
for (let at = 0; at < rows.length; at += CHUNK) {
  const chunk = rows.slice(at, at + CHUNK);
  const data = await pixelBags(chunk.map((r) => ({ absolutePath: r.absolutePath, labels: r.labels, id: r.path })), prep, { labels });
  truth.push(...data.bagLabels);
  for (const [p, pkg] of packages.entries()) {
    const scored = await scoreNetworkPackageOn(pkg, data);
    scores[p]!.push(...scored.data.scores);
  }
  console.log(`${Math.min(at + CHUNK, rows.length)} of ${rows.length} fields, ${packages.length} packages, ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
writeFileSync(out, JSON.stringify({
  csv,
  labels,
  truth,
  packages: packages.map((p, i) => ({ dir: p.dir, version: p.manifest.version, thresholds: labels.map((k) => p.manifest.thresholds[k] ?? 0.5), scores: scores[i] })),
}));
console.log(`wrote ${out}: ${rows.length} fields × ${K} labels, ${packages.length} packages`);
