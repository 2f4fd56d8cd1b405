/**
 * `ana eval --as-read`: a dataset split read through the product's own reading path (the reading
 * service, as `ana read` uses it) into a scratch record in a fresh temp folder, deleted afterwards,
 * and scored by core/training/metrics/as-read.ts: what the physician is offered, beside the model
 * as read. Rows are matched to readings by path: two rows may share an accession.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DomainError } from '../../core/errors';
import { readDatasetCsv, type DatasetRow } from '../../core/synth/dataset-csv';
import { createReadingService } from '../../core/reading/reading.service';
import type { BatchItemResult } from '../../core/reading/batch-reader';
import type { ProviderName } from '../../core/inference/providers';
import type { MicroscopeProfile } from '../../core/slides/microscope-profile';
import type { DatasetPixelSizes } from '../../core/training/dataset-pixel-sizes';
import { fieldAsRead, scoreAsRead, type AsReadReport } from '../../core/training/metrics/as-read';
import { openOrCreateDatabase } from '../database';
import { progressBar } from './read';

export interface EvalAsReadOptions {
  dataCsv: string;
  modelDir: string;
  /** null: every row. */
  split: string | null;
  providers: ProviderName[];
  profile: MicroscopeProfile | null;
  /** The provider was asked for by name: say when it is not available. */
  namedProvider: boolean;
}

export interface EvalAsReadResult {
  report: AsReadReport;
  /** Where the fields' pixel sizes came from (a profile's size counts as given). */
  sizes: DatasetPixelSizes;
  model: string;
  provider: string | null;
}

export async function evalAsRead(options: EvalAsReadOptions): Promise<EvalAsReadResult> {
  const rows = await readDatasetCsv(options.dataCsv);
  const chosen = options.split ? rows.filter((r) => r.split === options.split) : rows;
  if (chosen.length === 0) throw new DomainError('bad-request', `${options.dataCsv}: no rows with split '${options.split}'`);

  const dir = await mkdtemp(join(tmpdir(), 'ana-eval-as-read-'));
  try {
    return await readAndScore(chosen, dir, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readAndScore(chosen: DatasetRow[], dir: string, options: EvalAsReadOptions): Promise<EvalAsReadResult> {
  const { db } = openOrCreateDatabase(join(dir, 'record.db'));
  const service = createReadingService({
    db,
    modelDir: options.modelDir,
    providers: options.providers,
    profile: options.profile,
    log: (m) => console.error(`warning: ${m}`),
    info: (m) => {
      if (options.namedProvider && /is not available/.test(m)) console.error(`warning: ${m}`);
    },
  });
  const bar = process.stderr.isTTY ? progressBar() : null;
  // Ctrl-C: the batch stops after the current field and nothing is scored; a second one stops at once.
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) {
      rmSync(dir, { recursive: true, force: true });
      process.exit(130);
    }
    interrupted = true;
    bar?.done();
    process.stderr.write('\nInterrupted: finishing the current field, then stopping (Ctrl-C again to stop at once).\n');
    const batch = service.current()?.batchId;
    if (batch !== undefined) service.cancel(batch);
  };
  process.on('SIGINT', onSigint);
  try {
    const { model } = await service.init();
    // Each file once (two rows may name the same one); the results come back matched by path.
    const summary = await service.read([...new Set(chosen.map((r) => r.absolutePath))], {
      onProgress: (p) => (interrupted ? service.cancel(p.batchId) : bar?.update(p)),
    });
    bar?.done();
    if (summary.cancelled) throw new DomainError('conflict', 'interrupted: nothing was scored');
    const byPath = new Map(summary.items.map((i) => [i.path, i]));
    const results = chosen.map((row) => {
      const result = byPath.get(row.absolutePath);
      if (!result) throw new DomainError('internal', `${row.absolutePath}: the reading returned no result for this row`);
      return result;
    });
    const labels = model.manifest.labels.map((l) => l.key);
    return {
      report: scoreAsRead(chosen.map((row, i) => fieldAsRead(row.labels, results[i]!)), labels, model.manifest.thresholds),
      sizes: pixelSizes(results, options.profile),
      model: `${model.manifest.id} ${model.manifest.version}`,
      provider: service.provider,
    };
  } finally {
    process.off('SIGINT', onSigint);
    bar?.done();
    await service.close();
    db.close();
  }
}

function pixelSizes(results: BatchItemResult[], profile: MicroscopeProfile | null): DatasetPixelSizes {
  const of = (source: BatchItemResult['pixelSizeSource']) => results.filter((r) => r.pixelSizeSource === source);
  const assumed = of('model-default');
  return {
    fromFiles: of('file').length,
    given: of('profile').length,
    givenUm: profile?.pixelSizeUm ?? null,
    assumed: assumed.length,
    assumedUm: assumed[0]?.pixelSizeUm ?? 0,
  };
}
