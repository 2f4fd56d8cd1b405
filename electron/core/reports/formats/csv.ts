/** CSV: a day's signed results as one table (../csv-day.ts), each row naming its signed PDF by sha256. */
import { renderDayCsv } from '../csv-day';
import type { DayFormatRenderer } from './format';

export const csv: DayFormatRenderer = {
  scope: 'day',
  render: (entries, settings) => Buffer.from(renderDayCsv(entries.map((e) => ({ report: e.report, pdfSha256: e.stored.pdf.sha256 })), settings), 'utf8'),
};
