/**
 * The pixel size each field of a dataset CSV is cut at, decided as a reading decides it: the size
 * its file states, else a size given for the dataset (the microscope's, as a reading takes it from
 * the profile), else the model's assumed size. `ana train --base` and `ana eval` both use it, so a
 * candidate is measured at the scale it learnt at.
 */
import { statedPixelSizeUm } from '../slides/decode';

/** Where a dataset's fields got their pixel size. */
export interface DatasetPixelSizes {
  /** Fields whose files state their pixel size. */
  fromFiles: number;
  /** Fields cut at the given size (`givenUm`; null when none was given). */
  given: number;
  givenUm: number | null;
  /** Fields cut at the model's assumed size (`assumedUm`): nothing stated theirs. */
  assumed: number;
  assumedUm: number;
}

/**
 * Per field path, the pixel size to cut it at where it must be said: null where its file states
 * one (it is read there), else the given size, else null (the model's assumed size applies).
 */
export async function datasetPixelSizes(paths: readonly string[], given: number | undefined, assumedUm: number): Promise<{ of: Map<string, number | null>; sizes: DatasetPixelSizes }> {
  const of = new Map<string, number | null>();
  let fromFiles = 0;
  for (const path of paths) {
    const stated = await statedPixelSizeUm(path);
    if (stated !== null) fromFiles++;
    of.set(path, stated === null ? (given ?? null) : null);
  }
  const rest = paths.length - fromFiles;
  return { of, sizes: { fromFiles, given: given === undefined ? 0 : rest, givenUm: given ?? null, assumed: given === undefined ? rest : 0, assumedUm } };
}
