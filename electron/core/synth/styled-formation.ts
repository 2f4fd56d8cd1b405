/**
 * Image formation for a lab style: what a particular microscope and camera make of the stained
 * cells. In order: specific + non-specific signal; photobleaching of the watched centre; a slide
 * edge and an air bubble (where the cells end or the mountant is missing); slide background,
 * debris, fibres and saturating particles; the objective's PSF and a defocus that varies over
 * the field (a tilt, an out-of-focus patch, the bubble); illumination (vignetting, an off-centre
 * hot spot, dust shadows); the camera (Poisson shot noise on the style's full well, read noise,
 * dark offset, saturation, quantisation to its bit depth; a colour camera's red and blue with
 * their own noise); and burnt-in scale bar and text. All randomness comes from the field's stream.
 */
import type { Random } from '../random';
import { Random as SeededRandom } from '../random';
import { gaussianBlur, NORMAL_TABLE_MASK, normalTableFrom, splatGaussian } from './raster';
import { drawText, textWidthPx } from './burnt-in-text';
import type { StyleDraw } from './styles';

const CLASSIC_FIELD_AREA_UM2 = 1024 * 768 * 0.25;

export interface StyledImage {
  fitc: Float32Array;
  colour?: { red: Float32Array; blue: Float32Array };
}

interface Geometry {
  widthPx: number;
  heightPx: number;
  pixelSizeUm: number;
}

/** Where the specimen is cut off or disturbed; built before the cells' signal is formed. */
export interface SpecimenMasks {
  /** Multiplies the cells' signal: 0 beyond a slide edge, dimmer under a bubble. */
  transmission: Float32Array | null;
  /** Extra defocus σ in µm per pixel (bubble interior), or null. */
  extraDefocusUm: Float32Array | null;
  /** Background added beyond the slide edge and on a bubble's rim. */
  glow: Float32Array | null;
}

export function specimenMasks(rng: Random, draw: StyleDraw, g: Geometry): SpecimenMasks {
  const { widthPx: w, heightPx: h, pixelSizeUm } = g;
  const umToPx = 1 / pixelSizeUm;
  if (!draw.slideEdge && !draw.bubble) return { transmission: null, extraDefocusUm: null, glow: null };
  const transmission = new Float32Array(w * h).fill(1);
  const glow = new Float32Array(w * h);
  const extraDefocusUm = new Float32Array(w * h);
  if (draw.slideEdge) {
    // The edge of the cell layer: a line near one side, beyond it no cells and a dim mountant glow.
    const angle = rng.uniform(0, 2 * Math.PI);
    const nx = Math.cos(angle);
    const ny = Math.sin(angle);
    const reach = Math.abs(nx) * w + Math.abs(ny) * h;
    const offset = rng.uniform(0.55, 0.8) * reach * 0.5;
    const softPx = 3 * umToPx;
    const glowLevel = rng.uniform(0.01, 0.05);
    const lineLevel = rng.uniform(0.05, 0.25);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const d = (x - w / 2) * nx + (y - h / 2) * ny - offset;
        const i = y * w + x;
        const inside = 1 / (1 + Math.exp(d / softPx));
        transmission[i] = inside;
        glow[i]! += (1 - inside) * glowLevel + lineLevel * Math.exp(-(d * d) / (2 * (1.5 * umToPx) ** 2));
      }
    }
  }
  if (draw.bubble) {
    // An air bubble under the coverslip: a dark refracting rim with a bright inner line, the cells
    // under it dimmer and out of focus.
    const radiusPx = rng.uniform(30, 160) * umToPx;
    const cx = rng.uniform(0, w);
    const cy = rng.uniform(0, h);
    const rimPx = rng.uniform(2.5, 6) * umToPx;
    const bright = rng.uniform(0.04, 0.15);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const r = Math.hypot(x - cx, y - cy);
        if (r > radiusPx + 3 * rimPx) continue;
        const i = y * w + x;
        const d = (r - radiusPx) / rimPx;
        const insideShare = 1 / (1 + Math.exp(d * 3));
        transmission[i]! *= (1 - 0.45 * insideShare) * (1 - 0.8 * Math.exp(-d * d));
        extraDefocusUm[i] = Math.max(extraDefocusUm[i]!, 1.6 * insideShare);
        glow[i]! += bright * Math.exp(-((d + 0.9) ** 2) / 0.08);
      }
    }
  }
  return { transmission, extraDefocusUm, glow };
}

