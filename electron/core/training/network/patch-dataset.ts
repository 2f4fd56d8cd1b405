/**
 * Pixel bags for whole-network training: every field of a dataset CSV decoded and cut into the
 * same micrometre patch grid a reading uses (slides/patches.ts), resampled to the network's input
 * side and normalised. One bag per field, one instance per kept patch.
 */
import { LABEL_KEYS } from '../../../contract/labels';
import { DomainError } from '../../errors';
import { decodeSlide, slideFileProblem } from '../../slides/decode';
import { cutPatches } from '../../slides/patches';
import type { BagDataset } from '../dataset';
import type { PatchOptions } from '../../models/manifest';

/** The options patches are cut with: the manifest's (patchOptionsOf), or a new network's before it has one. */
export type PatchPreprocessing = PatchOptions;

export interface FieldRow {
  absolutePath: string;
  labels: readonly string[];
  id?: string;
  /** The pixel size recorded for this field (e.g. at reading); else the file's, else the default. */
  pixelSizeUm?: number | null;
}

/**
 * `shared`: the patches in a SharedArrayBuffer, so a worker thread can train on them without a copy.
 * `onUnreadable`: a field whose file cannot be decoded is left out of the bags and reported, instead
 * of failing the whole set (fine-tuning on a lab's record); without it, the error stands.
 */
export async function pixelBags(
  rows: readonly FieldRow[],
  prep: PatchPreprocessing,
  options: { labels?: readonly string[]; signal?: AbortSignal; onProgress?: (done: number, total: number) => void; shared?: boolean; onUnreadable?: (row: FieldRow, reason: string) => void } = {},
): Promise<BagDataset> {
  const labels = [...(options.labels ?? LABEL_KEYS)];
  const K = labels.length;
  const length = prep.inputPx * prep.inputPx;
  const chunks: Float32Array[] = [];
  const offsets = [0];
  const bagLabels: number[] = [];
  const bagIds: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (options.signal?.aborted) throw new DomainError('conflict', 'cancelled while cutting patches');
    const row = rows[i]!;
    const bagLabel = new Array<number>(K).fill(0);
    for (const key of row.labels) {
      const k = labels.indexOf(key);
      if (k < 0) throw new DomainError('bad-request', `${row.absolutePath}: label '${key}' is not one of ${labels.join(', ')}`);
      bagLabel[k] = 1;
    }
    let slide;
    try {
      slide = await decodeSlide(row.absolutePath);
    } catch (error) {
      const reason = options.onUnreadable ? slideFileProblem(error, row.absolutePath) : null;
      if (reason === null) throw error;
      options.onUnreadable!(row, reason);
      options.onProgress?.(i + 1, rows.length);
      continue;
    }
    const cut = cutPatches(slide.fitc, slide.widthPx, slide.heightPx, row.pixelSizeUm ?? slide.pixelSizeUm ?? prep.defaultPixelSizeUm, prep);
    const keptCount = cut.kept.filter(Boolean).length;
    const pixels = new Float32Array(keptCount * length);
    let j = 0;
    cut.kept.forEach((keep, p) => {
      if (keep) pixels.set(cut.pixels.subarray(p * length, (p + 1) * length), j++ * length);
    });
    chunks.push(pixels);
    offsets.push(offsets.at(-1)! + keptCount);
    bagLabels.push(...bagLabel);
    bagIds.push(row.id ?? row.absolutePath);
    options.onProgress?.(i + 1, rows.length);
  }
  const values = offsets.at(-1)! * length;
  const inputs = options.shared ? new Float32Array(new SharedArrayBuffer(values * Float32Array.BYTES_PER_ELEMENT)) : new Float32Array(values);
  chunks.forEach((c, i) => inputs.set(c, offsets[i]! * length));
  return { labels, bagLabels: Uint8Array.from(bagLabels), bagOffsets: Int32Array.from(offsets), inputs, inputLength: length, bagIds };
}
