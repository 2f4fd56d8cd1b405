/**
 * The day's QC sheet as PDF, from the same figures as the Today page and `ana qc` (dayQc), on the
 * report PDF machinery (reports/pdf-document.ts). Deterministic: the creation date is the end of
 * the day, so the same record prints the same bytes.
 */
import type { ConfusionTable, DayQc } from '../../contract';
import { columnsByShare, contentWidth, GREY, openPdfDocument, PAGE_MARGIN, rule, sectionTitle, table, writeFooters, type Doc } from '../reports/pdf-document';
import { dayRangeMs } from '../reports/report-time';
import { confusionRows, confusionColumns, dayLines, INTERVAL_NOTE, rateRow, RATE_COLUMNS } from './day-qc-text';

export async function renderDayQcPdf(qc: DayQc, labName: string): Promise<Uint8Array> {
  const { doc, finish } = openPdfDocument({
    title: `ANA day QC ${qc.date}`,
    author: labName,
    subject: `ANA HEp-2 IIF: the day's figures and drift test, ${qc.date}`,
    createdAt: new Date(dayRangeMs(qc.date, qc.timeZone).endMs - 1000),
  });
  doc.font('bold').fontSize(15).fillColor('black').text(labName, PAGE_MARGIN.left, PAGE_MARGIN.top, { width: contentWidth(doc) });
  rule(doc);
  doc.font('bold').fontSize(12).text(`ANA HEp-2 IIF — the day's figures, ${qc.date} (${qc.timeZone})`, { width: contentWidth(doc) });

  drift(doc, qc);
  sectionTitle(doc, 'The day');
  doc.font('regular').fontSize(9.5).fillColor('black');
  for (const line of dayLines(qc)) doc.text(line, { width: contentWidth(doc) });

  sectionTitle(doc, `Positivity and pattern mix (cases) against the last ${qc.drift.baselineDays} days`);
  rates(doc, [rateRow('Positive (any pattern)', qc.positivity), ...qc.patterns.map((p) => rateRow(p.displayName, p))]);

  sectionTitle(doc, `Physicians' agreement with the suggestions (${qc.agreement.cases} cases signed on the day)`);
  confusion(doc, qc.agreement);

  writeFooters(doc, (i, count) => `Day QC ${qc.date} · page ${i + 1} of ${count}`);
  return finish();
}

function drift(doc: Doc, qc: DayQc): void {
  sectionTitle(doc, 'Drift alarm');
  const d = qc.drift;
  if (d.alarm) {
    doc.font('bold').fontSize(10.5).fillColor('#a11d1d').text('ALARM: the day differs from the lab’s last 30 days by more than chance', { width: contentWidth(doc) });
    doc.font('regular').fontSize(9.5);
    for (const line of d.alarms) doc.text(`• ${line}`, { width: contentWidth(doc) });
  } else {
    doc.font('bold').fontSize(10.5).fillColor('black').text(d.enoughHistory ? 'No drift alarm' : 'Drift not tested', { width: contentWidth(doc) });
    if (d.note) doc.font('regular').fontSize(9.5).text(d.note, { width: contentWidth(doc) });
  }
  doc.font('regular').fontSize(8).fillColor(GREY).text(
    `Test: ${d.test}; ${d.tests} tests at ${(100 * d.perTestAlpha).toFixed(3)} % each, so at most ${(100 * d.familyFalseAlarmRate).toFixed(0)} % of stable days raise an alarm.`,
    PAGE_MARGIN.left,
    doc.y + 2,
    { width: contentWidth(doc) },
  );
  doc.fillColor('black');
}

function rates(doc: Doc, rows: string[][]): void {
  table(doc, columnsByShare(doc, RATE_COLUMNS), rows, true);
}

function confusion(doc: Doc, t: ConfusionTable): void {
  if (t.cases === 0) {
    doc.font('regular').fontSize(9.5).text('No case was signed on the day.', { width: contentWidth(doc) });
    return;
  }
  doc.font('regular').fontSize(8).fillColor(GREY).text(INTERVAL_NOTE, { width: contentWidth(doc) });
  doc.fillColor('black');
  table(doc, columnsByShare(doc, confusionColumns()), confusionRows(t), true);
}
