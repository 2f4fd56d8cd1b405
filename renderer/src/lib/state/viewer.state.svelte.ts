/**
 * The slide viewer's state: viewport (slide → canvas), display (look-up table, DAPI channel,
 * adjustments), the overlay (which pattern, outline or fill, opacity, on/off, grid), the cells and
 * the patch under the pointer. Geometry lives in utils/viewport and utils/overlay-outlines; this
 * class only holds values and applies those pure functions.
 */
import {
  DEFAULT_DISPLAY_LUT,
  DEFAULT_THRESHOLD,
  DISPLAY_LUTS,
  NEUTRAL_ADJUSTMENTS,
  type CellOutline,
  type DisplayLut,
  type ImageAdjustments,
  type ReadingPatches,
} from '../../../../electron/contract';
import { cellScores, DEFAULT_FILL_OPACITY, DEFAULT_OVERLAY_MODE, polygonCentroid, type OverlayMode } from '../utils/overlay-outlines';
import { polygonBounds } from '../utils/cell-outlines';
import {
  canvasPoint,
  canvasToSlide,
  centerOn,
  fitViewport,
  oneToOneViewport,
  panBy,
  patchAtSlidePoint,
  patchCenter,
  zoomAt,
  type CanvasPoint,
  type Size,
  type Viewport,
} from '../utils/viewport';

/** Zoom step of one wheel notch or key press. */
export const ZOOM_STEP = 1.25;

export class ViewerState {
  slideSize = $state<Size | null>(null);
  canvasSize = $state<Size>({ width: 0, height: 0 });
  viewport = $state<Viewport>({ scale: 1, offsetX: 0, offsetY: 0 });
  adjustments = $state<ImageAdjustments>({ ...NEUTRAL_ADJUSTMENTS });
  /** FITC green by default: fields look as at the eyepiece. */
  lut = $state<DisplayLut>(DEFAULT_DISPLAY_LUT);
  /** Whether the open slide has a DAPI counterstain page, and whether it is shown (in blue). */
  hasDapi = $state(false);
  dapiVisible = $state(false);
  overlayVisible = $state(true);
  /** Outline mode (contours above the threshold) keeps the cells visible; fill tints whole patches. */
  overlayMode = $state<OverlayMode>(DEFAULT_OVERLAY_MODE);
  gridVisible = $state(false);
  /** Fill mode's layer opacity. */
  overlayOpacity = $state(DEFAULT_FILL_OPACITY);
  overlayLabel = $state<string | null>(null);
  evidence = $state.raw<ReadingPatches | null>(null);
  hoverPatch = $state(-1);
  selectedPatch = $state(-1);
  /** The segmented cells of the open field (slide pixels) and whether their outlines are drawn. */
  cells = $state.raw<CellOutline[]>([]);
  cellsVisible = $state(true);
  /** The cell chosen in the evidence gallery (ringed in the viewer), or -1. */
  selectedCell = $state(-1);
  /** True once the user zoomed or panned: a canvas resize then keeps their view instead of refitting. */
  private userMoved = false;

  readonly overlayLabelIndex = $derived(this.evidence && this.overlayLabel ? this.evidence.labels.indexOf(this.overlayLabel) : -1);

  /** The shown pattern's threshold: the model's at read time, else the default. */
  readonly overlayThreshold: number = $derived((this.overlayLabel ? this.evidence?.thresholds?.[this.overlayLabel] : undefined) ?? DEFAULT_THRESHOLD);

  /** Each cell's patch and score for the shown pattern (a cell's score is its patch's). */
  readonly cellScores = $derived(
    this.evidence && this.overlayLabelIndex >= 0 ? cellScores(this.cells, this.evidence.patches, this.evidence.scores, this.evidence.labels.length, this.overlayLabelIndex) : this.cells.map(() => null),
  );

  /** The per-label probabilities of the patch under the pointer (or the selected one). */
  readonly inspectedProbabilities = $derived.by(() => {
    const index = this.hoverPatch >= 0 ? this.hoverPatch : this.selectedPatch;
    const ev = this.evidence;
    if (!ev || index < 0 || index >= ev.patches.length) return null;
    const n = ev.labels.length;
    return { patchIndex: index, skipped: ev.patches[index]![4] === 1, probabilities: ev.labels.map((key, k) => ({ key, probability: ev.scores[index * n + k] ?? 0 })) };
  });

  openSlide(slideSize: Size, evidence: ReadingPatches | null, overlayLabel: string | null): void {
    this.slideSize = slideSize;
    this.evidence = evidence;
    this.overlayLabel = overlayLabel ?? evidence?.labels[0] ?? null;
    this.hoverPatch = -1;
    this.selectedPatch = -1;
    this.selectedCell = -1;
    this.hasDapi = false;
    this.dapiVisible = false;
    this.userMoved = false;
    this.fit();
  }

  setCanvasSize(size: Size): void {
    this.canvasSize = size;
    if (!this.userMoved) this.fit();
  }

