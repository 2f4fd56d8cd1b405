/**
 * `ana calibrate --signed-negatives --db FILE`: screening calibrated on the fields of the record's
 * signed negative cases, stored in the profile file; the moved file is listed; mixing the two
 * bases is refused. In-process for speed over a real record (SQLite) and real field files.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { recordApp } from '../../support/record-fixtures';
import { anaInProcess } from '../../support/ana-cli';
import { seedSignedNegativeRecord, type SignedNegativeRecord } from '../../support/signed-negative-record';
import { tempDir } from '../../support/temp-dir';

let dir: string;
let dbPath: string;
let record: SignedNegativeRecord;

beforeAll(async () => {
  dir = tempDir('ana-cli-calibrate-');
  const { app, call } = await recordApp();
  record = await seedSignedNegativeRecord(app, call, dir);
  dbPath = app.db.name;
  await app.close();
});

it('calibrates the profile on the signed negative cases of the record given by --db', async () => {
  const moved = record.files['N-2']![0]!;
  renameSync(moved, `${moved}.archived`);
  const profile = join(dir, 'scope.json');
  const run = await anaInProcess(['calibrate', '--profile', profile, '--name', 'scope-1', '--pixel-size', '0.5', '--signed-negatives', '--db', dbPath]);
  expect(run.status).toBe(0);
  expect(run.stdout).toMatch(/^Screening calibrated for 'scope-1' on 3 field\(s\) of 2 signed negative case\(s\) \(1 left out\); \d+\.\d % of them screen negative with it\. Stored in /);
  expect(run.stderr).toContain(`left out: ${moved}: `);
  expect(run.stderr).toMatch(/fewer than 10 negative fields/);
  expect(JSON.parse(readFileSync(profile, 'utf8'))).toMatchObject({ name: 'scope-1', screening: { source: 'lab', basis: 'signed-negatives', cases: 2, negatives: 3 } });
});

it('refuses --signed-negatives with --negatives or files, and a record that is not there', async () => {
  const profile = join(dir, 'other.json');
  const both = await anaInProcess(['calibrate', '--profile', profile, '--name', 's', '--pixel-size', '0.5', '--signed-negatives', '--db', dbPath, '--negatives', dir]);
  expect(both.status).not.toBe(0);
  expect(both.stderr).toMatch(/--signed-negatives .*give no --negatives or files/);
  const positional = await anaInProcess(['calibrate', '--profile', profile, '--name', 's', '--pixel-size', '0.5', '--signed-negatives', record.files['N-1']![0]!]);
  expect(positional.stderr).toMatch(/give no --negatives or files/);
  const missing = await anaInProcess(['calibrate', '--profile', profile, '--name', 's', '--pixel-size', '0.5', '--signed-negatives', '--db', join(dir, 'none.db')]);
  expect(missing.status).not.toBe(0);
  expect(missing.stderr).toMatch(/No database at/);
  expect(existsSync(join(dir, 'none.db'))).toBe(false);
  expect(existsSync(profile)).toBe(false);
});
