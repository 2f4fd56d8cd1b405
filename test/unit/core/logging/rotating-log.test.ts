import { expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRotatingLog } from '../../../../electron/core/logging/rotating-log';
import { tempDir } from '../../../support/temp-dir';

it('writes timestamped lines with level and the error stack', () => {
  const dir = tempDir('ana-log-');
  const log = createRotatingLog({ dir, nowMs: () => Date.UTC(2026, 10, 29, 6, 0, 0) });
  log.info('started');
  log.error('worker crashed', new Error('boom'));
  const lines = readFileSync(log.path, 'utf8').split('\n');
  expect(lines[0]).toBe('2026-11-29T06:00:00.000Z INFO  started');
  expect(lines[1]).toMatch(/^2026-11-29T06:00:00.000Z ERROR worker crashed: Error: boom/);
  expect(lines.slice(2).join('\n')).toMatch(/at /); // the stack follows
});

it('rotates by size and keeps only the newest files', () => {
  const dir = tempDir('ana-log-');
  const log = createRotatingLog({ dir, maxBytes: 200, keep: 2, nowMs: () => 0 });
  // Each line is 24 + 1 + 5 + 1 + 9 + 1 = 41 bytes: four lines per file.
  for (let i = 0; i < 30; i++) log.info(`line ${String(i).padStart(4, '0')}`);
  expect(readdirSync(dir).sort()).toEqual(['ana.log', 'ana.log.1', 'ana.log.2']);
  const all = [readFileSync(join(dir, 'ana.log.2'), 'utf8'), readFileSync(join(dir, 'ana.log.1'), 'utf8'), readFileSync(log.path, 'utf8')].join('');
  const numbers = [...all.matchAll(/line (\d+)/g)].map((m) => Number(m[1]));
  expect(numbers.at(-1)).toBe(29);
  // Contiguous newest lines, nothing older than what three files can hold.
  expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  expect(numbers.length).toBeLessThanOrEqual(12);
  for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name)).length).toBeLessThanOrEqual(200);
});

it('continues an existing log after a restart', () => {
  const dir = tempDir('ana-log-');
  createRotatingLog({ dir, maxBytes: 100, nowMs: () => 0 }).info('first run.......................');
  const log = createRotatingLog({ dir, maxBytes: 100, nowMs: () => 0 });
  log.info('second run......................');
  log.info('third run.......................');
  // 64-byte lines, 100-byte files: one line per file, so the restart must have known the size.
  expect(readFileSync(join(dir, 'ana.log.2'), 'utf8')).toMatch(/^[^\n]*first run\.+\n$/);
  expect(readFileSync(join(dir, 'ana.log.1'), 'utf8')).toMatch(/^[^\n]*second run\.+\n$/);
  expect(readFileSync(log.path, 'utf8')).toMatch(/^[^\n]*third run\.+\n$/);
});
