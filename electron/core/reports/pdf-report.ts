/**
 * The signed case report as PDF (pdfkit: maintained, pure JavaScript, no browser or native
 * binary, embeds TrueType subsets with ToUnicode maps so the text stays extractable).
 *
 * Determinism: pdfkit stamps CreationDate with the clock and derives the file /ID from the info
 * dictionary; both are fixed here from the signature time, so re-rendering the same record gives
 * identical bytes. Content flows onto further pages; the footer (report id, page i of n) is
 * written last over the buffered pages.
 */
import { findLabel } from '../../contract/labels';
import { NEGATIVE_ICAP_CODE, type SignedCaseReport } from './report-model';
import { overallWording, patternWording, strengthText, type ReportSettings } from './report-settings';
import { defaultReportFonts, type ReportFonts } from './report-fonts';
import { columnsByShare, contentWidth, ensureSpace, GREY, openPdfDocument, PAGE_MARGIN, rule, sectionTitle, table, writeFooters, type Column, type Doc } from './pdf-document';
import { displayDateTime } from './report-time';
import { CONFIRMED_NOT_READABLE_WORDS, fieldSummary } from './field-verdicts';

export async function renderReportPdf(report: SignedCaseReport, settings: ReportSettings, fonts: ReportFonts = defaultReportFonts()): Promise<Uint8Array> {
  const signedAt = new Date(report.signature.signedAtMs);
  const { doc, finish } = openPdfDocument(
    {
      title: `ANA report ${report.reportId}`,
      author: settings.lab.name,
      subject: `ANA HEp-2 IIF report, accession ${report.accessionId}`,
      createdAt: signedAt,
    },
    fonts,
  );

  const tz = settings.timeZone;
  header(doc, report, settings);
  if (report.amends) amendedBanner(doc, report.amends);
  identification(doc, report, tz);
  results(doc, report, settings);
  if (report.confirmedNotReadable) confirmedNotReadable(doc);
  suggestion(doc, report);
  if (report.comment) comments(doc, report.comment);
  signatureBlock(doc, report, tz);
  footers(doc, report);

  return finish();
}

function header(doc: Doc, report: SignedCaseReport, settings: ReportSettings): void {
  const x = PAGE_MARGIN.left;
  doc.font('bold').fontSize(15).fillColor('black').text(settings.lab.name, x, PAGE_MARGIN.top, { width: contentWidth(doc) });
  doc.font('regular').fontSize(8.5).fillColor(GREY);
  for (const line of settings.lab.headerLines) doc.text(line, { width: contentWidth(doc) });
  doc.moveDown(0.4);
  rule(doc);
  doc.font('bold').fontSize(12).fillColor('black').text('Antinuclear antibodies (ANA), indirect immunofluorescence on HEp-2 cells', { width: contentWidth(doc) });
  doc.font('regular').fontSize(8.5).fillColor(GREY).text(`Report ${report.reportId}  ·  version ${report.version}`, { width: contentWidth(doc) });
  doc.fillColor('black');
}

function amendedBanner(doc: Doc, amends: NonNullable<SignedCaseReport['amends']>): void {
  const text = `AMENDED REPORT — replaces report ${amends.reportId}${amends.reason ? `. Reason: ${amends.reason}` : ''}`;
  doc.font('bold').fontSize(10);
  const w = contentWidth(doc) - 16;
  const h = doc.heightOfString(text, { width: w }) + 12;
  ensureSpace(doc, h + 8);
  const y = doc.y + 6;
  doc.rect(PAGE_MARGIN.left, y, contentWidth(doc), h).fillAndStroke('#fde8e8', '#c0392b');
  doc.fillColor('#a11d1d').text(text, PAGE_MARGIN.left + 8, y + 6, { width: w });
  doc.fillColor('black');
  doc.y = y + h + 4;
}

function identification(doc: Doc, report: SignedCaseReport, tz: string): void {
  sectionTitle(doc, 'Patient and specimen');
  const p = report.patient;
  const rows: [string, string][] = [
    ['Patient', p.name ?? '—'],
    ['Patient ID', p.id ?? '—'],
    ['Date of birth', p.birthDate ?? '—'],
    ['Accession', report.accessionId],
    ['Screening dilution', report.screeningDilution ?? '—'],
    ['Received', displayDateTime(report.receivedAtMs, tz)],
    ['Read by model', report.readAtMs === null ? '—' : displayDateTime(report.readAtMs, tz)],
    ['Signed', displayDateTime(report.signature.signedAtMs, tz)],
  ];
  const top = doc.y;
  const thumbW = report.thumbnail ? 190 : 0;
  const textW = contentWidth(doc) - (thumbW ? thumbW + 14 : 0);
  const labelW = 105;
  doc.fontSize(9.5);
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.font('regular').fillColor(GREY).text(label, PAGE_MARGIN.left, y, { width: labelW });
    doc.font(label === 'Patient' || label === 'Accession' ? 'bold' : 'regular').fillColor('black');
    doc.text(value, PAGE_MARGIN.left + labelW, y, { width: textW - labelW });
    doc.y = Math.max(doc.y, y + 13);
  }
  // The fields are the specimen: each one's verdict before any pattern, beside the picture.
  report.fields.forEach((field, i) => {
    const y = doc.y;
    doc.font('regular').fontSize(9.5).fillColor(GREY).text(i === 0 ? 'Fields' : '', PAGE_MARGIN.left, y, { width: labelW });
    doc.fontSize(8).fillColor('black').text(fieldSummary(field, true), PAGE_MARGIN.left + labelW, y, { width: textW - labelW });
    doc.y = Math.max(doc.y + 2, y + 13);
  });
  doc.fontSize(9.5);
  let bottom = doc.y;
  if (report.thumbnail) {
    const x = doc.page.width - PAGE_MARGIN.right - thumbW;
    doc.image(Buffer.from(report.thumbnail.png), x, top, { fit: [thumbW, 150], align: 'center' });
    doc.font('regular').fontSize(7.5).fillColor(GREY).text(report.thumbnail.caption, x, top + 153, { width: thumbW });
    doc.fillColor('black');
    bottom = Math.max(bottom, doc.y);
  }
  doc.x = PAGE_MARGIN.left;
  doc.y = bottom;
}

