import { beforeEach, describe, expect, it } from 'vitest';
import { ViewerState } from '../../../renderer/src/lib/state/viewer.state.svelte';
import { canvasPoint, slidePoint, slideToCanvas } from '../../../renderer/src/lib/utils/viewport';
import type { ReadingPatches } from '../../../electron/contract';

const evidence: ReadingPatches = {
  readingId: 1,
  slideId: 1,
  labels: ['homogeneous', 'speckled'],
  patches: [[0, 0, 100, 100, 0], [100, 0, 100, 100, 0], [0, 100, 100, 100, 1], [100, 100, 100, 100, 0]],
  scores: [0.9, 0.1, 0.2, 0.8, 0, 0, 0.4, 0.6],
  thresholds: null,
};

describe('ViewerState', () => {
  const viewer = new ViewerState();
  beforeEach(() => {
    viewer.reset();
    viewer.setCanvasSize({ width: 400, height: 200 });
    viewer.openSlide({ width: 200, height: 200 }, evidence, 'speckled');
  });

  it('fits the slide on open and on resize until the user moves', () => {
    expect(viewer.viewport).toEqual({ scale: 1, offsetX: 100, offsetY: 0 });
    viewer.setCanvasSize({ width: 800, height: 400 });
    expect(viewer.viewport.scale).toBe(2);
    viewer.pan(10, 0);
    viewer.setCanvasSize({ width: 400, height: 200 });
    expect(viewer.viewport.scale).toBe(2);
    viewer.fit();
    expect(viewer.viewport.scale).toBe(1);
  });

  it('reports the hovered patch with its per-label probabilities', () => {
    viewer.hoverAt(canvasPoint(100 + 150, 150));
    expect(viewer.inspectedProbabilities).toEqual({
      patchIndex: 3,
      skipped: false,
      probabilities: [
        { key: 'homogeneous', probability: 0.4 },
        { key: 'speckled', probability: 0.6 },
      ],
    });
    viewer.hoverAt(null);
    expect(viewer.inspectedProbabilities).toBeNull();
  });

  it('centres a gallery patch in the canvas', () => {
    viewer.centerOnPatch(1);
    const c = slideToCanvas(viewer.viewport, slidePoint(150, 50));
    expect(c.x).toBeCloseTo(200, 9);
    expect(c.y).toBeCloseTo(100, 9);
    expect(viewer.selectedPatch).toBe(1);
  });

  it('toggles the overlay, clamps opacity, and only accepts labels of the reading', () => {
    viewer.toggleOverlay();
    expect(viewer.overlayVisible).toBe(false);
    viewer.setOpacity(1.7);
    expect(viewer.overlayOpacity).toBe(1);
    viewer.setOpacity(0.333);
    expect(viewer.overlayOpacity).toBe(0.33);
    expect(viewer.overlayLabelIndex).toBe(1);
    viewer.setOverlayLabel('golgi');
    expect(viewer.overlayLabel).toBe('speckled');
    viewer.setOverlayLabel('homogeneous');
    expect(viewer.overlayLabelIndex).toBe(0);
  });

  it('shows fields in FITC green with outlines by default, cycles the look-up table, and shows DAPI only when the slide has it', () => {
    expect(viewer.lut).toBe('fitc-green');
    expect(viewer.overlayMode).toBe('outline');
    expect(viewer.overlayOpacity).toBe(0.3);
    viewer.nextLut();
    expect(viewer.lut).toBe('grey');
    viewer.nextLut();
    viewer.nextLut();
    expect(viewer.lut).toBe('fitc-green');
    viewer.toggleDapi();
    expect(viewer.dapiVisible).toBe(false);
    viewer.setHasDapi(true);
    viewer.toggleDapi();
    expect(viewer.dapiVisible).toBe(true);
    viewer.openSlide({ width: 200, height: 200 }, evidence, null);
    expect([viewer.hasDapi, viewer.dapiVisible]).toEqual([false, false]);
    viewer.toggleOverlayMode();
    expect(viewer.overlayMode).toBe('fill');
  });

  it('scores each cell by its patch and centres a cell from the gallery, selecting its patch', () => {
    viewer.setCells([
      { polygon: [140, 140, 160, 140, 160, 160, 140, 160], mitotic: false }, // patch 3
      { polygon: [10, 110, 30, 110, 30, 130], mitotic: true }, // the skipped patch 2: no score
    ]);
    expect(viewer.cellScores).toEqual([{ patchIndex: 3, score: 0.6 }, null]);
    expect(viewer.overlayThreshold).toBe(0.5);
    viewer.centerOnCell(0);
    expect(viewer.selectedCell).toBe(0);
    expect(viewer.selectedPatch).toBe(3);
    const c = slideToCanvas(viewer.viewport, slidePoint(150, 150));
    expect(c.x).toBeCloseTo(200, 9);
    expect(c.y).toBeCloseTo(100, 9);
    // A 20-px cell fills about a sixth of the 200-px canvas height.
    expect(viewer.viewport.scale).toBeCloseTo(200 / 6 / 20, 9);
  });
});
