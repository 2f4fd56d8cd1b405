import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { WritableDb } from '../../core/db/connection';
import { latestUnfinishedBatch, listBatchItems } from '../../core/db/reading-batch.repo';
import { openOrCreateDatabase } from '../database';
import { defaultModelDir } from '../../core/paths';
import { activeModelDir } from '../../core/models/model-registry';
import { parseProviderPreference } from '../../core/inference/providers';
import { accessionFromFileName, accessionPattern, loadWorklist, worklistAccession } from '../../core/reading/accession';
import { createReadingService, type ReadOptions, type ReadingService } from '../../core/reading/reading.service';
import { listSlideFiles, type BatchItemResult, type BatchProgress, type BatchSummary } from '../../core/reading/batch-reader';
import { loadMicroscopeProfile } from '../../core/slides/microscope-profile';
import { ESTIMATE_RULES, estimatePixelSizeFromFiles, spreadSample } from '../../core/quality/pixel-size-estimate';
import type { ModelPackage } from '../../core/models/model-package';
import { errorMessage } from '../../core/errors';
import { UsageError, type Command } from '../command';
import type { FieldQuality, PixelSizeSource, Screening } from '../../contract/quality';

/** One slide in the `--json` output. */
export interface ReadJsonItem {
  file: string;
  accession: string | null;
  status: BatchItemResult['status'];
  error: string | null;
  probabilities: Record<string, number>;
  predicted: string[];
  /** Patterns the model called on a field screening called negative: not suggested, shown so the physician looks. */
  withheld: string[];
  patchCount: number;
  skippedPatches: number;
  provider: string | null;
  pixelSizeUm: number | null;
  /** 'file', 'profile', or 'model-default' (assumed: the file states none and no profile was given). */
  pixelSizeSource: PixelSizeSource | null;
  ms: number | null;
  timingsMs: Record<string, number>;
  /** `{ verdict, reason, cells, mitoses, focus, saturatedFraction, signalToBackground }`; null when the file failed for another reason. */
  quality: FieldQuality | null;
  /** `{ call, positiveProbability, profile }`; null for a field that is not readable. */
  screening: Screening | null;
  /** The field is far from the model's training fields (null: not judged — not readable, or the model ships no reference). */
  unfamiliar: boolean | null;
  /** Its distance in units of the calibrated threshold (> 1 = unfamiliar). */
  familiarityDistance: number | null;
}

