/**
 * `ana train-network`'s method and encoder options: refused before any data is read, with the option named.
 * mean-logit trains on the fields' mean patch logit, so the package it writes must read that way.
 * `--threads` (train-network and a whole network's `ana finetune`) takes a whole number of threads.
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

describe('--threads', () => {
  it('takes a whole number of threads, naming the option', async () => {
    for (const bad of ['0', '1.5', 'two']) {
      const run = await anaInProcess(['train-network', '--data', 'missing/labels.csv', '--out', 'missing/out', '--threads', bad]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/--threads must be/);
    }
    const finetune = await anaInProcess(['finetune', '--mode', 'all', '--threads', '0', '--db', 'missing/ana.db']);
    expect(finetune.status).toBe(2);
    expect(finetune.stderr).toMatch(/--threads must be a whole number >= 1, got '0'/);
  });

  it("is refused for ana finetune's head modes, which train no network", async () => {
    const run = await anaInProcess(['finetune', '--mode', 'head', '--threads', '2', '--db', 'missing/ana.db']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--threads goes with --mode last-blocks or all/);
  });
});
