/**
 * The PDF machinery the workstation's printed documents share (the signed case report, the day's
 * QC sheet): an A4 pdfkit document with the report fonts, a fixed creation date (so the same record
 * renders to the same bytes), section titles, rules, tables that continue on the next page with
 * their header, and a footer line on every page.
 */
import PDFDocument from 'pdfkit';
import { defaultReportFonts, openReportFont, type ReportFonts } from './report-fonts';

export type Doc = PDFKit.PDFDocument;

export const PAGE_MARGIN = { top: 48, bottom: 60, left: 50, right: 50 };
export const GREY = '#555555';
const RULE = '#bbbbbb';

export interface PdfInfo {
  title: string;
  author: string;
  subject: string;
  /** Stamped as CreationDate and ModDate (pdfkit would use the clock, and derive the file /ID from it). */
  createdAt: Date;
}

/** A new document with fonts 'regular' and 'bold'; `finish()` ends it and resolves to its bytes. */
export function openPdfDocument(info: PdfInfo, fonts: ReportFonts = defaultReportFonts()): { doc: Doc; finish: () => Promise<Uint8Array> } {
  const doc = new PDFDocument({
    size: 'A4',
    margins: PAGE_MARGIN,
    bufferPages: true,
    compress: true,
    lang: 'en',
    displayTitle: true,
    // pdfkit accepts a parsed fontkit font where it accepts a path; its types only know paths.
    font: openReportFont(fonts.regular) as unknown as string,
    info: {
      Title: info.title,
      Author: info.author,
      Subject: info.subject,
      Creator: 'ANA Workstation',
      Producer: 'ANA Workstation (pdfkit)',
      CreationDate: info.createdAt,
      ModDate: info.createdAt,
    },
  });
  doc.registerFont('regular', openReportFont(fonts.regular) as unknown as string);
  doc.registerFont('bold', openReportFont(fonts.bold) as unknown as string);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolveDone, reject) => {
    doc.on('end', () => resolveDone());
    doc.on('error', reject);
  });
  return {
    doc,
    async finish() {
      doc.end();
      await done;
      return Buffer.concat(chunks);
    },
  };
}

export const contentWidth = (doc: Doc) => doc.page.width - PAGE_MARGIN.left - PAGE_MARGIN.right;
const bottomLimit = (doc: Doc) => doc.page.height - PAGE_MARGIN.bottom;

/** Starts a new page when `heightPt` would not fit above the bottom margin. */
export function ensureSpace(doc: Doc, heightPt: number): void {
  if (doc.y + heightPt > bottomLimit(doc)) doc.addPage();
}

export function rule(doc: Doc): void {
  const y = doc.y + 2;
  doc.moveTo(PAGE_MARGIN.left, y).lineTo(doc.page.width - PAGE_MARGIN.right, y).lineWidth(0.5).strokeColor(RULE).stroke();
  doc.y = y + 6;
}

export function sectionTitle(doc: Doc, title: string): void {
  ensureSpace(doc, 40);
  doc.moveDown(0.6);
  doc.font('bold').fontSize(11).fillColor('black').text(title, PAGE_MARGIN.left, doc.y, { width: contentWidth(doc) });
  rule(doc);
}

export interface Column {
  title: string;
  width: number;
}

/** Columns given as shares of the content width, as every table in our PDFs sizes them. */
export function columnsByShare(doc: Doc, columns: ReadonlyArray<{ title: string; share: number }>): Column[] {
  const w = contentWidth(doc);
  return columns.map((c) => ({ title: c.title, width: w * c.share }));
}

export function table(doc: Doc, columns: Column[], rows: string[][], boldFirst = false): void {
  const x0 = PAGE_MARGIN.left;
  const pad = 3;
  const drawHeader = () => {
    doc.font('bold').fontSize(8.5).fillColor(GREY);
    let x = x0;
    const y = doc.y;
    for (const c of columns) {
      doc.text(c.title, x + pad, y, { width: c.width - 2 * pad });
      x += c.width;
    }
    doc.y = y + 13;
    doc.moveTo(x0, doc.y).lineTo(x0 + columns.reduce((s, c) => s + c.width, 0), doc.y).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.y += 3;
  };
  ensureSpace(doc, 40);
  drawHeader();
  for (const row of rows) {
    doc.fontSize(9.5);
    const heights = row.map((cell, i) => doc.font(i === 0 && boldFirst ? 'bold' : 'regular').heightOfString(cell || ' ', { width: columns[i]!.width - 2 * pad }));
    const h = Math.max(...heights) + 4;
    if (doc.y + h > bottomLimit(doc)) {
      doc.addPage();
      drawHeader();
    }
    const y = doc.y;
    let x = x0;
    row.forEach((cell, i) => {
      doc.font(i === 0 && boldFirst ? 'bold' : 'regular').fillColor('black').text(cell, x + pad, y, { width: columns[i]!.width - 2 * pad });
      x += columns[i]!.width;
    });
    doc.y = y + h;
  }
  doc.x = x0;
}

/** One centred footer line on every page, written last (e.g. "page i of n"). */
export function writeFooters(doc: Doc, textOfPage: (index: number, count: number) => string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would make pdfkit add a page; lift the margin while writing.
    const saved = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('regular').fontSize(7.5).fillColor(GREY).text(textOfPage(i, range.count), PAGE_MARGIN.left, doc.page.height - 40, { width: contentWidth(doc), align: 'center', lineBreak: false });
    doc.page.margins.bottom = saved;
  }
}
