/**
 * A day for the field-quality end-to-end test: ordinary synthetic fields next to fields the
 * readability gate must refuse — a black field (nothing was imaged) and a strongly blurred positive
 * field (the microscope was out of focus), and a weak mitochondrial field of a routine 20× colour
 * microscope that the generic screening calls negative while the model calls mitochondrial (its
 * seed chosen for that). All are written as the camera would, 8-bit RGB PNG; one as a camera that
 * states no pixel size in its files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeField, generateField, type SynthField } from '../../electron/core/synth/index';

export interface QualityDaySlide {
  accessionId: string;
  path: string;
  /** What the field is, for the test's expectations. */
  kind: 'normal' | 'black' | 'blurred' | 'screened-out';
  /** The file states its pixel size (false: written as a camera that states none). */
  statesPixelSize: boolean;
}

const SIZE = { widthPx: 1024, heightPx: 768 };

/** Separable box blur of `radiusPx`, three passes (close to a Gaussian of sigma ≈ radius). */
export function blurFitc(field: SynthField, radiusPx: number): SynthField {
  const { widthPx: w, heightPx: h } = field;
  const a = Float32Array.from(field.fitc);
  const b = new Float32Array(a.length);
  const pass = (src: Float32Array, dst: Float32Array, horizontal: boolean) => {
    const [outer, inner] = horizontal ? [h, w] : [w, h];
    const at = (o: number, i: number) => (horizontal ? o * w + i : i * w + o);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let sum = 0;
        for (let k = -radiusPx; k <= radiusPx; k++) sum += src[at(o, Math.min(inner - 1, Math.max(0, i + k)))]!;
        dst[at(o, i)] = sum / (2 * radiusPx + 1);
      }
    }
  };
  for (let n = 0; n < 3; n++) {
    pass(a, b, true);
    pass(b, a, false);
  }
  return { ...field, fitc: a };
}

export async function writeQualityDay(dir: string): Promise<QualityDaySlide[]> {
  mkdirSync(dir, { recursive: true });
  const plan: { accessionId: string; kind: QualityDaySlide['kind']; labels: string[]; seed: number; statesPixelSize?: false; intensity?: number; style?: string }[] = [
    { accessionId: 'Q2026-0301', kind: 'normal', labels: ['homogeneous'], seed: 301 },
    { accessionId: 'Q2026-0302', kind: 'normal', labels: [], seed: 302, statesPixelSize: false },
    { accessionId: 'Q2026-0303', kind: 'black', labels: [], seed: 303 },
    { accessionId: 'Q2026-0304', kind: 'blurred', labels: ['speckled'], seed: 304 },
    { accessionId: 'Q2026-0305', kind: 'screened-out', labels: ['mitochondrial'], seed: 704, intensity: 0.2, style: 'routine-20x-colour-jpeg' },
  ];
  const slides: QualityDaySlide[] = [];
  for (const p of plan) {
    const generated = generateField({ ...SIZE, labels: p.labels, intensity: p.intensity ?? (p.labels.length ? 0.8 : undefined), style: p.style }, p.seed);
    const field = p.kind === 'black' ? { ...generated, fitc: new Float32Array(generated.fitc.length) } : p.kind === 'blurred' ? blurFitc(generated, 12) : generated;
    const path = join(dir, `${p.accessionId}_F1.png`);
    writeFileSync(path, await encodeField(field, 'png-rgb8', { statesPixelSize: p.statesPixelSize ?? true }));
    slides.push({ accessionId: p.accessionId, path, kind: p.kind, statesPixelSize: p.statesPixelSize ?? true });
  }
  return slides;
}

/** Negative-control fields of the same microscope, for the Settings screening calibration. */
export async function writeNegativeControls(dir: string, count: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `negative-control-${i + 1}.png`);
    writeFileSync(path, await encodeField(generateField({ ...SIZE, labels: [] }, 900 + i), 'png-rgb8'));
    paths.push(path);
  }
  return paths;
}

/** Fields of a 40× microscope whose camera states no pixel size (0.15–0.22 µm/px, far below the model's assumed 0.5). */
export async function writeUnstated40x(dir: string, count: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `R2026-${String(i + 1).padStart(4, '0')}_F1.png`);
    const field = generateField({ widthPx: 768, heightPx: 576, style: 'research-40x-mono16' }, 4300 + i);
    writeFileSync(path, await encodeField(field, 'png-rgb8', { statesPixelSize: false }));
    paths.push(path);
  }
  return paths;
}
