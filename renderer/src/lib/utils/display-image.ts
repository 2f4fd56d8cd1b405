/**
 * The field as displayed: the grey display rendition coloured by the display rule of
 * contract/display.ts (look-up table, brightness/contrast/gamma, DAPI in blue), as a canvas the
 * viewer draws and the evidence gallery crops from.
 *
 * With neutral adjustments (the usual case) the look-up tables are exact canvas compositing
 * operations, which the browser runs natively: FITC green = multiply by pure green, inverted =
 * difference with white, DAPI = its rendition multiplied into blue and combined by max (or, on the
 * inverted table, by min as blue ink). A pixel loop in JavaScript over a 2048×1536 field took
 * 0.6 s under load; adjusted displays still use it (one table lookup per pixel).
 */
import { colourDisplayPixels, isNeutral, type DisplayLut, type ImageAdjustments } from '../../../../electron/contract';

export function colouredImage(image: HTMLImageElement, dapi: HTMLImageElement | null, lut: DisplayLut, adjustments: ImageAdjustments): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const ctx = canvas.getContext('2d', { willReadFrequently: !isNeutral(adjustments) })!;
  ctx.drawImage(image, 0, 0);
  if (!isNeutral(adjustments)) {
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height);
    colourDisplayPixels(data.data, lut, adjustments, dapi ? pixelsOf(dapi) : null);
    ctx.putImageData(data, 0, 0);
    return canvas;
  }
  if (lut === 'fitc-green') fillWith(ctx, 'multiply', '#00ff00');
  if (lut === 'inverted') fillWith(ctx, 'difference', '#ffffff');
  if (dapi) {
    // DAPI as (0, 0, d) combined by max, or on the inverted table as (255 - d, 255 - d, 255) combined by min.
    const layer = document.createElement('canvas');
    layer.width = canvas.width;
    layer.height = canvas.height;
    const lctx = layer.getContext('2d')!;
    lctx.drawImage(dapi, 0, 0);
    fillWith(lctx, 'multiply', lut === 'inverted' ? '#ffff00' : '#0000ff');
    if (lut === 'inverted') fillWith(lctx, 'difference', '#ffffff');
    ctx.globalCompositeOperation = lut === 'inverted' ? 'darken' : 'lighten';
    ctx.drawImage(layer, 0, 0);
    ctx.globalCompositeOperation = 'source-over';
  }
  return canvas;
}

function fillWith(ctx: CanvasRenderingContext2D, operation: GlobalCompositeOperation, colour: string): void {
  ctx.globalCompositeOperation = operation;
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.globalCompositeOperation = 'source-over';
}

function pixelsOf(image: HTMLImageElement): Uint8ClampedArray {
  const c = document.createElement('canvas');
  c.width = image.naturalWidth;
  c.height = image.naturalHeight;
  const ctx = c.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(image, 0, 0);
  return ctx.getImageData(0, 0, c.width, c.height).data;
}
