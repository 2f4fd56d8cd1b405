/** PDF: the signed report for print and the patient file (laid out by ../pdf-report.ts). */
import { renderReportPdf } from '../pdf-report';
import type { SignatureFormatRenderer } from './format';

export const pdf: SignatureFormatRenderer = {
  scope: 'signature',
  render: (report, settings, { fonts }) => renderReportPdf(report, settings, fonts),
};
