import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDatasetCsv, parseDatasetCsv, readDatasetCsv } from '../../../../electron/core/synth';
import { tempDir } from '../../../support/temp-dir';

describe('dataset CSV', () => {
  it('round-trips rows, resolving paths against the CSV folder', async () => {
    const dir = tempDir('ana-csv-');
    const rows = [
      { path: 'images/A2026-0001_F1.png', labels: ['homogeneous', 'speckled'], split: 'train' },
      { path: 'images/A2026-0002_F1.png', labels: [], split: 'test' },
      { path: 'images/with,comma "q".png', labels: ['golgi'], split: 'val' },
    ];
    const text = formatDatasetCsv(rows);
    expect(text.split('\n')[0]).toBe('path,labels,split');
    expect(text.split('\n')[1]).toBe('images/A2026-0001_F1.png,homogeneous speckled,train');
    await writeFile(join(dir, 'labels.csv'), text);
    const read = await readDatasetCsv(join(dir, 'labels.csv'));
    expect(read.map(({ path, labels, split }) => ({ path, labels, split }))).toEqual(rows);
    expect(read[0]!.absolutePath).toBe(join(dir, 'images/A2026-0001_F1.png'));
  });

  it('accepts CRLF, a BOM, a missing split column and blank lines', () => {
    const rows = parseDatasetCsv('\uFEFFpath,labels\r\na.png,centromere\r\n\r\nb.png,\r\n', '/data/x.csv');
    expect(rows).toEqual([
      { path: 'a.png', absolutePath: '/data/a.png', labels: ['centromere'], split: '' },
      { path: 'b.png', absolutePath: '/data/b.png', labels: [], split: '' },
    ]);
  });

  it('names the file and line of bad input', () => {
    expect(() => parseDatasetCsv('path,labels,split\na.png,lupus,train\n', '/d/l.csv')).toThrow("/d/l.csv:2: unknown label 'lupus'");
    expect(() => parseDatasetCsv('file,label\n', '/d/l.csv')).toThrow(/header must contain 'path' and 'labels'/);
    expect(() => parseDatasetCsv('path,labels\n,golgi\n', '/d/l.csv')).toThrow('/d/l.csv:2: empty path');
    expect(() => parseDatasetCsv('path,labels\n"a.png,golgi\n', '/d/l.csv')).toThrow(/unterminated/);
  });

  it('reports a missing file by name', async () => {
    await expect(readDatasetCsv('/nonexistent/labels.csv')).rejects.toThrow('/nonexistent/labels.csv: cannot read dataset CSV');
  });
});
