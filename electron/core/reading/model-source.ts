/**
 * Which model package new readings use. The app reads with the registry's active version (so a
 * promotion or rollback changes what the next batch runs); the CLI's `--model DIR` and tests pin
 * one package folder.
 */
import { SYSTEM_ACTOR } from '../db/audit.repo';
import type { WritableDb } from '../db/connection';
import { loadModelPackage, type ModelPackage } from '../models/model-package';
import { ensureActiveModel } from '../models/model-registry';

export type ModelSource = () => Promise<ModelPackage>;

/** Always the package in `dir`. */
export function fixedModel(dir: string): ModelSource {
  return () => loadModelPackage(dir);
}

/** The registry's active version; on a fresh record `fallbackDir` (the shipped package) is registered and made active. */
export function activeRegisteredModel(db: WritableDb, fallbackDir: string): ModelSource {
  return async () => (await ensureActiveModel(db, fallbackDir, SYSTEM_ACTOR)).pkg;
}
