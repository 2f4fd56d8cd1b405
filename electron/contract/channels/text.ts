/**
 * Text fields of the record. Anything a person can type is kept exactly as given (quotes,
 * semicolons, SQL keywords, any Unicode); only control characters, which no keyboard entry
 * produces and which break exports (HL7 and CSV), are refused.
 */
import { z } from 'zod';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A single-line text: no control characters at all, no line breaks. */
export function lineText(maxLength: number) {
  return z
    .string()
    .min(1, 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters`)
    .refine((s) => !CONTROL.test(s) && !/[\r\n\t]/.test(s), 'must not contain control characters or line breaks')
    .refine((s) => s.trim().length > 0, 'must not be blank');
}

/** Free text (comments, reasons): line breaks and tabs allowed, other control characters refused. */
export function freeText(maxLength: number) {
  return z
    .string()
    .max(maxLength, `must be at most ${maxLength} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters');
}

/** A password: any characters, bounded so hashing cannot be abused. */
export const Password = z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters');
/** A new password: at least 8 characters. */
export const NewPassword = z.string().min(8, 'must be at least 8 characters').max(1024, 'must be at most 1024 characters');
