/**
 * What a fine-tuning run left out, in words for the Models page: signed fields whose files are gone
 * since they were read (moved, deleted, a folder out of reach) or no longer decode. The run trained
 * and judged without them; the files and reasons let the lab restore them.
 */
import type { FinetuneState } from '../../../../electron/contract';

type LeftOut = NonNullable<FinetuneState['result']>['leftOut'];

/** '' when nothing was left out. */
export function leftOutWords(l: LeftOut): string {
  if (l.slides === 0) return '';
  const one = l.slides === 1;
  const cases = l.cases === 0 ? '' : ` (${l.cases === 1 ? '1 case had' : `${l.cases} cases had`} no other field)`;
  return `${one ? '1 signed field was' : `${l.slides} signed fields were`} left out: ${one ? 'its file is' : 'their files are'} gone or cannot be read${cases}. Restore ${one ? 'it' : 'them'} and fine-tune again to use ${one ? 'it' : 'them'}.`;
}

/** How many left-out files the page does not name (the run's record in the database has every one). */
export function leftOutUnnamed(l: LeftOut): number {
  return l.slides - l.files.length;
}