/** Forms the camera image from the signal plane `image` (titer and non-specific already applied). */
export function formStyledImage(rng: Random, image: Float32Array, draw: StyleDraw, g: Geometry, masks: SpecimenMasks, withArtefacts: boolean): StyledImage {
  const { widthPx: w, heightPx: h, pixelSizeUm } = g;
  const umToPx = 1 / pixelSizeUm;
  photobleach(image, draw.photobleaching, g);
  if (masks.transmission) for (let i = 0; i < image.length; i++) image[i] = image[i]! * masks.transmission[i]!;
  if (masks.glow) for (let i = 0; i < image.length; i++) image[i]! += masks.glow[i]!;
  addBackground(rng, image, g);
  if (withArtefacts) addDebris(rng, image, draw, g);
  gaussianBlur(image, w, h, Math.max(0.35, draw.psfSigmaUm * umToPx));
  varyingDefocus(rng, image, draw, g, masks.extraDefocusUm);
  const illumination = illuminationMap(rng, draw, g, withArtefacts);
  const out = camera(rng, image, illumination, draw, w, h);
  if (withArtefacts) burnIn(rng, out, draw, g);
  return out;
}

/** The field's centre was watched longest under excitation: it lost more of its signal. */
function photobleach(image: Float32Array, fraction: number, { widthPx: w, heightPx: h }: Geometry): void {
  if (fraction <= 0) return;
  const s2 = 2 * (0.45 * Math.max(w, h)) ** 2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      image[i] = image[i]! * (1 - fraction * Math.exp(-((x - w / 2) ** 2 + (y - h / 2) ** 2) / s2));
    }
  }
}

function addBackground(rng: Random, image: Float32Array, { widthPx: w, heightPx: h }: Geometry): void {
  const level = rng.uniform(0.004, 0.04);
  const gx = rng.uniform(-0.5, 0.5);
  const gy = rng.uniform(-0.5, 0.5);
  for (let y = 0; y < h; y++) {
    const fy = 1 + gy * (y / h - 0.5);
    for (let x = 0; x < w; x++) image[y * w + x]! += level * (fy + gx * (x / w - 0.5));
  }
}

function addDebris(rng: Random, image: Float32Array, draw: StyleDraw, { widthPx: w, heightPx: h, pixelSizeUm }: Geometry): void {
  const umToPx = 1 / pixelSizeUm;
  // Debris lies on the slide: the style's count is per classic field area (1024×768 px at 0.5 µm/px).
  const expected = (draw.debris * w * h * pixelSizeUm * pixelSizeUm) / CLASSIC_FIELD_AREA_UM2;
  const debris = Math.floor(expected) + (rng.next() < expected % 1 ? 1 : 0);
  for (let d = 0; d < debris; d++) {
    const cx = rng.uniform(0, w);
    const cy = rng.uniform(0, h);
    const amp = rng.uniform(0.05, 0.6);
    const parts = rng.int(2, 9);
    for (let p = 0; p < parts; p++) splatGaussian(image, w, h, cx + rng.normal(0, 2.5) * umToPx, cy + rng.normal(0, 2.5) * umToPx, rng.uniform(0.4, 3) * umToPx, amp * rng.uniform(0.4, 1));
  }
  if (draw.fibre) {
    let x = rng.uniform(0, w);
    let y = rng.uniform(0, h);
    let heading = rng.uniform(0, 2 * Math.PI);
    const amp = rng.uniform(0.05, 0.35);
    const steps = Math.round(rng.uniform(60, 300) * umToPx);
    const widthPx = Math.max(0.6, rng.uniform(0.4, 1.2) * umToPx);
    for (let k = 0; k < steps; k++) {
      heading += rng.normal(0, 0.03);
      x += Math.cos(heading);
      y += Math.sin(heading);
      if (k % 2 === 0) splatGaussian(image, w, h, x, y, widthPx, amp);
    }
  }
  if (draw.saturatedParticles) {
    const count = rng.int(1, 4);
    for (let s = 0; s < count; s++) splatGaussian(image, w, h, rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.6, 1.8) * umToPx, rng.uniform(4, 10));
  }
}

