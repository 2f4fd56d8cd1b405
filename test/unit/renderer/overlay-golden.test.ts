/**
 * Golden image of the overlay rendering: the heatmap of a 640×480 field cut into 224-px patches
 * (shifted last row and column, one background patch) with scores spanning 0..1, so the colour
 * scale, the patch placement, the overlap rule and transparency of skipped patches are all pinned.
 */
import { expect, it } from 'vitest';
import { join } from 'node:path';
import { heatmapPixels } from '../../../renderer/src/lib/utils/heatmap';
import type { PatchEntry } from '../../../electron/contract';
import { compareWithGolden } from '../../fixtures/golden-image';

it('renders the confidence heatmap exactly as the golden image', async () => {
  const starts = (length: number) => [0, 224, length - 224];
  const patches: PatchEntry[] = [];
  for (const y of starts(480)) for (const x of starts(640)) patches.push([x, y, 224, 224, x === 224 && y === 224 ? 1 : 0]);
  const labels = 2;
  const scores = patches.flatMap((_, i) => [i / (patches.length - 1), 1 - i / (patches.length - 1)]);
  const heat = heatmapPixels({ widthPx: 640, heightPx: 480 }, patches, scores, labels, 0, 8);
  expect([heat.width, heat.height]).toEqual([80, 60]);
  const result = await compareWithGolden(join(import.meta.dirname, 'golden', 'overlay-heatmap-80x60.png'), heat.data, heat.width, heat.height);
  expect(result.differentPixels).toBe(0);
});
