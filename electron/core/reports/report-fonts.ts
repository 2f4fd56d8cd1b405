/// <reference path="./fontkit.d.ts" />
/**
 * Fonts embedded in report PDFs. The 14 standard PDF fonts only cover Latin-1, so patient and
 * signer names such as 'Łukasz Żółć' or 'Σοφία' need an embedded Unicode font: DejaVu Sans
 * (Bitstream Vera licence, shipped in resources/fonts). pdfkit embeds only the glyphs used.
 */
import { existsSync, readFileSync } from 'node:fs';
import { create as openFont, type Font } from 'fontkit';
import { join, resolve } from 'node:path';
import { DomainError } from '../errors';
import { projectRoot } from '../paths';

export interface ReportFonts {
  regular: string;
  bold: string;
}

/**
 * Looked up in `ANA_RESOURCES_DIR`, then the packaged app's resources folder (Electron sets
 * `process.resourcesPath`; builder copies resources/fonts there), then the source checkout.
 */
export function defaultReportFonts(): ReportFonts {
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  const candidates = [process.env.ANA_RESOURCES_DIR, packaged, join(projectRoot(), 'resources')].filter((d): d is string => !!d);
  for (const base of candidates) {
    const dir = resolve(base, 'fonts');
    const fonts = { regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf') };
    if (existsSync(fonts.regular) && existsSync(fonts.bold)) return fonts;
  }
  throw new DomainError('internal', `Report fonts DejaVuSans.ttf and DejaVuSans-Bold.ttf not found in ${candidates.map((c) => join(c, 'fonts')).join(', ')}; reinstall the application`);
}

const opened = new Map<string, Font>();

/**
 * The parsed font for a file, parsed once per process: parsing DejaVu's tables took ~0.3 s per
 * report, reusing the parsed font takes milliseconds and gives byte-identical PDFs (pdfkit
 * subsets per document either way).
 */
export function openReportFont(path: string): Font {
  let font = opened.get(path);
  if (!font) {
    font = openFont(readFileSync(path));
    opened.set(path, font);
  }
  return font;
}