/**
 * Focus that varies over the field: a linear tilt (coverslip not flat), an out-of-focus patch and
 * the bubble's interior. Blurred copies at a few σ are blended per pixel by the wanted σ.
 */
function varyingDefocus(rng: Random, image: Float32Array, draw: StyleDraw, { widthPx: w, heightPx: h, pixelSizeUm }: Geometry, extraUm: Float32Array | null): void {
  const patch = draw.defocusPatch
    ? { cx: rng.uniform(0, w), cy: rng.uniform(0, h), r2: (rng.uniform(0.2, 0.45) * Math.min(w, h)) ** 2, sigmaUm: rng.uniform(1, 2.5) }
    : null;
  const cos = Math.cos(draw.defocusTiltAngleRad);
  const sin = Math.sin(draw.defocusTiltAngleRad);
  const half = Math.abs(cos) * w / 2 + Math.abs(sin) * h / 2;
  const sigmaUm = new Float32Array(w * h);
  let maxUm = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const along = ((x - w / 2) * cos + (y - h / 2) * sin) / half;
      let s = draw.defocusTiltUm * Math.max(0, (along + 1) / 2);
      if (patch) s += patch.sigmaUm * Math.exp(-((x - patch.cx) ** 2 + (y - patch.cy) ** 2) / patch.r2);
      if (extraUm) s += extraUm[i]!;
      sigmaUm[i] = s;
      if (s > maxUm) maxUm = s;
    }
  }
  if (maxUm < 0.1) return;
  const levelsUm = [0, 0.5, 1.2, 2.5, 4.5].filter((l, k, all) => k === 0 || all[k - 1]! < maxUm);
  const copies = levelsUm.map((l) => {
    if (l === 0) return image;
    const c = new Float32Array(image);
    gaussianBlur(c, w, h, l / pixelSizeUm);
    return c;
  });
  const out = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) {
    const s = sigmaUm[i]!;
    let k = 0;
    while (k < levelsUm.length - 2 && s > levelsUm[k + 1]!) k++;
    if (levelsUm.length === 1) {
      out[i] = image[i]!;
      continue;
    }
    const t = Math.min(1, Math.max(0, (s - levelsUm[k]!) / (levelsUm[k + 1]! - levelsUm[k]!)));
    out[i] = copies[k]![i]! * (1 - t) + copies[k + 1]![i]! * t;
  }
  image.set(out);
}

/** Relative illumination: vignetting, an off-centre hot spot and dust shadows, peak 1. */
function illuminationMap(rng: Random, draw: StyleDraw, { widthPx: w, heightPx: h, pixelSizeUm }: Geometry, withDust: boolean): Float32Array {
  const map = new Float32Array(w * h);
  const vx = rng.uniform(0.35, 0.65) * w;
  const vy = rng.uniform(0.35, 0.65) * h;
  const hx = rng.uniform(0.15, 0.85) * w;
  const hy = rng.uniform(0.15, 0.85) * h;
  const hs2 = 2 * (rng.uniform(0.2, 0.4) * Math.max(w, h)) ** 2;
  const inv = 1 / ((w / 2) ** 2 + (h / 2) ** 2);
  let max = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = (1 - draw.vignetting * ((x - vx) ** 2 + (y - vy) ** 2) * inv) * (1 + draw.hotSpot * Math.exp(-((x - hx) ** 2 + (y - hy) ** 2) / hs2));
      map[y * w + x] = v;
      if (v > max) max = v;
    }
  }
  for (let i = 0; i < map.length; i++) map[i] = map[i]! / max;
  if (withDust) {
    // Dust on a lens or the camera window: out of focus, so a soft dark ring with a lighter centre.
    const umToPx = 1 / pixelSizeUm;
    for (let d = 0; d < draw.dust; d++) {
      const cx = rng.uniform(0, w);
      const cy = rng.uniform(0, h);
      const radius = rng.uniform(4, 25) * umToPx;
      const ring = radius * rng.uniform(0.15, 0.3);
      const depth = rng.uniform(0.1, 0.45);
      const reach = radius + 3 * ring;
      for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(h, Math.ceil(cy + reach)); y++) {
        for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(w, Math.ceil(cx + reach)); x++) {
          const r = Math.hypot(x - cx, y - cy);
          const shade = depth * (Math.exp(-((r - radius) ** 2) / (2 * ring * ring)) + 0.4 * (r < radius ? 1 : Math.exp(-((r - radius) ** 2) / (2 * ring * ring))));
          map[y * w + x]! *= 1 - Math.min(0.9, shade);
        }
      }
    }
  }
  return map;
}

