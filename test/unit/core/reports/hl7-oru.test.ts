import { describe, expect, it } from 'vitest';
import { Message } from 'node-hl7-client';
import { hl7Escape, renderOruR01, splitPersonName } from '../../../../electron/core/reports/hl7-oru';
import { hl7Unescape, splitSegments, validateOru } from '../../../support/reports/hl7-validator';
import { NASTY_COMMENT, NASTY_NAME, notReadableField, sampleReport, sampleSettings } from './fixtures';

const settings = sampleSettings();

function segmentsNamed(message: string, name: string) {
  return splitSegments(message).filter((s) => s.name === name);
}

describe('ORU^R01 v2.5.1', () => {
  it('passes the strict validator with one OBX per pattern carrying the ICAP code', () => {
    const msg = renderOruR01(sampleReport(), settings, { pdfSha256: 'cd'.repeat(32) });
    expect(validateOru(msg)).toEqual([]);
    const obx = segmentsNamed(msg, 'OBX');
    expect(obx.map((s) => s.fields[5])).toEqual(['AC-1^Homogeneous^99ICAP', 'AC-4^Speckled^99ICAP', 'AC-21^Mitochondrial (AMA)^99ICAP']);
    expect(obx.map((s) => s.fields[11])).toEqual(['F', 'F', 'F']);
    // Cytoplasmic (AMA) does not count as ANA positive with the default wording: no abnormal flag.
    expect(obx.map((s) => s.fields[8] ?? '')).toEqual(['A', 'A', '']);
    const msh = splitSegments(msg)[0]!;
    expect(msh.fields[7]).toBe('20261129140305+0100'); // signature time in the lab's zone
    expect(msh.fields[10]).toBe('ANA-2026-0042-v1');
    expect(segmentsNamed(msg, 'OBR')[0]!.fields[25]).toBe('F');
    expect(msg).toContain('Titer 1:640');
    expect(msg).toContain('ana-default version 1.2.0');
  });

  it('sends a negative case as one AC-0 OBX', () => {
    const msg = renderOruR01(sampleReport({ results: [] }), settings);
    expect(validateOru(msg)).toEqual([]);
    const obx = segmentsNamed(msg, 'OBX');
    expect(obx).toHaveLength(1);
    expect(obx[0]!.fields[5]).toBe('AC-0^Negative^99ICAP');
    expect(obx[0]!.fields[8]).toBe('N');
  });

  it('sends an amendment as a correction (status C) naming the replaced report', () => {
    const msg = renderOruR01(sampleReport({ reportId: 'ANA-2026-0042-v2', version: 2, amends: { reportId: 'ANA-2026-0042-v1', reason: 'Titer | corrected' } }), settings);
    expect(validateOru(msg)).toEqual([]);
    expect(segmentsNamed(msg, 'OBR')[0]!.fields[25]).toBe('C');
    expect(segmentsNamed(msg, 'OBX').every((s) => s.fields[11] === 'C')).toBe(true);
    const notes = segmentsNamed(msg, 'NTE').map((s) => hl7Unescape(s.fields[3]!));
    expect(notes[0]).toBe('Corrected report ANA-2026-0042-v2: replaces report ANA-2026-0042-v1. Reason: Titer | corrected');
  });

  it('escapes delimiters and line breaks in names and comments; unicode survives a parser library', () => {
    const report = sampleReport({
      accessionId: 'ACC|7^8&9~0\\1',
      patient: { id: 'MRN^42', name: NASTY_NAME, birthDate: '1980-02-03' },
      comment: NASTY_COMMENT,
      signature: { ...sampleReport().signature, signerName: 'Dr. Ærøskøbing & Søn | 山田' },
    });
    const msg = renderOruR01(report, settings);
    expect(validateOru(msg)).toEqual([]);
    expect(msg.split('\r').filter(Boolean)).toHaveLength(splitSegments(msg).length);

    // Our own unescape of the raw fields.
    const pid = segmentsNamed(msg, 'PID')[0]!;
    const [family, given] = pid.fields[5]!.split('^').map(hl7Unescape);
    const name = splitPersonName(NASTY_NAME);
    expect(family).toBe(name.family);
    expect(given).toBe(name.given);
    expect(hl7Unescape(pid.fields[3]!.split('^')[0]!)).toBe('MRN^42');
    const comment = segmentsNamed(msg, 'NTE').map((s) => hl7Unescape(s.fields[3]!)).find((t) => t.startsWith('Comment: '));
    expect(comment).toBe(`Comment: ${NASTY_COMMENT.replace(/\r\n/g, '\n')}`);

    // An independent parser library reads the same values back.
    const parsed = new Message({ text: msg });
    expect(parsed.get('MSH.9.1').toString()).toBe('ORU');
    expect(parsed.get('MSH.12').toString()).toBe('2.5.1');
    expect(parsed.get('PID.5.1').toString()).toBe(name.family);
    expect(parsed.get('PID.5.2').toString()).toBe(name.given);
    expect(parsed.get('PID.3.1').toString()).toBe('MRN^42');
    expect(parsed.get('OBR.3.1').toString()).toBe('ACC|7^8&9~0\\1');
    expect(parsed.get('OBX.16.2').toString()).toBe('Dr. Ærøskøbing & Søn | 山田');
    expect(parsed.get('OBX.5.1').toString()).toBe('AC-1');
  });

  it('escapes every delimiter, the escape character first', () => {
    expect(hl7Escape('a|b^c&d~e\\f')).toBe('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f');
    expect(hl7Escape('x\r\ny\rz\nw', true)).toBe('x\\.br\\y\\.br\\z\\.br\\w');
    expect(hl7Escape('x\ny')).toBe('x\\X0A\\y');
    expect(hl7Escape('tab\there')).toBe('tab\\X09\\here');
    expect(hl7Escape('Σοφία 山田 👩‍⚕️')).toBe('Σοφία 山田 👩‍⚕️');
  });

  it('the validator catches what it must (a test that can fail)', () => {
    const good = renderOruR01(sampleReport(), settings);
    expect(validateOru(good.replace('Dr. Zoë', 'Dr.|Zoë'))).not.toEqual([]); // raw delimiter adds fields/changes structure
    expect(validateOru(good.replace(/\rOBR[^\r]*/, ''))).toContainEqual(expect.stringContaining("segment order 'MSH PID NTE"));
    expect(validateOru(good.replace('Titer 1:640', 'Titer\n1:640'))).toContain('raw LF inside the message');
    expect(validateOru(good.replace('Titer 1:640', 'Titer \\Q\\'))).toContainEqual(expect.stringContaining('unknown or unterminated escape'));
    expect(validateOru(good.replace(/(OBX\|1\|[^\r]*?\|A\|\|\|)F/, '$1X'))).toContainEqual(expect.stringContaining('OBX-11'));
  });

  it('carries each field\'s verdict and screening call as notes; a not-readable field lists no patterns', () => {
    const msg = renderOruR01(sampleReport({ fields: [sampleReport().fields[0]!, notReadableField()] }), settings);
    expect(validateOru(msg)).toEqual([]);
    const notes = segmentsNamed(msg, 'NTE').map((s) => hl7Unescape(s.fields[3]!));
    const fieldNotes = notes.filter((t) => t.startsWith('Field '));
    expect(fieldNotes).toEqual([
      'Field ANA-2026-0042_F1.png: readable (54 cells, 2 candidate mitoses (approximate), focus 0.31, signal/background 3.4, saturated 0.1 %); screening positive (probability of positive 0.97); model patterns: Homogeneous, Mitochondrial (AMA).',
      'Field ANA-2026-0042_F2.png: not readable: out of focus (31 cells, 0 candidate mitoses (approximate), focus 0.02, signal/background 1.9, saturated 0 %); model patterns: none (field not readable).',
    ]);
    // The notes come after the interpretation and before the model suggestion.
    const at = (prefix: string) => notes.findIndex((t) => t.startsWith(prefix));
    expect(at('Interpretation')).toBeLessThan(at('Field '));
    expect(at('Field ')).toBeLessThan(at('Model suggestion'));
    // The OBX results are unchanged by the verdict notes.
    expect(segmentsNamed(msg, 'OBX').map((s) => s.fields[5])).toEqual(['AC-1^Homogeneous^99ICAP', 'AC-4^Speckled^99ICAP', 'AC-21^Mitochondrial (AMA)^99ICAP']);
  });

  it('says when a field was cut at an assumed pixel size, and nothing when its size was stated', () => {
    const stated = sampleReport().fields[0]!;
    const msg = renderOruR01(sampleReport({ fields: [{ ...stated, assumedPixelSizeUm: 0.5 }] }), settings);
    expect(validateOru(msg)).toEqual([]);
    const note = segmentsNamed(msg, 'NTE').map((s) => hl7Unescape(s.fields[3]!)).find((t) => t.startsWith('Field '));
    expect(note).toBe(
      'Field ANA-2026-0042_F1.png: readable (54 cells, 2 candidate mitoses (approximate), focus 0.31, signal/background 3.4, saturated 0.1 %); pixel size 0.500 µm/px, assumed: the file states no pixel size and no microscope profile was set when it was read; screening positive (probability of positive 0.97); model patterns: Homogeneous, Mitochondrial (AMA).',
    );
    expect(renderOruR01(sampleReport(), settings)).not.toContain('pixel size');
  });

  it('states an explicitly confirmed negative on not-readable fields, and nothing of the kind otherwise', () => {
    const confirmed = renderOruR01(sampleReport({ results: [], fields: [notReadableField()], confirmedNotReadable: true }), settings);
    expect(validateOru(confirmed)).toEqual([]);
    const notes = segmentsNamed(confirmed, 'NTE').map((s) => hl7Unescape(s.fields[3]!));
    expect(notes).toContain('Signed negative although no field was readable; the signer confirmed this explicitly.');
    expect(segmentsNamed(confirmed, 'OBX')[0]!.fields[5]).toBe('AC-0^Negative^99ICAP');
    expect(renderOruR01(sampleReport(), settings)).not.toContain('confirmed this explicitly');
  });
});
