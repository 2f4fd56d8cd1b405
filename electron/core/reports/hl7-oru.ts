/**
 * HL7 v2.5.1 ORU^R01 for one signed report version:
 *   MSH, PID, OBR, NTE (comment, interpretation, model suggestion, signature, amendment),
 *   one OBX per pattern (CWE, ICAP code as the coded value; AC-0 when negative), each followed by
 *   an NTE with its intensity or titer.
 * An amendment is sent as a correction: OBR-25 and every OBX-11 are 'C' instead of 'F'.
 * Times come from the record (MSH-7 is the signature time), and MSH-10 is the report id, so the
 * same report always yields the same message and a resend is recognisable as a duplicate.
 * Text is UTF-8 (MSH-18 'UNICODE UTF-8'); delimiters inside data are escaped (\F\ \S\ \R\ \E\ \T\),
 * line breaks become \.br\ in formatted text (NTE-3) and \X0A\ elsewhere.
 */
import { findLabel } from '../../contract/labels';
import { DomainError } from '../errors';
import { NEGATIVE_ICAP_CODE, type SignedCaseReport } from './report-model';
import { countsAsPositive, overallWording, strengthText, type ReportSettings } from './report-settings';
import { hl7DateTime } from './report-time';

export const HL7_SEGMENT_SEPARATOR = '\r';

/**
 * Maximum field lengths of HL7 v2.5.1 (chapters 2, 3, 4 and 7) for the fields whose content comes
 * from the record, counted after escaping, as the receiver counts them. OBR-3 (the accession, the
 * lab's filler order number) uses the maximum of its EI data type (427, chapter 2A); the segment
 * table's older 22 is not enforced (see docs/accessions-and-exports.md). A message that would break one is refused, never truncated:
 * a cut identifier would point at another patient or order.
 */
export const HL7_MAX_FIELD_CHARS: Readonly<Record<string, number>> = {
  'MSH-3': 227,
  'MSH-4': 227,
  'MSH-5': 227,
  'MSH-6': 227,
  'MSH-10': 199,
  'PID-3': 250,
  'PID-5': 250,
  'OBR-3': 427,
  'OBR-4': 250,
  'OBR-32': 200,
  'OBX-3': 250,
  'OBX-5': 65536,
  'OBX-16': 250,
  'NTE-3': 65536,
};

/** Throws naming the report and the field when a field of `segment` is longer than v2.5.1 allows. */
function checkFieldLengths(segment: string, reportId: string): void {
  const parts = segment.split('|');
  const name = parts[0]!;
  parts.forEach((value, i) => {
    // In MSH the separator itself is MSH-1, so the i-th part after the name is MSH-(i+1).
    const field = `${name}-${name === 'MSH' ? i + 1 : i}`;
    const max = i > 0 ? HL7_MAX_FIELD_CHARS[field] : undefined;
    if (max !== undefined && value.length > max) {
      const shown = JSON.stringify(reportId.length > 40 ? `${reportId.slice(0, 40)}…` : reportId);
      throw new DomainError('bad-request', `Report ${shown}: HL7 ${field} would be ${value.length} characters after escaping; HL7 v2.5.1 allows ${max}`);
    }
  });
}
const ICAP_CODING_SYSTEM = '99ICAP';

/** Escapes data for one HL7 component or subcomponent. `formatted` is for FT fields. */
export function hl7Escape(text: string, formatted = false): string {
  let out = '';
  const normalised = text.replace(/\r\n?/g, '\n');
  for (const ch of normalised) {
    switch (ch) {
      case '\\':
        out += '\\E\\';
        break;
      case '|':
        out += '\\F\\';
        break;
      case '^':
        out += '\\S\\';
        break;
      case '&':
        out += '\\T\\';
        break;
      case '~':
        out += '\\R\\';
        break;
      case '\n':
        out += formatted ? '\\.br\\' : '\\X0A\\';
        break;
      default: {
        const code = ch.codePointAt(0)!;
        // Other control characters would corrupt the framing; hex-escape them.
        out += code < 0x20 || code === 0x7f ? `\\X${code.toString(16).toUpperCase().padStart(2, '0')}\\` : ch;
      }
    }
  }
  return out;
}

/** Components joined with '^' after escaping each; trailing empty components dropped. */
function comp(...parts: (string | null | undefined)[]): string {
  const escaped = parts.map((p) => (p ? hl7Escape(p) : ''));
  while (escaped.length && escaped[escaped.length - 1] === '') escaped.pop();
  return escaped.join('^');
}

function segment(name: string, fields: string[]): string {
  const f = [...fields];
  while (f.length && f[f.length - 1] === '') f.pop();
  return [name, ...f].join('|');
}

/** 'Family, Given' → Family^Given; anything else goes whole into the family name. */
export function splitPersonName(name: string): { family: string; given: string | null } {
  const m = /^([^,]+),\s*(.+)$/s.exec(name.trim());
  return m ? { family: m[1]!.trim(), given: m[2]!.trim() } : { family: name.trim(), given: null };
}

