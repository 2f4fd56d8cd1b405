/**
 * Execution providers to try, in order, per platform. The GPU provider comes first; CPU is always
 * the last resort. The name reported to the user is the one that actually loaded.
 *
 * | platform | order          | GPU provider needs                                   |
 * |----------|----------------|------------------------------------------------------|
 * | linux    | cuda → cpu     | ONNXRUNTIME_NODE_INSTALL=cuda12 at install, CUDA 12  |
 * | win32    | dml → cpu      | any DirectX 12 GPU (DirectML ships in the package)   |
 * | darwin   | coreml → cpu   | macOS CoreML                                          |
 */
export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';

export function providerOrder(platform: NodeJS.Platform = process.platform): ProviderName[] {
  switch (platform) {
    case 'linux':
      return ['cuda', 'cpu'];
    case 'win32':
      return ['dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    default:
      return ['cpu'];
  }
}

/** Parses a user's preference ("cpu", "auto", "cuda,cpu"); `auto` means the platform order. */
export function parseProviderPreference(value: string | undefined, platform: NodeJS.Platform = process.platform): ProviderName[] {
  if (!value || value === 'auto') return providerOrder(platform);
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  const known: ProviderName[] = ['cuda', 'dml', 'coreml', 'cpu'];
  for (const name of names) if (!known.includes(name as ProviderName)) throw new RangeError(`unknown execution provider '${name}' (known: ${known.join(', ')})`);
  return names as ProviderName[];
}
