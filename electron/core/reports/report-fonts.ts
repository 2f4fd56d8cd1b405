/**
 * Fonts embedded in report PDFs. The 14 standard PDF fonts only cover Latin-1, so patient and
 * signer names such as 'Łukasz Żółć' or 'Σοφία' need an embedded Unicode font: DejaVu Sans
 * (Bitstream Vera licence, shipped in resources/fonts). pdfkit embeds only the glyphs used.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DomainError } from '../errors';
import { projectRoot } from '../paths';

export interface ReportFonts {
  regular: string;
  bold: string;
}

/** `ANA_RESOURCES_DIR` lets the packaged app point at its extra resources folder. */
export function defaultReportFonts(): ReportFonts {
  const dir = resolve(process.env.ANA_RESOURCES_DIR ?? join(projectRoot(), 'resources'), 'fonts');
  const fonts = { regular: join(dir, 'DejaVuSans.ttf'), bold: join(dir, 'DejaVuSans-Bold.ttf') };
  for (const path of Object.values(fonts)) {
    if (!existsSync(path)) throw new DomainError('internal', `Report font ${path} is missing; reinstall the application`);
  }
  return fonts;
}
