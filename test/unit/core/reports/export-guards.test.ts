/** What the outbox, the day CSV and the HL7 message do with data that would break them. */
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { encodeFileStem, MAX_STEM_CHARS, writeFileAtomic } from '../../../../electron/core/reports/outbox';
import { reportFileStem } from '../../../../electron/core/reports/report-record';
import { guardFormulaCell, renderDayCsv } from '../../../../electron/core/reports/csv-day';
import { HL7_MAX_FIELD_CHARS, renderOruR01 } from '../../../../electron/core/reports/hl7-oru';
import { sampleReport, sampleSettings } from './fixtures';
import { validateOru } from '../../../support/reports/hl7-validator';

describe('outbox file names', () => {
  it('are collision-free and reversible: X|1 and X^1 get different files', () => {
    expect(reportFileStem('X|1', 1)).not.toBe(reportFileStem('X^1', 1));
    expect(reportFileStem('X|1', 1)).toBe('X%7C1-v1');
    expect(reportFileStem('ANA-2026_0042', 3)).toBe('ANA-2026_0042-v3');
    for (const text of ['X|1', 'X^1', 'X_1', 'a/b.c', '.hidden', '../../etc/x', 'Żółć 山田', '100%', 'A~B']) {
      const stem = encodeFileStem(text);
      expect(decodeURIComponent(stem)).toBe(text);
      expect(stem).toMatch(/^[A-Za-z0-9_%-]+$/);
    }
  });

  it('are never hidden, never a path, never over-long', () => {
    for (const text of ['.hidden', '..', '../../etc/x', '/abs', 'a\\b', 'CON', 'x\r\ny']) {
      const name = `${reportFileStem(text, 1)}.hl7`;
      expect(name.startsWith('.')).toBe(false);
      expect(name).not.toMatch(/[\\/]/);
      expect(name).not.toContain('..');
    }
    const long = `L${'0'.repeat(299)}`;
    const longer = `L${'0'.repeat(298)}1`;
    expect(encodeFileStem(long).length).toBeLessThanOrEqual(MAX_STEM_CHARS);
    expect(encodeFileStem(long)).toMatch(/~[0-9a-f]{16}$/);
    expect(encodeFileStem(long)).not.toBe(encodeFileStem(longer));
    // A cut never ends inside a %XX escape.
    expect(encodeFileStem('|'.repeat(200))).toMatch(/^(%7C)+~[0-9a-f]{16}$/);
  });

  it('the outbox writer refuses hidden, path and over-long names with one clear line', () => {
    for (const name of ['.hidden-v1.hl7', '../x.hl7', `${'a'.repeat(300)}.hl7`]) {
      expect(() => writeFileAtomic('/nonexistent-outbox', name, new Uint8Array(1))).toThrow(/^Invalid outbox file name "[^\n]*" \(a hidden name, a path or over 200 characters\)$/);
    }
  });
});

describe('CSV formula injection (OWASP)', () => {
  it('prefixes cells starting with = + - @ tab or CR with a quote, and quotes them', () => {
    expect(guardFormulaCell('=HYPERLINK("http://x","click")')).toBe(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(guardFormulaCell('+1')).toBe(`"'+1"`);
    expect(guardFormulaCell('-2+3')).toBe(`"'-2+3"`);
    expect(guardFormulaCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(guardFormulaCell('\t=1')).toBe(`"'\t=1"`);
    expect(guardFormulaCell('\r=1')).toBe(`"'\r=1"`);
    expect(guardFormulaCell('1:640')).toBe('1:640');
    expect(guardFormulaCell('a=b')).toBe('a=b');
  });

  it('the day CSV defuses a comment, a name and a patient id that start a formula', () => {
    const report = sampleReport({ patient: { id: '@cmd', name: '=cmd|\' /C calc\'!A0', birthDate: null }, comment: '+SUM(1,2)' });
    const rows = parse(renderDayCsv([{ report, pdfSha256: null }], sampleSettings()), { columns: true }) as Record<string, string>[];
    for (const row of rows) {
      expect(row.patient_id).toBe("'@cmd");
      expect(row.patient_name).toBe("'=cmd|' /C calc'!A0");
      expect(row.comment).toBe("'+SUM(1,2)");
      for (const value of Object.values(row)) expect(value).not.toMatch(/^[=+\-@\t\r]/);
    }
  });
});

describe('HL7 v2.5.1 field lengths', () => {
  it('refuses a message whose MSH-10 (report id) would exceed 199 characters, naming the report and the field', () => {
    const accessionId = `A${'9'.repeat(20_000)}\r`;
    const report = sampleReport({ accessionId, reportId: `${accessionId}-v1` });
    expect(() => renderOruR01(report, sampleSettings())).toThrow(/^Report "A9{39}…": HL7 MSH-10 would be 20009 characters after escaping; HL7 v2.5.1 allows 199$/);
  });

  it('counts after escaping: 78 pipes in a patient id fill PID-3 to 246 characters, 80 pipes to 252 (over 250)', () => {
    const ok = renderOruR01(sampleReport({ patient: { id: '|'.repeat(78), name: null, birthDate: null } }), sampleSettings());
    expect(validateOru(ok)).toEqual([]);
    expect(() => renderOruR01(sampleReport({ patient: { id: '|'.repeat(80), name: null, birthDate: null } }), sampleSettings())).toThrow(/HL7 PID-3 would be 252 characters after escaping; HL7 v2.5.1 allows 250/);
  });

  it('every field the message fills stays within its limit', () => {
    const msg = renderOruR01(sampleReport(), sampleSettings());
    for (const seg of msg.split('\r').filter(Boolean)) {
      const parts = seg.split('|');
      parts.forEach((value, i) => {
        const max = HL7_MAX_FIELD_CHARS[`${parts[0]}-${parts[0] === 'MSH' ? i + 1 : i}`];
        if (max !== undefined) expect(value.length).toBeLessThanOrEqual(max);
      });
    }
  });
});
