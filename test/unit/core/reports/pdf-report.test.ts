import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderReportPdf } from '../../../../electron/core/reports/pdf-report';
import { renderThumbnailRgb } from '../../../../electron/core/reports/thumbnail';
import { encodeRgbPng } from '../../../../electron/core/reports/png-encode';
import { createHash } from 'node:crypto';
import { NASTY_COMMENT, notReadableField, sampleReport, sampleSettings } from './fixtures';
import { pdfPagesText, squash } from '../../../support/reports/pdf-text';

const settings = sampleSettings();
const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ARTIFACT_DIR = join(process.cwd(), 'test-output', 'reports');

function syntheticThumbnail(): Uint8Array {
  const w = 320;
  const h = 240;
  const grey = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) grey[y * w + x] = Math.round((255 * (Math.sin(x / 7) * Math.cos(y / 9) + 1)) / 2);
  const patches: [number, number, number, number, 0 | 1][] = [];
  const scores: number[] = [];
  for (let y = 0; y < h; y += 80) for (let x = 0; x < w; x += 80) {
    patches.push([x, y, 80, 80, 0]);
    scores.push((x + y) / (w + h));
  }
  const t = renderThumbnailRgb(grey, w, h, { patches, scores });
  return encodeRgbPng(t.rgb, t.widthPx, t.heightPx);
}

