/**
 * `ana train-network`'s method and encoder options: refused before any data is read, with the option named.
 * mean-logit trains on the fields' mean patch logit, so the package it writes must read that way.
 */
import { describe, expect, it } from 'vitest';
import { anaInProcess } from '../../support/ana-cli';

describe('ana train-network --method', () => {
  it('refuses mean-logit without --aggregation mean-logit, naming it', async () => {
    const run = await anaInProcess(['train-network', '--data', 'missing/labels.csv', '--out', 'missing/out', '--method', 'mean-logit']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--method mean-logit trains on the fields' mean patch logit: give --aggregation mean-logit too \(got max\)/);
  });

  it('refuses a method a whole network has no loss for', async () => {
    const run = await anaInProcess(['train-network', '--data', 'missing/labels.csv', '--out', 'missing/out', '--method', 'max']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--method must be spl, plain or mean-logit, got 'max'/);
  });

  it('reads WIDTHxDEPTH stages in --widths and refuses anything else, naming the stage', async () => {
    const run = await anaInProcess(['train-network', '--data', 'missing/labels.csv', '--out', 'missing/out', '--widths', '8,16,64x2,128y2']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--widths: '128y2' is not a width or WIDTHxDEPTH \(e\.g\. 64 or 128x2\), in '8,16,64x2,128y2'/);
    for (const bad of ['64x0', '0', '', '8,,16']) expect((await anaInProcess(['train-network', '--data', 'missing/labels.csv', '--out', 'missing/out', '--widths', bad])).status).toBe(2);
  });
});