export function toJsonItem(r: BatchItemResult): ReadJsonItem {
  return {
    file: r.path,
    accession: r.accessionId,
    status: r.status,
    error: r.error?.message ?? null,
    probabilities: Object.fromEntries(r.labels.map((k, i) => [k, Math.round(r.probabilities[i]! * 1e4) / 1e4])),
    predicted: r.predicted,
    withheld: r.withheld,
    patchCount: r.patchCount,
    skippedPatches: r.skippedPatches,
    provider: r.provider,
    pixelSizeUm: r.pixelSizeUm,
    pixelSizeSource: r.pixelSizeSource,
    ms: r.timingsMs.total !== undefined ? Math.round(r.timingsMs.total) : null,
    timingsMs: Object.fromEntries(Object.entries(r.timingsMs).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    quality: r.quality,
    screening: r.screening,
    unfamiliar: r.familiarity?.unfamiliar ?? null,
    familiarityDistance: r.familiarity?.distance ?? null,
  };
}

export const readCommand: Command = {
  name: 'read',
  summary: 'Read slide files and folders with the model and store the readings',
  usage:
    'ana read <files or folders...> | --resume [--batch ID]  [--db FILE] [--model DIR] [--json FILE] [--provider auto|cpu|cuda|dml|coreml] [--profile FILE] [--accession-pattern REGEX] [--worklist CSV] [--force] [--in-process]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        model: { type: 'string' },
        json: { type: 'string' },
        provider: { type: 'string' },
        profile: { type: 'string' },
        'accession-pattern': { type: 'string' },
        worklist: { type: 'string' },
        force: { type: 'boolean', default: false },
        resume: { type: 'boolean', default: false },
        batch: { type: 'string' },
        'in-process': { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0 && !values.resume) throw new UsageError('no files or folders given');
    if (positionals.length > 0 && values.resume) throw new UsageError('--resume reads the unfinished files of a batch: give no files with it');
    const providers = parseProviderPreference(values.provider);
    const profile = values.profile ? await loadMicroscopeProfile(resolve(values.profile)) : null;
    const byName = values['accession-pattern'] ? accessionPattern(values['accession-pattern']) : accessionFromFileName;
    const accessionOf = values.worklist ? worklistAccession(await loadWorklist(resolve(values.worklist)), byName) : byName;
    const { db, path: dbPath } = openOrCreateDatabase(values.db);
    const service = createReadingService({
      db,
      // The registry's active version (after fine-tuning, promotion or rollback), else the shipped package.
      modelDir: values.model ? resolve(values.model) : (activeModelDir(db) ?? defaultModelDir()),
      providers,
      profile,
      accessionOf,
      useWorker: !values['in-process'],
      log: (m) => console.error(`warning: ${m}`),
      // A provider asked for by name and not available is worth a warning; on 'auto' the fallback is routine.
      info: (m) => {
        if (values.provider && values.provider !== 'auto' && /is not available/.test(m)) console.error(`warning: ${m}`);
      },
    });
    const bar = process.stderr.isTTY ? progressBar() : null;
    // Ctrl-C: the current slide finishes (each slide is stored whole), the batch is marked
    // interrupted, and the same command run again reads the rest. A second Ctrl-C stops at once.
    let interrupted = false;
    const stop = (batchId: string | undefined) => batchId !== undefined && service.cancel(batchId);
    const onSigint = () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      bar?.done();
      process.stderr.write('\nInterrupted: finishing the current slide, then stopping (Ctrl-C again to stop at once).\n');
      stop(service.current()?.batchId);
    };
    process.on('SIGINT', onSigint);
    try {
      const { model } = await service.init();
      const onProgress = (p: BatchProgress) => {
        if (interrupted) stop(p.batchId);
        else bar?.update(p);
      };
      const summary = values.resume
        ? await service.resume(values.batch, { force: values.force, onProgress })
        : await readOrContinue(service, db, positionals, { force: values.force, onProgress });
      bar?.done();
      if (!summary) {
        console.log(`No unfinished reading batch in ${dbPath}: nothing to resume.`);
        return 0;
      }
      console.log(summaryTable(summary.items, model.manifest.labels.map((l) => l.key)));
      console.log(fieldSummary(summary.items));
      const assumed = assumedPixelSizeLine(summary.items);
      if (assumed) console.log(assumed + (await suggestionLine(summary.items, model)));
      console.log(
        `\n${summary.items.length} file(s): ${summary.done} read, ${summary.skipped} already read, ${summary.failed} failed` +
          ` in ${(summary.wallMs / 1000).toFixed(1)} s with ${model.manifest.id} ${model.manifest.version} on ${service.provider}; record: ${dbPath}`,
      );
      if (values.json) {
        await writeFile(resolve(values.json), JSON.stringify(summary.items.map(toJsonItem), null, 2) + '\n');
        console.log(`JSON: ${values.json}`);
      }
      for (const item of summary.items) if (item.error) console.error(`failed: ${item.error.message}`);
      if (summary.cancelled) {
        const left = listBatchItems(db, summary.batchId, 'pending').length;
        console.error(`Interrupted: ${summary.done + summary.skipped} slide(s) read in this run, ${left} not yet read (batch ${summary.batchId}). Run the same command again to read the rest.`);
        return 130;
      }
      // Non-zero only when nothing could be done: every file failed, or there was none.
      return summary.items.length === 0 || summary.failed === summary.items.length ? 1 : 0;
    } finally {
      process.off('SIGINT', onSigint);
      await service.close();
      db.close();
    }
  },
};

/**
 * With enough fields cut at the assumed size, what their cells suggest instead (a check, never
 * used for the reading): the number a lab needs to set its profile, where it sees the problem.
 */
async function suggestionLine(items: BatchItemResult[], model: ModelPackage): Promise<string> {
  const paths = items.filter((i) => i.pixelSizeSource === 'model-default').map((i) => i.path);
  if (paths.length < ESTIMATE_RULES.minFields) return '';
  try {
    const { estimate: e } = await estimatePixelSizeFromFiles(spreadSample(paths, ESTIMATE_RULES.defaultFields), model, null);
    return (
      `\nTheir cells suggest about ${e.pixelSizeUm.toFixed(3)} µm/px (single fields ${e.lowUm.toFixed(3)}–${e.highUm.toFixed(3)}; ${e.fields} measured): ` +
      `a check, not a setting. Confirm it from the camera's pixel pitch ÷ magnification, then read again with a profile of that size.`
    );
  } catch (error) {
    return `\nTheir cells could not suggest a size: ${errorMessage(error)}`;
  }
}

/**
 * Reads the files, or — when the newest unfinished batch (interrupted, killed) holds exactly these
 * files — finishes that batch, so a plain re-run of an interrupted command completes it.
 */
async function readOrContinue(service: ReadingService, db: WritableDb, paths: string[], options: ReadOptions): Promise<BatchSummary> {
  const unfinished = options.force ? undefined : latestUnfinishedBatch(db);
  if (unfinished) {
    const files = await listSlideFiles(paths);
    const batchFiles = listBatchItems(db, unfinished.id).map((i) => i.path);
    if (batchFiles.length === files.length && batchFiles.every((f, i) => f === files[i])) {
      console.error(`Continuing the interrupted batch ${unfinished.id}: ${listBatchItems(db, unfinished.id, 'pending').length} of ${files.length} slide(s) left.`);
      return (await service.resume(unfinished.id, options))!;
    }
  }
  return service.read(paths, options);
}

