import { describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { accessionFromFileName, accessionPattern, accessionProblem, checkAccession, loadWorklist, worklistAccession } from '../../../../electron/core/reading/accession';
import { parseCsv } from '../../../../electron/core/csv';
import { tempDir } from '../../../support/temp-dir';

describe('accession ids', () => {
  it('default: the file name up to the first underscore, space or dot', () => {
    expect(accessionFromFileName('/day/A2026-0042_F1.png')).toBe('A2026-0042');
    expect(accessionFromFileName('B17 field 2.tif')).toBe('B17');
    expect(accessionFromFileName('C-9.bmp')).toBe('C-9');
  });

  it('a configurable pattern: named group, first group, or whole match; bad patterns and misses are named', () => {
    expect(accessionPattern('^IMG_(?<accession>\\d{6})_')('/x/IMG_123456_03.jpg')).toBe('123456');
    expect(accessionPattern('-(\\d+)-')('scan-77-a.png')).toBe('77');
    expect(() => accessionPattern('(')).toThrow(/accession pattern \/\(\/ is not a valid regular expression/);
    expect(() => accessionPattern('^X')('/d/Y1.png')).toThrow(/Y1\.png: file name does not match/);
  });

  it('a worklist CSV maps file names to accessions, falling back to the file name', async () => {
    const dir = tempDir('ana-worklist-');
    const path = join(dir, 'worklist.csv');
    await writeFile(path, 'Accession,File,Patient\r\n"A-1","well 1, field 1.png",P1\nA-2,sub/w2.png,P2\n\n');
    const map = await loadWorklist(path);
    const of = worklistAccession(map);
    expect(of('/any/where/well 1, field 1.png')).toBe('A-1');
    expect(of('/x/w2.png')).toBe('A-2');
    expect(of('/x/Z-5_F1.png')).toBe('Z-5');
    await writeFile(path, 'name,id\nx.png,1\n');
    await expect(loadWorklist(path)).rejects.toThrow(/worklist needs columns 'file' and 'accession' \(found: name, id\)/);
    expect(parseCsv('a,"b ""q""",c\n1,2,3', 'inline').map((r) => r.fields)).toEqual([['a', 'b "q"', 'c'], ['1', '2', '3']]);
  });

  it('the accession rule: 1-64 characters, letters, digits and - _ . /, starting with a letter or digit', () => {
    for (const ok of ['A2026-0042', 'B17', '123456', 'ANA/2026/7', 'x.y_z-1', 'A'.repeat(64)]) expect(accessionProblem(ok)).toBeNull();
    expect(accessionProblem('')).toBe('is empty');
    expect(accessionProblem('A'.repeat(65))).toBe('is 65 characters long (at most 64)');
    expect(accessionProblem('.hidden')).toBe('must start with a letter or a digit');
    expect(accessionProblem('../../etc/x')).toBe('must start with a letter or a digit');
    expect(accessionProblem('X|1')).toBe("contains '|' (U+007C) (allowed: letters A-Z a-z, digits, - _ . /)");
    expect(accessionProblem('X^1')).toMatch(/contains '\^'/);
    expect(accessionProblem('A1\r')).toMatch(/contains U\+000D/);
    expect(accessionProblem('Ä1')).toMatch(/contains 'Ä'|contains U\+00C4/);
    expect(accessionProblem('=1+2')).toMatch(/contains '='/);
  });

  it('every intake route applies the rule, with one error line naming the file or worklist line', async () => {
    expect(() => accessionFromFileName('/day/X|1_F1.png')).toThrow(/^\/day\/X\|1_F1\.png: accession "X\|1" contains '\|'/);
    expect(() => accessionPattern('^(.*)\\.png$')(`/d/${'A'.repeat(300)}.png`)).toThrow(/^\/d\/A+\.png: accession "A{40}…" \(300 characters\) is 300 characters long \(at most 64\)$/);
    expect(() => checkAccession(`A${'1'.repeat(20_000)}\r`, 'worklist.csv: line 3')).toThrow(/^worklist\.csv: line 3: accession "A1{39}…" \(20002 characters\) is 20002 characters long/);
    const dir = tempDir('ana-worklist-');
    const path = join(dir, 'worklist.csv');
    await writeFile(path, 'file,accession\nok.png,A-1\nbad.png,"A 2"\n');
    await expect(loadWorklist(path)).rejects.toThrow(/worklist\.csv: line 3: accession "A 2" contains U\+0020/);
  });
});
