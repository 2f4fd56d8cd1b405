/**
 * `ana train-network`'s method options: refused before any data is read, with the option named.
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
});
