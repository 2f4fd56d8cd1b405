/**
 * The renderers of the contract's report formats, one per registry entry: the type makes a
 * format without a renderer (or with the wrong scope) a compile error.
 */
import type { REPORT_FORMATS, ReportFormatKey } from '../../../contract';
import { csv } from './csv';
import type { DayFormatRenderer, SignatureFormatRenderer } from './format';
import { hl7 } from './hl7';
import { pdf } from './pdf';

export type { DayEntry, DayFormatRenderer, SignatureFormatRenderer } from './format';

type RendererOf<K extends ReportFormatKey> = (typeof REPORT_FORMATS)[K]['scope'] extends 'signature' ? SignatureFormatRenderer : DayFormatRenderer;

export const FORMAT_RENDERERS: { [K in ReportFormatKey]: RendererOf<K> } = { pdf, hl7, csv };