describe('PDF report', () => {
  it('contains every required field as extractable text, and its first page renders', async () => {
    const report = sampleReport({
      patient: { id: 'MRN-0042', name: 'Żółć, Łukasz Σοφία', birthDate: '1971-05-14' },
      thumbnail: { png: syntheticThumbnail(), caption: 'Field slide-1.png; overlay: Homogeneous patch scores' },
    });
    const pdf = await renderReportPdf(report, settings);
    const text = (await pdfPagesText(pdf)).join('\n');
    const flat = squash(text);
    const required = [
      'Immunology Lab — St. Mary Hospital',
      '1 Hospital Road, 12345 Town',
      'Żółć, Łukasz Σοφία',
      'MRN-0042',
      '1971-05-14',
      'ANA-2026-0042',
      '1:80',
      '2026-11-29 08:30 (Europe/Berlin)', // received
      '2026-11-29 09:15 (Europe/Berlin)', // read
      '2026-11-29 14:03 (Europe/Berlin)', // signed
      'ANA positive',
      'Homogeneous', 'AC-1', 'titer 1:640',
      'Speckled', 'AC-4', 'intensity moderate',
      'Mitochondrial (AMA)', 'AC-21', 'Cytoplasmic staining (not counted as ANA)',
      'ana-default, version 1.2.0', '0.93',
      'Mixed pattern; AMA confirmed on a second field.',
      'Dr. Zoë Ñúñez', 'approved',
      'ANA-2026-0042-v1',
      'a3'.repeat(32),
      'Field slide-1.png',
      'page 1 of 1',
    ];
    for (const field of required) expect(flat, `missing '${field}'`).toContain(squash(field));
    expect(flat).not.toContain('AMENDED');

    mkdirSync(ARTIFACT_DIR, { recursive: true });
    const pdfPath = join(ARTIFACT_DIR, 'report-sample.pdf');
    writeFileSync(pdfPath, pdf);
    try {
      execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', pdfPath, join(ARTIFACT_DIR, 'report-sample-page1')]);
    } catch (error) {
      throw new Error(`Rendering the first page with pdftoppm failed (install Debian's poppler-utils): ${(error as Error).message}`);
    }
    expect(statSync(join(ARTIFACT_DIR, 'report-sample-page1.png')).size).toBeGreaterThan(10_000);
  });

  it('renders identical bytes for the same record (times come from the record)', async () => {
    const a = await renderReportPdf(sampleReport({ thumbnail: { png: syntheticThumbnail(), caption: 'x' } }), settings);
    await new Promise((r) => setTimeout(r, 1100)); // a clock-stamped PDF would differ after a second
    const b = await renderReportPdf(sampleReport({ thumbnail: { png: syntheticThumbnail(), caption: 'x' } }), settings);
    expect(sha256Hex(b)).toBe(sha256Hex(a));
    const c = await renderReportPdf(sampleReport({ comment: 'Changed.' }), settings);
    expect(sha256Hex(c)).not.toBe(sha256Hex(a));
  });

  it('shows the amended banner naming the replaced report, and flows long content onto further pages', async () => {
    const long = Array.from({ length: 120 }, (_, i) => `Paragraph ${i + 1}: ${NASTY_COMMENT}`).join('\n');
    const report = sampleReport({ reportId: 'ANA-2026-0042-v2', version: 2, amends: { reportId: 'ANA-2026-0042-v1', reason: 'Titer corrected' }, comment: long });
    const pdf = await renderReportPdf(report, settings);
    const pages = await pdfPagesText(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(squash(pages[0]!)).toContain(squash('AMENDED REPORT — replaces report ANA-2026-0042-v1. Reason: Titer corrected'));
    const all = squash(pages.join('\n'));
    expect(all).toContain(squash('Paragraph 1:'));
    expect(all).toContain(squash('Paragraph 120:'));
    // The signature block comes after all the comment text, on the last page.
    expect(squash(pages.at(-1)!)).toContain(squash('Dr. Zoë Ñúñez'));
    pages.forEach((p, i) => expect(squash(p)).toContain(squash(`page ${i + 1} of ${pages.length}`)));
  });

  it('words a negative result and a cytoplasmic-only result as the lab configured', async () => {
    const neg = squash((await pdfPagesText(await renderReportPdf(sampleReport({ results: [], suggestion: null }), settings))).join(''));
    expect(neg).toContain(squash('ANA negative (AC-0)'));
    expect(neg).toContain('AC-0');
    expect(neg).toContain(squash('No model reading was stored for this case.'));
    const counted = sampleSettings();
    counted.wording.cytoplasmicCountsAsPositive = true;
    const amaOnly = sampleReport({ results: [sampleReport().results[2]!] });
    const notCounted = squash((await pdfPagesText(await renderReportPdf(amaOnly, settings))).join(''));
    expect(notCounted).toContain(squash(settings.wording.nonNuclearOnly));
    const countedText = squash((await pdfPagesText(await renderReportPdf(amaOnly, counted))).join(''));
    expect(countedText).toContain(squash('ANA positive'));
    expect(countedText).not.toContain(squash('not counted as ANA'));
  });

  it('states each field\'s verdict: a not-readable field says why in words and lists no patterns', async () => {
    const report = sampleReport({ fields: [sampleReport().fields[0]!, notReadableField()] });
    const text = (await pdfPagesText(await renderReportPdf(report, settings))).join('\n');
    const flat = squash(text);
    expect(flat).toContain(
      squash('ANA-2026-0042_F1.png: readable (54 cells, 2 candidate mitoses); screening positive (0.97); model patterns: Homogeneous, Mitochondrial (AMA)'),
    );
    expect(flat).toContain(squash('ANA-2026-0042_F2.png: not readable: out of focus (31 cells, 0 candidate mitoses); model patterns: none (field not readable)'));
    // The reading of the refused field stored 'centromere'; the report must not list it anywhere.
    expect(flat).not.toContain('Centromere');
    expect(flat).not.toContain(squash('confirmed this explicitly'));
  });

  it('says so when a negative was signed on not-readable fields only, with the signer\'s confirmation', async () => {
    const report = sampleReport({ results: [], fields: [notReadableField()], confirmedNotReadable: true });
    const flat = squash((await pdfPagesText(await renderReportPdf(report, settings))).join(''));
    expect(flat).toContain(squash('Signed negative although no field was readable; the signer confirmed this explicitly.'));
    expect(flat).toContain(squash('not readable: out of focus'));
  });

  it('says beside a field that its pixel size was assumed, and nothing when it was stated', async () => {
    const stated = sampleReport().fields[0]!;
    // The font draws the micro sign with the Greek mu's glyph, so the text comes back as U+03BC.
    const assumed = squash((await pdfPagesText(await renderReportPdf(sampleReport({ fields: [{ ...stated, assumedPixelSizeUm: 0.5 }] }), settings))).join('')).replaceAll('\u03bc', '\u00b5');
    expect(assumed).toContain(squash('ANA-2026-0042_F1.png: readable (54 cells, 2 candidate mitoses); pixel size assumed (0.500 µm/px); screening positive (0.97)'));
    expect(squash((await pdfPagesText(await renderReportPdf(sampleReport(), settings))).join(''))).not.toContain(squash('pixel size'));
  });

  it('marks a field unfamiliar to the model for review with care', async () => {
    const familiar = sampleReport().fields[0]!;
    const report = sampleReport({ fields: [{ ...familiar, familiarity: { unfamiliar: true, distance: 1.8 } }] });
    const flat = squash((await pdfPagesText(await renderReportPdf(report, settings))).join(''));
    expect(flat).toContain(squash('unfamiliar to the model: review with care'));
  });
});
