/**
 * What a fine-tuning run left out, in words for the Models page: signed fields whose files could not
 * be found where they were read (moved, deleted, a folder out of reach). The run trained and judged
 * without them; the paths let the lab restore them.
 */
import type { FinetuneState } from '../../../../electron/contract';

type Missing = NonNullable<FinetuneState['result']>['missing'];

/** '' when nothing was missing. */
export function missingSlidesWords(m: Missing): string {
  if (m.slides === 0) return '';
  const fields = m.slides === 1 ? '1 signed field was' : `${m.slides} signed fields were`;
  const cases = m.cases === 0 ? '' : ` (${m.cases === 1 ? '1 case had' : `${m.cases} cases had`} no other field)`;
  return `${fields} left out: ${m.slides === 1 ? 'its file' : 'their files'} could not be found where ${m.slides === 1 ? 'it was' : 'they were'} read${cases}. Restore ${m.slides === 1 ? 'it' : 'them'} and fine-tune again to use ${m.slides === 1 ? 'it' : 'them'}.`;
}

/** How many missing files the page does not name (the run's record in the database has every path). */
export function missingUnnamed(m: Missing): number {
  return m.slides - m.paths.length;
}