/** Poisson shot noise (normal approximation) + read noise + dark offset, clipping and quantisation. */
function camera(rng: Random, image: Float32Array, illumination: Float32Array, draw: StyleDraw, w: number, h: number): StyledImage {
  const normals = normalTableFrom(() => new SeededRandom(0x5eed));
  let state = (rng.int(1, 0x7fffffff) | 1) >>> 0;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return normals[(state >>> 0) & NORMAL_TABLE_MASK]!;
  };
  const fullWell = draw.fullWellElectrons;
  const perUnit = fullWell * draw.exposure;
  const read2 = draw.readNoiseElectrons ** 2;
  const levels = 2 ** draw.bitDepth - 1;
  const expose = (electrons: number, dark: number): number => {
    const noisy = electrons + Math.sqrt(electrons + read2) * next();
    const v = noisy / fullWell + dark;
    const clipped = v < 0 ? 0 : v > 1 ? 1 : v;
    return Math.round(clipped * levels) / levels;
  };
  const fitc = new Float32Array(w * h);
  const bleed = draw.colourBleed;
  const red = bleed ? new Float32Array(w * h) : null;
  const blue = bleed ? new Float32Array(w * h) : null;
  for (let i = 0; i < fitc.length; i++) {
    const electrons = Math.max(0, image[i]! * illumination[i]! * perUnit);
    fitc[i] = expose(electrons, draw.darkOffset);
    if (bleed) {
      red![i] = expose(electrons * bleed.red, draw.darkOffset * 0.8);
      blue![i] = expose(electrons * bleed.blue, draw.darkOffset * 1.1);
    }
  }
  return bleed ? { fitc, colour: { red: red!, blue: blue! } } : { fitc };
}

/** Scale bar with its length, and a text stamp (objective, date, time), written at full scale. */
function burnIn(rng: Random, out: StyledImage, draw: StyleDraw, { widthPx: w, heightPx: h, pixelSizeUm }: Geometry): void {
  const planes = [out.fitc, ...(out.colour ? [out.colour.red, out.colour.blue] : [])];
  const set = (x: number, y: number): void => {
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    for (const p of planes) p[y * w + x] = 1;
  };
  const scale = Math.max(1, Math.round(Math.min(w, h) / 400));
  if (draw.scaleBar) {
    const lengthUm = [20, 50, 100, 200].find((l) => l / pixelSizeUm > 0.12 * w) ?? 200;
    const lengthPx = Math.round(lengthUm / pixelSizeUm);
    const thick = 2 + scale * 2;
    const x0 = w - lengthPx - 12 * scale;
    const y0 = h - thick - 10 * scale;
    for (let y = y0; y < y0 + thick; y++) for (let x = x0; x < x0 + lengthPx; x++) set(x, y);
    const label = `${lengthUm} um`;
    drawText(label, x0 + Math.round((lengthPx - textWidthPx(label, scale)) / 2), y0 - 9 * scale, scale, set);
  }
  if (draw.textStamp) {
    const objective = pixelSizeUm < 0.3 ? 40 : 20;
    const stamp = `${objective}x FITC 2026-${pad(rng.int(1, 12))}-${pad(rng.int(1, 28))} ${pad(rng.int(7, 18))}:${pad(rng.int(0, 59))}`;
    drawText(stamp, 8 * scale, 8 * scale, scale, set);
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
