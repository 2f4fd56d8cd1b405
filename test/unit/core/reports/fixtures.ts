/** Report view-models for tests: names and comments full of HL7/CSV delimiters and non-Latin text. */
import { patternResult, type SignedCaseReport } from '../../../../electron/core/reports/report-model';
import { resolveReportSettings, type ReportSettings } from '../../../../electron/core/reports/report-settings';

export const NASTY_NAME = "Żółć|O'Brien~&^\\, Łukasz \"Σοφία\"\nSecond line";
export const NASTY_COMMENT = 'Pipes | carets ^ tildes ~ backslash \\ ampersand &,\r\nand "quotes", commas; second line\nthird line';

export function sampleReport(overrides: Partial<SignedCaseReport> = {}): SignedCaseReport {
  return {
    reportId: 'ANA-2026-0042-v1',
    version: 1,
    caseId: 42,
    accessionId: 'ANA-2026-0042',
    patient: { id: 'MRN-0042', name: 'Muster, Erika', birthDate: '1971-05-14' },
    receivedAtMs: Date.UTC(2026, 10, 29, 7, 30, 0),
    readAtMs: Date.UTC(2026, 10, 29, 8, 15, 0),
    screeningDilution: '1:80',
    results: [
      patternResult('homogeneous', { titer: '1:640' }),
      patternResult('speckled', { icapCode: 'AC-4', intensity: 'moderate' }),
      patternResult('mitochondrial', { titer: '1:160' }),
    ],
    suggestion: {
      modelId: 'ana-default',
      modelVersion: '1.2.0',
      probabilities: [
        { labelKey: 'homogeneous', probability: 0.93 },
        { labelKey: 'speckled', probability: 0.41 },
        { labelKey: 'mitochondrial', probability: 0.62 },
        { labelKey: 'golgi', probability: 0.03 },
      ],
      predicted: ['homogeneous', 'mitochondrial'],
    },
    comment: 'Mixed pattern; AMA confirmed on a second field.',
    signature: {
      signerName: 'Dr. Zoë Ñúñez',
      meaning: 'approved',
      signedAtMs: Date.UTC(2026, 10, 29, 13, 3, 5),
      contentSha256: 'a3'.repeat(32),
    },
    amends: null,
    thumbnail: null,
    fields: [
      {
        fileName: 'ANA-2026-0042_F1.png',
        quality: { verdict: 'readable', reason: null, cells: 54, mitoses: 2, focus: 0.31, saturatedFraction: 0.001, signalToBackground: 3.4 },
        screening: { call: 'positive', positiveProbability: 0.97, profile: 'lab-scope-1' },
        familiarity: { unfamiliar: false, distance: 0.42 },
        assumedPixelSizeUm: null,
        suggested: ['homogeneous', 'mitochondrial'],
      },
    ],
    confirmedNotReadable: false,
    ...overrides,
  };
}

/** A field the gate refused, with the patterns a reading might still have stored: reports must not list them. */
export function notReadableField(fileName = 'ANA-2026-0042_F2.png'): SignedCaseReport['fields'][number] {
  return {
    fileName,
    quality: { verdict: 'not-readable', reason: 'out-of-focus', cells: 31, mitoses: 0, focus: 0.02, saturatedFraction: 0, signalToBackground: 1.9 },
    screening: null,
    familiarity: null,
    assumedPixelSizeUm: null,
    suggested: ['centromere'],
  };
}

export function sampleSettings(): ReportSettings {
  return resolveReportSettings({
    lab: { name: 'Immunology Lab — St. Mary Hospital', headerLines: ['1 Hospital Road, 12345 Town', 'Accredited ISO 15189 No. 4711'], facilityId: 'STMARY' },
    timeZone: 'Europe/Berlin',
  });
}
