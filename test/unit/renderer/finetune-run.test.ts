import { describe, expect, it } from 'vitest';
import type { FinetuneRunSummary } from '../../../electron/contract';
import { leftOutUnnamed, leftOutWords, readinessWords, recipeWords, runOutcomeWords } from '../../../renderer/src/lib/utils/finetune-run';

describe('leftOutWords', () => {
  it('says nothing when every file was used', () => {
    expect(leftOutWords({ slides: 0, cases: 0, files: [] })).toBe('');
  });

  it('says how many signed fields were left out, how many cases had no other field, and what to do', () => {
    const file = { path: '/day/A_F2.png', reason: 'file not found' };
    expect(leftOutWords({ slides: 1, cases: 0, files: [file] })).toBe('1 signed field was left out: its file is gone or cannot be read. Restore it and fine-tune again to use it.');
    expect(leftOutWords({ slides: 25, cases: 1, files: [file] })).toBe('25 signed fields were left out: their files are gone or cannot be read (1 case had no other field). Restore them and fine-tune again to use them.');
    expect(leftOutWords({ slides: 3, cases: 2, files: [] })).toContain('(2 cases had no other field)');
    expect(leftOutUnnamed({ slides: 25, cases: 1, files: [file] })).toBe(24);
  });
});

describe('the record of runs in words', () => {
  const run = (over: Partial<FinetuneRunSummary>): FinetuneRunSummary => ({ id: 3, mode: 'all', status: 'succeeded', startedAtMs: 1, finishedAtMs: 2, error: null, candidateVersion: '0.7.0+ft3', leftOutSlides: 0, ...over });

  it('names the recipes as the learning curve does; an unknown one as recorded, none as a dash', () => {
    expect(['head', 'adapt', 'last-blocks', 'all', 'thresholds'].map(recipeWords)).toEqual(['head fine-tuned', 'adapted to the lab', 'last block', 'all layers', 'thresholds only']);
    expect(recipeWords('mixup')).toBe('mixup');
    expect(recipeWords(null)).toBe('—');
  });

  it('gives the candidate of a run that succeeded (with what it left out), the reason of one that did not, and says when one has not ended', () => {
    expect(runOutcomeWords(run({}))).toBe('0.7.0+ft3');
    expect(runOutcomeWords(run({ leftOutSlides: 2 }))).toBe('0.7.0+ft3; 2 signed fields left out');
    expect(runOutcomeWords(run({ leftOutSlides: 1 }))).toBe('0.7.0+ft3; 1 signed field left out');
    expect(runOutcomeWords(run({ status: 'failed', error: 'interrupted: process 7 on lab-pc stopped before the run ended', candidateVersion: null }))).toBe('interrupted: process 7 on lab-pc stopped before the run ended');
    expect(runOutcomeWords(run({ status: 'running', candidateVersion: null }))).toBe('not ended yet');
  });
});

describe('readinessWords', () => {
  it('says how many more cases to sign below the minimum, and how the cases would be used from it on', () => {
    expect(readinessWords({ signedCases: 1, minimum: 20, validationCases: 0 })).toBe('The record holds 1 signed case; fine-tuning needs 20 (19 more to sign).');
    expect(readinessWords({ signedCases: 0, minimum: 20, validationCases: 0 })).toBe('The record holds 0 signed cases; fine-tuning needs 20 (20 more to sign).');
    expect(readinessWords({ signedCases: 20, minimum: 20, validationCases: 4 })).toBe('The record holds 20 signed cases: 16 to learn from and 4 kept back for the validation gate.');
  });
});