/** A one-line progress bar on standard error (a terminal only). */
export function progressBar() {
  const width = 30;
  let last = '';
  return {
    update(p: BatchProgress) {
      const filled = p.total ? Math.round((p.done / p.total) * width) : 0;
      const eta = p.etaMs === null ? '' : ` ETA ${formatMs(p.etaMs)}`;
      const file = p.currentFile ? ` ${relative(process.cwd(), p.currentFile)}` : '';
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.done}/${p.total}${p.failed ? ` (${p.failed} failed)` : ''}${eta}${file}`;
      if (line !== last) process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns || 120) - 1)}`);
      last = line;
    },
    done() {
      process.stderr.write('\r\x1b[2K');
    },
  };
}

function formatMs(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** The day's fields in the gate's terms: readable, not readable by reason, screened, unfamiliar. */
export function fieldSummary(items: BatchItemResult[]): string {
  const judged = items.filter((i) => i.quality);
  const notReadable = judged.filter((i) => i.quality!.verdict === 'not-readable');
  const reasons = new Map<string, number>();
  for (const i of notReadable) reasons.set(i.quality!.reason ?? 'unknown', (reasons.get(i.quality!.reason ?? 'unknown') ?? 0) + 1);
  const screened = judged.filter((i) => i.screening);
  const positive = screened.filter((i) => i.screening!.call === 'positive').length;
  const withheld = screened.filter((i) => i.withheld.length > 0).length;
  const unfamiliar = items.filter((i) => i.familiarity?.unfamiliar).length;
  const judgedFamiliarity = items.filter((i) => i.familiarity).length;
  return (
    `\nFields: ${judged.length - notReadable.length} readable, ${notReadable.length} not readable` +
    (notReadable.length ? ` (${[...reasons].map(([r, n]) => `${r} ${n}`).join(', ')})` : '') +
    `; screened ${positive} positive, ${screened.length - positive} negative` +
    (withheld ? ` (${withheld} of them with a pattern the model called: look before signing negative)` : '') +
    `; unfamiliar ${judgedFamiliarity ? `${unfamiliar} of ${judgedFamiliarity}` : 'not judged (the model ships no reference)'}`
  );
}

/**
 * Said when fields were cut at the model's assumed pixel size: their files state none and no
 * profile was given. Patches are cut in micrometres, so a wrong size reads every cell at the wrong
 * scale (real microscopes: about 0.15 to 0.65 µm per pixel; docs/real-fields.md).
 */
export function assumedPixelSizeLine(items: BatchItemResult[]): string | null {
  const assumed = items.filter((i) => i.pixelSizeSource === 'model-default');
  if (!assumed.length) return null;
  const sizes = [...new Set(assumed.map((i) => i.pixelSizeUm!.toFixed(3)))].join(', ');
  return (
    `\nPixel size assumed for ${assumed.length} of ${items.length} field(s): their files state none and no microscope profile was given, ` +
    `so they were cut at the model's ${sizes} µm/px. If that is not your camera's size at the sample, read them again with --profile FILE --force` +
    ` (\`ana estimate-pixel-size\` on 10 or more of them suggests a size from their cells, to check against the camera and objective).`
  );
}

/** The table's call: the reason a field is not readable, else its screening, then the patterns (or, in brackets, those the model called that screening withheld). */
function callOf(r: BatchItemResult): string {
  if (r.quality?.verdict === 'not-readable') return `not readable: ${r.quality.reason}`;
  if (r.status === 'failed') return r.error?.code ?? 'error';
  const screening = r.screening ? `${r.screening.call} ${r.screening.positiveProbability.toFixed(2)}` : '';
  const patterns = r.withheld.length ? `(model: ${r.withheld.join(' ')})` : r.predicted.join(' ');
  return [screening, patterns, r.familiarity?.unfamiliar ? '(unfamiliar)' : ''].filter(Boolean).join(' ') || 'negative';
}

export function summaryTable(items: BatchItemResult[], labels: string[]): string {
  const header = ['file', 'accession', 'status', 'screening / patterns', 'top probability', 'patches', 'provider', 'ms'];
  const rows = items.map((r) => {
    const top = r.probabilities.length ? r.probabilities.indexOf(Math.max(...r.probabilities)) : -1;
    return [
      relative(process.cwd(), r.path) || r.path,
      r.accessionId ?? '',
      r.status,
      callOf(r),
      top >= 0 && r.quality?.verdict !== 'not-readable' ? `${labels[top] ?? r.labels[top]} ${r.probabilities[top]!.toFixed(2)}` : '',
      r.patchCount ? String(r.patchCount) : '',
      r.provider ?? '',
      r.timingsMs.total !== undefined ? String(Math.round(r.timingsMs.total)) : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
