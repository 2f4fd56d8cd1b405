import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { csvField } from '../../../../electron/core/csv';
import { CSV_COLUMNS, renderDayCsv } from '../../../../electron/core/reports/csv-day';
import { NASTY_COMMENT, NASTY_NAME, sampleReport, sampleSettings } from './fixtures';

const settings = sampleSettings();

describe('day CSV', () => {
  it('quotes commas, quotes and newlines so a CSV parser reads the exact values back', () => {
    const report = sampleReport({ patient: { id: 'MRN,1', name: NASTY_NAME, birthDate: null }, comment: NASTY_COMMENT });
    const csv = renderDayCsv([{ report, pdfSha256: 'ef'.repeat(32) }], settings);
    const rows = parse(csv, { columns: true, bom: false, relax_quotes: false, relax_column_count: false }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(3); // one row per pattern
    for (const row of rows) {
      expect(row.patient_name).toBe(NASTY_NAME);
      expect(row.patient_id).toBe('MRN,1');
      expect(row.comment).toBe(NASTY_COMMENT);
      expect(row.result_status).toBe('F');
      expect(row.signer_name).toBe('Dr. Zoë Ñúñez');
      expect(row.signed_at).toBe('2026-11-29T14:03:05+01:00');
      expect(row.model_version).toBe('1.2.0');
      expect(row.pdf_sha256).toBe('ef'.repeat(32));
    }
    expect(rows.map((r) => [r.icap_code, r.titer, r.intensity])).toEqual([
      ['AC-1', '1:640', ''],
      ['AC-4', '', 'moderate'],
      ['AC-21', '1:160', ''],
    ]);
    expect(rows[2]!.interpretation).toBe('Cytoplasmic staining (not counted as ANA)');
    // Record separators are CRLF; the CR/LF inside quoted values are data.
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('writes amendments as corrections and negatives as one AC-0 row', () => {
    const amended = sampleReport({ reportId: 'R-v2', version: 2, results: [], amends: { reportId: 'R-v1', reason: 'Was "positive", is negative' } });
    const rows = parse(renderDayCsv([{ report: amended, pdfSha256: null }], settings), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ result_status: 'C', amends_report_id: 'R-v1', amendment_reason: 'Was "positive", is negative', icap_code: 'AC-0', overall_result: 'ANA negative (AC-0)' });
  });

  it('quotes exactly when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('')).toBe('');
  });
});
