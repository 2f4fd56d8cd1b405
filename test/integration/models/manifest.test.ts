/**
 * The manifest is the model's only descriptor: its `kind` (with the payload of that kind), the
 * patch options it implies, and its labels checked against the product's vocabulary at load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelManifest, patchOptionsOf } from '../../../electron/core/models/manifest';
import { loadModelPackage } from '../../../electron/core/models/model-package';
import { writeTestPackage } from '../../fixtures/model-package';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-manifest-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function packageWith(name: string, change: (manifest: Record<string, any>) => void): Promise<string> {
  const d = join(dir, name);
  await writeTestPackage(d);
  const manifest = JSON.parse(await readFile(join(d, 'manifest.json'), 'utf8'));
  change(manifest);
  await writeFile(join(d, 'manifest.json'), JSON.stringify(manifest));
  return d;
}

describe('model manifest', () => {
  it('refuses, at load, a label the pattern vocabulary does not know, naming the manifest and the label', async () => {
    const d = await packageWith('unknown-label', (m) => {
      m.labels[7].key = 'golgi_apparatus';
      m.thresholds.golgi_apparatus = m.thresholds.golgi;
      delete m.thresholds.golgi;
    });
    await expect(loadModelPackage(d)).rejects.toThrow(/manifest\.json: label 'golgi_apparatus' not in the pattern vocabulary/);
    await expect(loadModelPackage(await packageWith('known-labels', () => {}))).resolves.toMatchObject({ manifest: { kind: 'extractor-head' } });
  });

  it('reads a manifest written before `kind` as the kind its content implies', async () => {
    const legacy = await packageWith('legacy-head', (m) => delete m.kind);
    expect((await loadModelPackage(legacy)).manifest.kind).toBe('extractor-head');
    const raw = JSON.parse(await readFile(join(legacy, 'manifest.json'), 'utf8'));
    const network = { inputShape: [1, 64, 64], layers: [{ kind: 'conv2d', outChannels: 4, kernel: 3 }, { kind: 'globalavgpool' }, { kind: 'linear', outFeatures: 8 }] };
    const parsed = ModelManifest.parse({ ...raw, provenance: { network } });
    expect(parsed).toMatchObject({ kind: 'network', network });
    expect(() => ModelManifest.parse({ ...raw, kind: 'network' })).toThrow(/network/);
  });

  it('derives the patch options in one place', async () => {
    const d = await packageWith('options', (m) => {
      m.patch = { sizeUm: 90, defaultPixelSizeUm: 0.4, backgroundMax: 0.05 };
      m.normalisation = { mean: 0.2, std: 0.3 };
    });
    const { manifest } = await loadModelPackage(d);
    expect(patchOptionsOf(manifest)).toEqual({ patchSizeUm: 90, inputPx: 64, mean: 0.2, std: 0.3, backgroundMax: 0.05, defaultPixelSizeUm: 0.4 });
  });
});