/** The result and the suggestion tables share their column widths, so that they line up on the page. */
const PATTERN_TABLE_SHARES = [0.3, 0.16, 0.2, 0.34];

function patternTableColumns(doc: Doc, titles: readonly [string, string, string, string]): Column[] {
  return columnsByShare(doc, titles.map((title, i) => ({ title, share: PATTERN_TABLE_SHARES[i]! })));
}

function results(doc: Doc, report: SignedCaseReport, settings: ReportSettings): void {
  sectionTitle(doc, 'Result');
  doc.font('bold').fontSize(11).fillColor('black').text(overallWording(report.results, settings), { width: contentWidth(doc) });
  doc.moveDown(0.4);
  const columns = patternTableColumns(doc, ['Pattern', 'ICAP code', 'Intensity / titer', 'Interpretation']);
  const rows =
    report.results.length === 0
      ? [['Negative', NEGATIVE_ICAP_CODE, '—', settings.wording.negative]]
      : report.results.map((r) => [r.displayName, r.icapCode, strengthText(r) || '—', patternWording(r, settings)]);
  table(doc, columns, rows, true);
}

/** The signer's explicit confirmation of a negative on not-readable fields, under the result it qualifies. */
function confirmedNotReadable(doc: Doc): void {
  doc.moveDown(0.4);
  doc.font('bold').fontSize(9.5).fillColor('#a11d1d').text(CONFIRMED_NOT_READABLE_WORDS, PAGE_MARGIN.left, doc.y, { width: contentWidth(doc) });
  doc.fillColor('black');
}

function suggestion(doc: Doc, report: SignedCaseReport): void {
  sectionTitle(doc, 'Model suggestion (an aid; the signed result above is final)');
  const s = report.suggestion;
  doc.font('regular').fontSize(9.5).fillColor('black');
  if (!s) {
    doc.text('No model reading was stored for this case.', { width: contentWidth(doc) });
    return;
  }
  doc.text(`Model ${s.modelId}, version ${s.modelVersion}`, { width: contentWidth(doc) });
  const suggested = s.predicted.map((k) => findLabel(k)?.displayName ?? k);
  const final = report.results.map((r) => r.displayName);
  doc.text(`Suggested: ${suggested.length ? suggested.join(', ') : `Negative (${NEGATIVE_ICAP_CODE})`}   ·   Final: ${final.length ? final.join(', ') : `Negative (${NEGATIVE_ICAP_CODE})`}`, {
    width: contentWidth(doc),
  });
  doc.moveDown(0.3);
  const columns = patternTableColumns(doc, ['Pattern', 'ICAP', 'Model probability', 'Suggested / final']);
  const finalKeys = new Set(report.results.map((r) => r.labelKey));
  const rows = s.probabilities.map((p) => {
    const label = findLabel(p.labelKey);
    return [
      label?.displayName ?? p.labelKey,
      label?.icapCodes.join(', ') ?? '',
      p.probability.toFixed(2),
      `${s.predicted.includes(p.labelKey) ? 'suggested' : '—'} / ${finalKeys.has(p.labelKey) ? 'final' : '—'}`,
    ];
  });
  table(doc, columns, rows);
}

function comments(doc: Doc, comment: string): void {
  sectionTitle(doc, 'Comments');
  // pdfkit breaks long text across pages by itself.
  doc.font('regular').fontSize(9.5).fillColor('black').text(comment, PAGE_MARGIN.left, doc.y, { width: contentWidth(doc) });
}

function signatureBlock(doc: Doc, report: SignedCaseReport, tz: string): void {
  const sig = report.signature;
  const lines: [string, string][] = [
    ['Signed by', sig.signerName],
    ['Meaning', sig.meaning],
    ['Date and time', displayDateTime(sig.signedAtMs, tz)],
    ['Report id', report.reportId],
    ['Signed content sha256', sig.contentSha256],
  ];
  sectionTitle(doc, 'Electronic signature');
  ensureSpace(doc, lines.length * 14 + 10);
  doc.fontSize(9.5);
  for (const [label, value] of lines) {
    const y = doc.y;
    doc.font('regular').fillColor(GREY).text(label, PAGE_MARGIN.left, y, { width: 125 });
    doc.font(label === 'Signed by' ? 'bold' : 'regular').fontSize(label.endsWith('sha256') ? 8 : 9.5).fillColor('black');
    doc.text(value, PAGE_MARGIN.left + 125, y, { width: contentWidth(doc) - 125 });
    doc.fontSize(9.5);
    doc.y = Math.max(doc.y, y + 13);
  }
  doc.moveDown(0.5);
  doc.font('regular').fontSize(7.5).fillColor(GREY).text(
    'This report was signed electronically; the signature is bound to the record content by the hash above. The model suggestion is an aid confirmed by the signer.',
    PAGE_MARGIN.left,
    doc.y,
    { width: contentWidth(doc) },
  );
  doc.fillColor('black');
}

function footers(doc: Doc, report: SignedCaseReport): void {
  writeFooters(doc, (i, count) => `${report.amends ? 'AMENDED · ' : ''}Report ${report.reportId} · accession ${report.accessionId} · page ${i + 1} of ${count}`);
}
