/**
 * The suite's temp-folder guard (test/support/temp-guard.ts) must catch a leak: run against a
 * fresh private TMPDIR, it fails naming the ana-* folder left there, ignores tools' caches, and
 * removes everything either way.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import setup from '../../support/temp-guard';

let saved: { owned?: string; tmp?: string; exitCode?: typeof process.exitCode };
beforeEach(() => {
  saved = { owned: process.env.ANA_TEST_TMPDIR, tmp: process.env.TMPDIR, exitCode: process.exitCode };
  delete process.env.ANA_TEST_TMPDIR; // this run's own guard owns it: act as a fresh run
});
const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
afterEach(() => {
  restore('ANA_TEST_TMPDIR', saved.owned);
  restore('TMPDIR', saved.tmp);
  process.exitCode = saved.exitCode; // the planted leak must not fail this run
});

it('fails naming the ana-* folder a run leaves, and removes its whole temp folder', () => {
  const teardown = setup()!;
  const root = tmpdir();
  mkdirSync(join(root, 'ana-leaked-x1'));
  mkdirSync(join(root, 'tsx-0')); // a tool's cache: not ours to judge
  expect(() => teardown()).toThrow(/left 1 temp folder\(s\) behind \(now removed\): ana-leaked-x1 —/);
  expect(process.exitCode).toBe(1);
  expect(existsSync(root)).toBe(false);
  expect(process.env.TMPDIR).toBe(saved.tmp);
});

it('passes a run that cleaned up after itself', () => {
  const teardown = setup()!;
  const root = tmpdir();
  mkdirSync(join(root, 'tsx-0'));
  expect(() => teardown()).not.toThrow();
  expect(existsSync(root)).toBe(false);
});
