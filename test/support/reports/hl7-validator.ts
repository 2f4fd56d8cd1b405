/**
 * A strict validator for the ORU^R01 messages we emit, written from HL7 v2.5.1 chapters 2 and 7
 * independently of the encoder: segment grammar and order, maximum field counts per segment,
 * required fields, value types, no raw delimiter or line break inside data, and escape sequences
 * limited to the standard ones. Returns the problems found (empty = valid) and an unescaping parser.
 */
export interface ParsedSegment {
  name: string;
  /** fields[i] is field i (1-based as in the standard; fields[0] is the segment name). */
  fields: string[];
}

const MAX_FIELDS: Record<string, number> = { MSH: 21, PID: 39, OBR: 50, OBX: 25, NTE: 4 };
/** Our message profile: the last field each segment fills (trailing empty fields are trimmed). */
const PROFILE_FIELDS: Record<string, number> = { MSH: 18, PID: 7, OBR: 32, OBX: 16, NTE: 3 };
const REQUIRED: Record<string, number[]> = { MSH: [1, 2, 7, 9, 10, 11, 12], PID: [3], OBR: [4], OBX: [2, 3, 5, 11], NTE: [] };
const ESCAPE = /\\(F|S|T|R|E|\.br|X[0-9A-F]+)\\/g;

export function splitSegments(message: string): ParsedSegment[] {
  if (!message.endsWith('\r')) throw new Error('message must end with a segment terminator (CR)');
  return message
    .slice(0, -1)
    .split('\r')
    .map((line) => {
      const parts = line.split('|');
      if (parts[0] === 'MSH') return { name: 'MSH', fields: ['MSH', '|', ...parts.slice(1)] };
      return { name: parts[0]!, fields: parts };
    });
}

/** Segment order of ORU_R01 as we use it: MSH PID OBR {NTE} {OBX {NTE}}. */
export function validateOru(message: string): string[] {
  const problems: string[] = [];
  if (/\n/.test(message)) problems.push('raw LF inside the message');
  let segs: ParsedSegment[];
  try {
    segs = splitSegments(message);
  } catch (e) {
    return [(e as Error).message];
  }
  const names = segs.map((s) => s.name).join(' ');
  if (!/^MSH PID OBR( NTE)*( OBX( NTE)*)+$/.test(names)) problems.push(`segment order '${names}' is not MSH PID OBR {NTE} {OBX {NTE}}`);
  const obxIds: string[] = [];
  const nteIds: string[] = [];
  for (const [i, s] of segs.entries()) {
    const max = MAX_FIELDS[s.name];
    if (max === undefined) {
      problems.push(`segment ${i + 1}: unknown segment '${s.name}'`);
      continue;
    }
    if (s.fields.length - 1 > max) problems.push(`${s.name}: ${s.fields.length - 1} fields, more than the ${max} of v2.5.1`);
    const filled = s.fields.length - 1;
    if (s.name === 'PID' ? filled > PROFILE_FIELDS.PID! : filled !== PROFILE_FIELDS[s.name]) problems.push(`${s.name}: ${s.fields.length - 1} fields, the profile fills exactly ${PROFILE_FIELDS[s.name]}`);
    if (s.fields[s.fields.length - 1] === '' && s.fields.length > 2) problems.push(`${s.name}: trailing empty field not trimmed`);
    for (const f of REQUIRED[s.name]!) if (!s.fields[f]) problems.push(`${s.name}-${f} is required but empty`);
    const dataFields = s.name === 'MSH' ? s.fields.slice(3) : s.fields.slice(1);
    for (const field of dataFields) {
      const stripped = field.replace(ESCAPE, '');
      if (stripped.includes('\\')) problems.push(`${s.name}: unknown or unterminated escape in '${field}'`);
      if (/[\u0000-\u001f\u007f]/.test(field)) problems.push(`${s.name}: raw control character in '${JSON.stringify(field)}'`);
      if (field.includes('~')) problems.push(`${s.name}: unexpected repetition separator in '${field}'`);
    }
    if (s.name === 'MSH') {
      if (s.fields[2] !== '^~\\&') problems.push(`MSH-2 encoding characters are '${s.fields[2]}'`);
      if (s.fields[9] !== 'ORU^R01^ORU_R01') problems.push(`MSH-9 is '${s.fields[9]}'`);
      if (s.fields[12] !== '2.5.1') problems.push(`MSH-12 version is '${s.fields[12]}'`);
      if (s.fields[18] !== 'UNICODE UTF-8') problems.push(`MSH-18 character set is '${s.fields[18]}'`);
      if (!/^\d{14}[+-]\d{4}$/.test(s.fields[7] ?? '')) problems.push(`MSH-7 '${s.fields[7]}' is not a DTM with seconds and offset`);
      if (!/^[PDT]$/.test(s.fields[11] ?? '')) problems.push(`MSH-11 '${s.fields[11]}'`);
    }
    if (s.name === 'OBR' && !/^[FC]$/.test(s.fields[25] ?? '')) problems.push(`OBR-25 result status '${s.fields[25]}' is not F or C`);
    if (s.name === 'OBX') {
      obxIds.push(s.fields[1]!);
      if (s.fields[2] !== 'CWE') problems.push(`OBX-2 value type '${s.fields[2]}' is not CWE`);
      if (!/^AC-\d+(,\d+)*\^[^^]+\^99ICAP$/.test(s.fields[5] ?? '')) problems.push(`OBX-5 '${s.fields[5]}' is not an ICAP CWE`);
      if (!/^[FC]$/.test(s.fields[11] ?? '')) problems.push(`OBX-11 result status '${s.fields[11]}' is not F or C`);
    }
    if (s.name === 'NTE') nteIds.push(s.fields[1]!);
  }
  obxIds.forEach((id, k) => id !== String(k + 1) && problems.push(`OBX-1 set ids not 1..n: ${obxIds.join(',')}`));
  return [...new Set(problems)];
}

/** Unescapes one component's text (the inverse of the standard escapes). */
export function hl7Unescape(text: string): string {
  return text.replace(ESCAPE, (_m, code: string) => {
    switch (code) {
      case 'F':
        return '|';
      case 'S':
        return '^';
      case 'T':
        return '&';
      case 'R':
        return '~';
      case 'E':
        return '\\';
      case '.br':
        return '\n';
      default:
        return Buffer.from(code.slice(1), 'hex').toString('latin1');
    }
  });
}
