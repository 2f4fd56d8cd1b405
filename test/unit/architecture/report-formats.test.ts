/**
 * "Where a change goes" for an export format (docs/architecture.md), checked against the code:
 * a format is an entry of the contract's registry plus its renderer in core/reports/formats/;
 * the contract enums, the day export, the stored reports and the database follow from those.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DAY_EXPORT_FORMAT_KEYS, DayExportFormat, REPORT_FORMAT_KEYS, REPORT_FORMATS, ReportFormat, SIGNATURE_FORMAT_KEYS } from '../../../electron/contract';
import { projectRoot } from '../../../electron/core/paths';
import { FORMAT_RENDERERS } from '../../../electron/core/reports/formats';

const root = projectRoot();
const REGISTRY_HOMES = ['electron/contract/report-formats.ts', 'electron/core/reports/formats/', 'electron/core/db/migrations/'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|svelte)$/.test(name) ? [path] : [];
  });
}

describe('report formats: the registry is all it takes', () => {
  it('has one renderer per registry entry, of the entry’s scope', () => {
    expect(Object.keys(FORMAT_RENDERERS).sort()).toEqual([...REPORT_FORMAT_KEYS].sort());
    for (const key of REPORT_FORMAT_KEYS) expect(FORMAT_RENDERERS[key].scope).toBe(REPORT_FORMATS[key].scope);
  });

  it('derives the contract enums from the registry', () => {
    expect(ReportFormat.options).toEqual(REPORT_FORMAT_KEYS);
    expect(DayExportFormat.options).toEqual(DAY_EXPORT_FORMAT_KEYS);
    expect(SIGNATURE_FORMAT_KEYS.every((k) => REPORT_FORMATS[k].scope === 'signature')).toBe(true);
  });

  it('names no format anywhere else in the app (so nothing else needs a change)', () => {
    const literal = new RegExp(`['"\`](${REPORT_FORMAT_KEYS.join('|')})['"\`]`);
    const offenders = [...sourceFiles('electron'), ...sourceFiles('renderer/src')]
      .map((path) => relative('.', path))
      .filter((path) => !REGISTRY_HOMES.some((home) => path.startsWith(home)))
      .filter((path) => literal.test(readFileSync(join(root, path), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
