/**
 * The CPU half of reading a slide: read the file once, hash it, decode it, judge the field (cells,
 * readability, screening: core/quality/field-verdict.ts) before the model sees it, and cut the
 * patches that hold cells on the grid in micrometres. Kept apart from inference so the batch
 * reader can prepare the next slides while the model runs on the current one.
 */
import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import { patchOptionsOf, type ModelManifest } from '../models/manifest';
import { decodeSlideBytes, readSlideBytes, slideFileLimits, type DecodedSlide } from '../slides/decode';
import type { MicroscopeProfile } from '../slides/microscope-profile';
import { cutPatches, patchRects, type CutPatches } from '../slides/patches';
import type { FieldVerdict } from '../quality/field-verdict';
import { judgeInProcess, type FieldJudge } from './field-judge';
import type { AnalysisOptions } from '../quality/analyse-field';
import type { PixelSizeSource } from '../../contract/quality';

export interface PreparedSlide {
  path: string;
  fileName: string;
  sha256: string;
  sizeBytes: number;
  decoded: Omit<DecodedSlide, 'fitc' | 'dapi'>;
  /** Pixel size used for the grid (file, profile, or the model's default). */
  pixelSizeUm: number;
  pixelSizeSource: PixelSizeSource;
  /** `kept` is false for patches without any segmented cell (they are not scored). */
  patches: CutPatches;
  /** The field's quality verdict, screening and cells, decided before any pattern call. */
  verdict: Omit<FieldVerdict, 'patchHasCells' | 'analyseMs'>;
  /** `display`: the `onDecoded` hook (the viewer's display rendition), when given. */
  timingsMs: { decode: number; tile: number; analyse: number; display?: number };
}

/** Called with every freshly decoded slide, while its pixels are in memory (display renditions). */
export type OnDecoded = (sha256: string, decoded: DecodedSlide) => Promise<void>;

export interface HashedFile {
  path: string;
  bytes: Uint8Array;
  sha256: string;
}

/** Reads (regular files only, within the profile's or the default size and time limits) and hashes a slide file. */
export async function hashFile(path: string, profile: MicroscopeProfile | null = null): Promise<HashedFile> {
  const absPath = resolve(path);
  const bytes = await readSlideBytes(absPath, slideFileLimits(profile));
  return { path: absPath, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export async function prepareSlide(
  file: HashedFile,
  manifest: ModelManifest,
  profile: MicroscopeProfile | null,
  onDecoded?: OnDecoded,
  analysisOptions: Pick<AnalysisOptions, 'acquisition'> = {},
  judge: FieldJudge = judgeInProcess,
): Promise<PreparedSlide> {
  let t = performance.now();
  const decoded = await decodeSlideBytes(file.path, file.bytes, { profile });
  const decodeMs = performance.now() - t;
  const options = patchOptionsOf(manifest);
  const pixelSizeUm = decoded.pixelSizeUm ?? options.defaultPixelSizeUm;
  const rects = patchRects(decoded.widthPx, decoded.heightPx, pixelSizeUm, options);
  // The field is judged first: only the patches that hold cells are resampled for the model.
  const { patchHasCells, analyseMs, ...verdict } = await judge(decoded.fitc, decoded.widthPx, decoded.heightPx, pixelSizeUm, rects, profile, analysisOptions);
  t = performance.now();
  const patches = cutPatches(decoded.fitc, decoded.widthPx, decoded.heightPx, pixelSizeUm, options, patchHasCells);
  const tileMs = performance.now() - t;
  t = performance.now();
  if (onDecoded) await onDecoded(file.sha256, decoded);
  const displayMs = onDecoded ? performance.now() - t : undefined;
  const { fitc: _fitc, dapi: _dapi, ...meta } = decoded;
  return {
    path: file.path,
    fileName: basename(file.path),
    sha256: file.sha256,
    sizeBytes: file.bytes.length,
    decoded: meta,
    pixelSizeUm,
    pixelSizeSource: decoded.pixelSizeSource ?? 'model-default',
    patches,
    verdict,
    timingsMs: { decode: decodeMs, tile: tileMs, analyse: analyseMs, ...(displayMs === undefined ? {} : { display: displayMs }) },
  };
}
