/**
 * Loading a model package from `native-models/<id>/`: parse the manifest, verify every file's
 * sha256 and return paths ready for the inference engine. Errors name the package and the problem.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DomainError } from '../errors';
import { ModelManifest } from './manifest';

export interface ModelPackage {
  dir: string;
  manifest: ModelManifest;
  modelPath: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function loadModelPackage(dir: string): Promise<ModelPackage> {
  const absDir = resolve(dir);
  const manifestPath = join(absDir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    throw new DomainError('model-invalid', `${manifestPath}: cannot read manifest (${(error as Error).message})`, { cause: error });
  }
  const parsed = ModelManifest.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DomainError('model-invalid', `${manifestPath}: ${issue.path.join('.') || 'manifest'}: ${issue.message}`);
  }
  const manifest = parsed.data;
  for (const file of manifest.files) {
    const path = join(absDir, file.path);
    const bytes = await readFile(path).catch(() => {
      throw new DomainError('model-invalid', `${path}: listed in the manifest but missing`);
    });
    const actual = sha256Hex(bytes);
    if (actual !== file.sha256) {
      throw new DomainError('model-invalid', `${path}: sha256 ${actual} does not match the manifest (${file.sha256}); the package is damaged or was edited`);
    }
  }
  const keys = manifest.labels.map((l) => l.key);
  for (const key of Object.keys(manifest.thresholds)) {
    if (!keys.includes(key)) throw new DomainError('model-invalid', `${manifestPath}: threshold for unknown label '${key}'`);
  }
  const modelFile = manifest.files.find((f) => f.role === 'model')!;
  return { dir: absDir, manifest, modelPath: join(absDir, modelFile.path) };
}