  fit(): void {
    this.userMoved = false;
    if (this.slideSize) this.viewport = fitViewport(this.slideSize, this.canvasSize);
  }

  oneToOne(): void {
    this.userMoved = true;
    this.viewport = oneToOneViewport(this.viewport, this.canvasSize);
  }

  zoomAt(anchor: CanvasPoint, factor: number): void {
    this.userMoved = true;
    this.viewport = zoomAt(this.viewport, anchor, factor);
  }

  /** Zoom about the canvas centre (keyboard). */
  zoomBy(factor: number): void {
    this.zoomAt(canvasPoint(this.canvasSize.width / 2, this.canvasSize.height / 2), factor);
  }

  pan(dxCanvas: number, dyCanvas: number): void {
    this.userMoved = true;
    this.viewport = panBy(this.viewport, dxCanvas, dyCanvas);
  }

  /** Centre a patch in the view (gallery click), zooming in so it fills about a third of the canvas. */
  centerOnPatch(index: number): void {
    const patch = this.evidence?.patches[index];
    if (!patch) return;
    this.userMoved = true;
    this.selectedPatch = index;
    const scale = Math.max(this.viewport.scale, Math.min(this.canvasSize.width, this.canvasSize.height) / (3 * Math.max(patch[2], patch[3])));
    this.viewport = centerOn(patchCenter(patch), this.canvasSize, scale);
  }

  /** Centre a cell in the view (gallery click), zooming in so it fills about a sixth of the canvas; its patch becomes the selected one. */
  centerOnCell(index: number): void {
    const cell = this.cells[index];
    const bounds = cell && polygonBounds(cell.polygon);
    if (!cell || !bounds) return;
    this.userMoved = true;
    this.selectedCell = index;
    this.selectedPatch = this.cellScores[index]?.patchIndex ?? -1;
    const scale = Math.max(this.viewport.scale, Math.min(this.canvasSize.width, this.canvasSize.height) / (6 * Math.max(bounds.width, bounds.height, 8)));
    this.viewport = centerOn(polygonCentroid(cell.polygon), this.canvasSize, scale);
  }

  hoverAt(point: CanvasPoint | null): void {
    if (!point || !this.evidence) {
      this.hoverPatch = -1;
      return;
    }
    this.hoverPatch = patchAtSlidePoint(this.evidence.patches, canvasToSlide(this.viewport, point));
  }

  selectAt(point: CanvasPoint): void {
    if (this.evidence) this.selectedPatch = patchAtSlidePoint(this.evidence.patches, canvasToSlide(this.viewport, point));
  }

  toggleOverlay(): void {
    this.overlayVisible = !this.overlayVisible;
  }

  toggleGrid(): void {
    this.gridVisible = !this.gridVisible;
  }

  setCells(cells: CellOutline[]): void {
    this.cells = cells;
    this.selectedCell = -1;
  }

  toggleCells(): void {
    this.cellsVisible = !this.cellsVisible;
  }

  setLut(lut: DisplayLut): void {
    this.lut = lut;
  }

  nextLut(): void {
    this.lut = DISPLAY_LUTS[(DISPLAY_LUTS.indexOf(this.lut) + 1) % DISPLAY_LUTS.length]!;
  }

  setHasDapi(hasDapi: boolean): void {
    this.hasDapi = hasDapi;
    if (!hasDapi) this.dapiVisible = false;
  }

  toggleDapi(): void {
    this.dapiVisible = this.hasDapi && !this.dapiVisible;
  }

  setOverlayMode(mode: OverlayMode): void {
    this.overlayMode = mode;
  }

  toggleOverlayMode(): void {
    this.overlayMode = this.overlayMode === 'outline' ? 'fill' : 'outline';
  }

  setOpacity(opacity: number): void {
    this.overlayOpacity = Math.round(Math.min(1, Math.max(0, opacity)) * 100) / 100;
  }

  setOverlayLabel(key: string): void {
    if (this.evidence?.labels.includes(key)) this.overlayLabel = key;
  }

  setAdjustments(patch: Partial<ImageAdjustments>): void {
    this.adjustments = { ...this.adjustments, ...patch };
  }

  resetAdjustments(): void {
    this.adjustments = { ...NEUTRAL_ADJUSTMENTS };
  }

  reset(): void {
    this.slideSize = null;
    this.canvasSize = { width: 0, height: 0 };
    this.viewport = { scale: 1, offsetX: 0, offsetY: 0 };
    this.adjustments = { ...NEUTRAL_ADJUSTMENTS };
    this.lut = DEFAULT_DISPLAY_LUT;
    this.hasDapi = false;
    this.dapiVisible = false;
    this.overlayVisible = true;
    this.overlayMode = DEFAULT_OVERLAY_MODE;
    this.gridVisible = false;
    this.overlayOpacity = DEFAULT_FILL_OPACITY;
    this.overlayLabel = null;
    this.evidence = null;
    this.hoverPatch = -1;
    this.selectedPatch = -1;
    this.cells = [];
    this.cellsVisible = true;
    this.selectedCell = -1;
    this.userMoved = false;
  }
}
