/**
 * Password hashing with scrypt (node:crypto): `scrypt$N$r$p$salt$hash` (base64), so the cost can
 * be raised later without breaking stored hashes: a hash made at a lower cost verifies as before
 * and is re-hashed at the current cost at the next successful login (`needsRehash`).
 * Comparison is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP's scrypt recommendation: N = 2^17, r = 8, p = 1 (128 MiB, about 0.35 s on a 2-core lab
 * PC). Tests pass a lower cost explicitly where they hash many passwords.
 */
export const DEFAULT_COST: ScryptCost = { N: 1 << 17, r: 8, p: 1 };

/** Hashes stored with N above this are refused rather than computed (a planted hash must not cost gigabytes). */
const MAX_N = 1 << 20;

/** scrypt needs 128·N·r bytes; Node's default maxmem (32 MiB) is too small from N = 2^15 at r = 8. */
function scryptAsync(password: string, salt: Buffer, keyLength: number, cost: ScryptCost): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 256 * cost.N * cost.r };
  return new Promise((done, reject) => scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : done(key))));
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, KEY_LENGTH, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** The cost a stored hash was made with, or null if it is not a hash this module understands. */
export function costOf(stored: string): ScryptCost | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((v) => Number.isInteger(v) && v > 0) || N > MAX_N) return null;
  return { N, r, p };
}

/** Whether a stored hash is weaker than `target` in any parameter (and should be re-hashed). */
export function needsRehash(stored: string, target: ScryptCost = DEFAULT_COST): boolean {
  const cost = costOf(stored);
  return cost !== null && (cost.N < target.N || cost.r < target.r || cost.p < target.p);
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const cost = costOf(stored);
  if (!cost) return false;
  const parts = stored.split('$');
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  const key = await scryptAsync(password, salt, expected.length, cost);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
