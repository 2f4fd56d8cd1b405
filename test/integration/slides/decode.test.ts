import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSlide, pixelSizeFromDensity, statedPixelSizeUm } from '../../../electron/core/slides/decode';
import { MicroscopeProfile } from '../../../electron/core/slides/microscope-profile';
import { cutPatches } from '../../../electron/core/slides/patches';
import { DomainError } from '../../../electron/core/errors';
import {
  blobField,
  describedTiff,
  pngHeaderOnly,
  ramp16,
  ramp8,
  writeBmp,
  writeFitcDapiTiff,
  writeGrey16Png,
  writeGrey16Tiff,
  writeGrey8,
  writeRgb16Tiff,
  writeRgb8,
} from '../../fixtures/slide-images';

const W = 67;
const H = 41;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ana-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function expectExact16(values: Float32Array, expected: Uint16Array): void {
  expect(values.length).toBe(expected.length);
  let mismatches = 0;
  for (let i = 0; i < expected.length; i++) if (Math.round(values[i]! * 65535) !== expected[i]) mismatches++;
  expect(mismatches).toBe(0);
}

async function expectError(path: string, code: string, pattern: RegExp): Promise<void> {
  const error = await decodeSlide(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  expect((error as DomainError).message).toContain(path);
  expect((error as DomainError).message).toMatch(pattern);
}

describe('decodeSlide: formats and dynamic range', () => {
  it('keeps all 16 bits of a grey PNG', async () => {
    const v = ramp16(W, H);
    const path = join(dir, 'g16.png');
    await writeGrey16Png(path, v, W, H);
    const slide = await decodeSlide(path);
    expect([slide.widthPx, slide.heightPx, slide.bitDepth, slide.format, slide.dapi]).toEqual([W, H, 16, 'png', null]);
    expectExact16(slide.fitc, v);
  });

  it('keeps all 16 bits of a grey TIFF and reads its pixel size from resolution tags', async () => {
    const v = ramp16(W, H);
    const path = join(dir, 'g16.tiff');
    await writeGrey16Tiff(path, v, W, H, 0.325);
    const slide = await decodeSlide(path);
    expect(slide.bitDepth).toBe(16);
    expectExact16(slide.fitc, v);
    expect(slide.pixelSizeUm).toBeCloseTo(0.325, 4);
    expect(slide.pixelSizeSource).toBe('file');
  });

  it('takes the green plane of a 16-bit RGB TIFF', async () => {
    const v = ramp16(W, H);
    const path = join(dir, 'rgb16.tiff');
    await writeRgb16Tiff(path, v, W, H);
    const slide = await decodeSlide(path);
    expect(slide.bitDepth).toBe(16);
    expectExact16(slide.fitc, v);
  });

  it('keeps the DAPI page of a two-page TIFF as a second channel; a profile can swap pages', async () => {
    const fitc = ramp16(W, H);
    const dapi = new Uint16Array(W * H).map((_, i) => (i * 31) % 60000);
    const path = join(dir, 'fitc-dapi.tiff');
    await writeFitcDapiTiff(path, fitc, dapi, W, H);
    const slide = await decodeSlide(path);
    expect(slide.pages).toBe(2);
    expectExact16(slide.fitc, fitc);
    expectExact16(slide.dapi!, dapi);
    const swapped = await decodeSlide(path, { profile: MicroscopeProfile.parse({ name: 'swap', pixelSizeUm: 0.5, fitcPage: 1, dapiPage: 0 }) });
    expectExact16(swapped.fitc, dapi);
    expectExact16(swapped.dapi!, fitc);
  });

  it('takes green of 8-bit RGB PNG and grey as is; BMP (8-bit palette and 24-bit) decodes exactly', async () => {
    const v = ramp8(W, H);
    const cases: [string, () => Promise<void>][] = [
      ['rgb.png', () => writeRgb8(join(dir, 'rgb.png'), v, W, H, 'png')],
      ['grey.png', () => writeGrey8(join(dir, 'grey.png'), v, W, H, 'png')],
      ['grey.tiff', () => writeGrey8(join(dir, 'grey.tiff'), v, W, H, 'tiff')],
      ['grey.bmp', () => writeBmp(join(dir, 'grey.bmp'), v, W, H, 1)],
      ['rgb.bmp', () => {
        const rgb = new Uint8Array(W * H * 3);
        for (let i = 0; i < W * H; i++) rgb.set([200, v[i]!, 3], i * 3);
        return writeBmp(join(dir, 'rgb.bmp'), rgb, W, H, 3);
      }],
    ];
    for (const [name, write] of cases) {
      await write();
      const slide = await decodeSlide(join(dir, name));
      expect([name, slide.widthPx, slide.heightPx, slide.bitDepth]).toEqual([name, W, H, 8]);
      let mismatches = 0;
      for (let i = 0; i < v.length; i++) if (Math.round(slide.fitc[i]! * 255) !== v[i]) mismatches++;
      expect([name, mismatches]).toEqual([name, 0]);
    }
  });

  it('reads JPEG green within compression error', async () => {
    const v = new Uint8Array(W * H).map((_, i) => 40 + ((i % W) * 2));
    const path = join(dir, 'rgb.jpg');
    await writeRgb8(path, v, W, H, 'jpeg');
    const slide = await decodeSlide(path);
    expect(slide.format).toBe('jpeg');
    let maxError = 0;
    for (let i = 0; i < v.length; i++) maxError = Math.max(maxError, Math.abs(slide.fitc[i]! * 255 - v[i]!));
    expect(maxError).toBeLessThan(12);
  });

  it('scales by the camera maximum of a microscope profile and falls back to its pixel size', async () => {
    const v = new Uint16Array(W * H).map((_, i) => i % 4096);
    const path = join(dir, 'twelve-bit.png');
    await writeGrey16Png(path, v, W, H);
    const profile = MicroscopeProfile.parse({ name: '12-bit camera', pixelSizeUm: 0.4, maxValue: 4095 });
    const slide = await decodeSlide(path, { profile });
    expect(slide.fitc[2047]).toBeCloseTo(2047 / 4095, 6);
    expect(slide.pixelSizeUm).toBe(0.4);
    expect(slide.pixelSizeSource).toBe('profile');
    expect((await decodeSlide(path)).pixelSizeUm).toBeNull();
  });

  it('preprocessing fingerprint from file to model input (RGB PNG → green → 128 µm grid → 64 px)', async () => {
    const path = join(dir, 'field.png');
    await writeRgb8(path, blobField(900, 600, 42), 900, 600, 'png');
    const slide = await decodeSlide(path);
    const out = cutPatches(slide.fitc, slide.widthPx, slide.heightPx, 0.5, { patchSizeUm: 128, inputPx: 64, mean: 0.1, std: 0.2, backgroundMax: 0 });
    let s = 0;
    let s2 = 0;
    for (const v of out.pixels) {
      s += v;
      s2 += v * v;
    }
    const mean = s / out.pixels.length;
    expect([out.rects.length, out.pixels.length]).toEqual([4 * 3, 4 * 3 * 64 * 64]);
    expect({ mean: mean.toFixed(4), std: Math.sqrt(s2 / out.pixels.length - mean * mean).toFixed(4) }).toEqual({ mean: '-0.1267', std: '0.4109' });
  });

  it('ignores 72-dpi style resolution tags as implausible', () => {
    expect(pixelSizeFromDensity(72)).toBeNull();
    expect(pixelSizeFromDensity(300)).toBeNull();
    expect(pixelSizeFromDensity(50_800)).toBeCloseTo(0.5, 6);
  });

  it('reads the scale ImageJ/Fiji and OME-TIFF write into the TIFF description, from the header alone too', async () => {
    const pixels = ramp8(W, H);
    const cases: [string, Parameters<typeof describedTiff>[3], number | null][] = [
      // ImageJ: XResolution in pixels per micron, ResolutionUnit none (sharp reads it as 159 dpi).
      ['imagej-micron', { description: 'ImageJ=1.54f\nunit=micron\n', pixelsPerUnit: 1 / 0.16, bigEndian: true }, 0.16],
      ['imagej-um', { description: 'ImageJ=1.53t\nimages=1\nunit=um\nloop=false\n', pixelsPerUnit: 1 / 0.323 }, 0.323],
      ['imagej-escaped', { description: 'ImageJ=1.52a\nunit=\\u00B5m\n', pixelsPerUnit: 2.5 }, 0.4],
      ['ome-default-unit', { description: '<OME><Image ID="Image:0"><Pixels ID="Pixels:0" PhysicalSizeX="0.65" PhysicalSizeY="0.65" SizeX="67"/></Image></OME>' }, 0.65],
      ['ome-nm', { description: '<OME><Image><Pixels PhysicalSizeXUnit="nm" PhysicalSizeX="160"></Pixels></Image></OME>', bigEndian: true }, 0.16],
      // Not a length, not a microscope scale, or nothing to go on: stated as none.
      ['imagej-pixel', { description: 'ImageJ=1.54f\nunit=pixel\n', pixelsPerUnit: 1 }, null],
      ['imagej-no-resolution', { description: 'ImageJ=1.54f\nunit=micron\n' }, null],
      ['imagej-implausible', { description: 'ImageJ=1.54f\nunit=micron\n', pixelsPerUnit: 1e-3 }, null],
      ['other-software', { description: 'Exported by CameraSoft 2.1' }, null],
    ];
    for (const [name, options, expected] of cases) {
      const path = join(dir, `${name}.tif`);
      await writeFile(path, describedTiff(pixels, W, H, options));
      const slide = await decodeSlide(path);
      expect([name, slide.pixelSizeUm, slide.pixelSizeSource]).toEqual([name, expected, expected === null ? null : 'file']);
      expect([name, await statedPixelSizeUm(path)]).toEqual([name, expected]);
      expect(slide.fitc[W + 3]).toBeCloseTo(pixels[W + 3]! / 255, 6);
    }
    // A truncated TIFF states none rather than failing the header read.
    await writeFile(join(dir, 'cut.tif'), describedTiff(pixels, W, H, cases[0]![1]).subarray(0, 20));
    expect(await statedPixelSizeUm(join(dir, 'cut.tif'))).toBeNull();
  });
});

describe('decodeSlide: bad input names the file and the reason', () => {
  it('missing, folder, empty', async () => {
    await expectError(join(dir, 'nope.png'), 'slide-unreadable', /not found/);
    await mkdir(join(dir, 'folder.png'), { recursive: true });
    await expectError(join(dir, 'folder.png'), 'slide-unreadable', /folder/);
    await writeFile(join(dir, 'empty.png'), new Uint8Array(0));
    await expectError(join(dir, 'empty.png'), 'slide-unreadable', /empty/);
  });

  it('not an image, and image formats that are not slide formats', async () => {
    await writeFile(join(dir, 'notes.png'), 'patient notes, not a picture\n');
    await expectError(join(dir, 'notes.png'), 'slide-unsupported', /not a supported image/);
    await writeGrey8(join(dir, 'anim.gif'), ramp8(W, H), W, H, 'gif');
    await expectError(join(dir, 'anim.gif'), 'slide-unsupported', /GIF is not a slide format/);
  });

  it('truncated PNG, JPEG, TIFF and BMP', async () => {
    const v = ramp8(W * 4, H * 4);
    await writeRgb8(join(dir, 'full.png'), v, W * 4, H * 4, 'png');
    await writeRgb8(join(dir, 'full.jpg'), v, W * 4, H * 4, 'jpeg');
    await writeGrey16Tiff(join(dir, 'full.tiff'), ramp16(W * 4, H * 4), W * 4, H * 4);
    await writeBmp(join(dir, 'full.bmp'), v, W * 4, H * 4, 1);
    for (const ext of ['png', 'jpg', 'tiff', 'bmp']) {
      const bytes = await readFile(join(dir, `full.${ext}`));
      const path = join(dir, `truncated.${ext}`);
      await writeFile(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      await expectError(path, 'slide-unreadable', /truncated|damaged/);
    }
  });

  it('absurdly large images are refused from the header, before decoding', async () => {
    const path = join(dir, 'huge.png');
    await writeFile(path, pngHeaderOnly(12_000, 9_000));
    await expectError(path, 'slide-too-large', /108 megapixels\) exceeds the 64 megapixel limit/);
  });

  it('unsupported BMP variants say what was found', async () => {
    const bmp = new Uint8Array(await readFile(join(dir, 'grey.bmp')));
    new DataView(bmp.buffer).setUint16(28, 4, true);
    const path = join(dir, 'four-bit.bmp');
    await writeFile(path, bmp);
    await expectError(path, 'slide-unsupported', /bit depth 4/);
  });
});