export interface Hl7Options {
  /** sha256 of the stored PDF, named in a note so the LIS can match message and document. */
  pdfSha256?: string | null;
}

export function renderOruR01(report: SignedCaseReport, settings: ReportSettings, options: Hl7Options = {}): string {
  const tz = settings.timeZone;
  const status = report.amends ? 'C' : 'F';
  const h = settings.hl7;
  const signedAt = hl7DateTime(report.signature.signedAtMs, tz);
  const segments: string[] = [];

  segments.push(
    // MSH-1 is the field separator itself, so MSH-2 is the first field written after 'MSH|'.
    'MSH|' +
      [
        '^~\\&',
        comp(h.sendingApplication),
        comp(settings.lab.facilityId),
        comp(h.receivingApplication),
        comp(h.receivingFacility),
        signedAt,
        '',
        'ORU^R01^ORU_R01',
        hl7Escape(report.reportId),
        'P',
        '2.5.1',
        '',
        '',
        'NE',
        'NE',
        '',
        'UNICODE UTF-8',
      ].join('|'),
  );

  const p = report.patient;
  const name = p.name ? splitPersonName(p.name) : null;
  const patientId = p.id ? comp(p.id, null, null, settings.lab.facilityId, 'MR') : comp(report.accessionId, null, null, settings.lab.facilityId, 'AN');
  segments.push(
    segment('PID', ['1', '', patientId, '', name ? comp(name.family, name.given) : '', '', p.birthDate ? p.birthDate.replaceAll('-', '') : '']),
  );

  const obr = new Array<string>(32).fill('');
  obr[0] = '1';
  obr[2] = comp(report.accessionId, settings.lab.facilityId);
  obr[3] = comp(h.observationCode, h.observationText, h.observationCodingSystem);
  obr[6] = hl7DateTime(report.receivedAtMs, tz);
  obr[13] = hl7DateTime(report.receivedAtMs, tz);
  obr[21] = signedAt;
  obr[24] = status;
  // OBR-32 (NDL): the signer, printed name in the CNN family-name subcomponent.
  obr[31] = `&${hl7Escape(report.signature.signerName)}`;
  segments.push(segment('OBR', obr));

  const notes: string[] = [];
  if (report.amends) notes.push(`Corrected report ${report.reportId}: replaces report ${report.amends.reportId}.${report.amends.reason ? ` Reason: ${report.amends.reason}` : ''}`);
  notes.push(`Interpretation: ${overallWording(report.results, settings)}`);
  if (report.comment) notes.push(`Comment: ${report.comment}`);
  if (report.suggestion) {
    const suggested = report.suggestion.predicted.map((k) => findLabel(k)?.displayName ?? k);
    notes.push(
      `Model suggestion (${report.suggestion.modelId} version ${report.suggestion.modelVersion}): ${suggested.length ? suggested.join(', ') : `Negative (${NEGATIVE_ICAP_CODE})`}; confirmed or corrected by the signer.`,
    );
  }
  notes.push(
    `Signed by ${report.signature.signerName} (${report.signature.meaning}) at ${signedAt}; signed content sha256 ${report.signature.contentSha256}` +
      (options.pdfSha256 ? `; report PDF ${report.reportId} sha256 ${options.pdfSha256}` : ''),
  );
  notes.forEach((text, i) => segments.push(segment('NTE', [String(i + 1), 'L', hl7Escape(text, true)])));

  const observationId = comp(h.observationCode, h.observationText, h.observationCodingSystem);
  const observed = report.readAtMs !== null ? hl7DateTime(report.readAtMs, tz) : signedAt;
  const observer = comp(null, report.signature.signerName);
  const obx = (setId: number, value: string, flag: string) => {
    const f = new Array<string>(16).fill('');
    f[0] = String(setId);
    f[1] = 'CWE';
    f[2] = observationId;
    f[3] = String(setId);
    f[4] = value;
    f[7] = flag;
    f[10] = status;
    f[13] = observed;
    f[15] = observer;
    return segment('OBX', f);
  };
  if (report.results.length === 0) {
    segments.push(obx(1, comp(NEGATIVE_ICAP_CODE, 'Negative', ICAP_CODING_SYSTEM), 'N'));
  } else {
    report.results.forEach((r, i) => {
      segments.push(obx(i + 1, comp(r.icapCode, r.displayName, ICAP_CODING_SYSTEM), countsAsPositive(r.group, settings) ? 'A' : ''));
      const strength = strengthText(r);
      if (strength) segments.push(segment('NTE', ['1', 'L', hl7Escape(strength.charAt(0).toUpperCase() + strength.slice(1), true)]));
    });
  }
  for (const seg of segments) checkFieldLengths(seg, report.reportId);
  return segments.join(HL7_SEGMENT_SEPARATOR) + HL7_SEGMENT_SEPARATOR;
}
