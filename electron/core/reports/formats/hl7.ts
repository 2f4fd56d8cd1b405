/** HL7 v2 ORU^R01 for the laboratory system (../hl7-oru.ts); it names the signed PDF by its sha256. */
import { createHash } from 'node:crypto';
import { DomainError } from '../../errors';
import { renderOruR01 } from '../hl7-oru';
import type { SignatureFormatRenderer } from './format';

export const hl7: SignatureFormatRenderer = {
  scope: 'signature',
  render(report, settings, { rendered }) {
    if (!rendered.pdf) throw new DomainError('internal', `report ${report.reportId}: the HL7 message needs the PDF rendered first (registry order)`);
    const pdfSha256 = createHash('sha256').update(rendered.pdf).digest('hex');
    return Buffer.from(renderOruR01(report, settings, { pdfSha256 }), 'utf8');
  },
};
