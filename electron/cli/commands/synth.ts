import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { CELL_MIXINGS, CLASSIC_STYLE_NAME, DEFAULT_LABEL_DISTRIBUTION, findStyle, isSynthFormat, LAB_STYLES, RANDOM_STYLE, renderMontage, renderStyleMontage, STYLE_NAMES, SYNTH_FORMATS, writeDataset, type SynthFormat } from '../../core/synth';
import { UsageError, type Command } from '../command';
import { wholeOption } from '../options';

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Generate synthetic HEp-2 fields with known labels (dataset CSV + per-cell truth)',
  usage:
    'ana synth --out DIR --count N --seed S [--size WxH] [--pixel-size UM|MIN-MAX] ' +
    `[--format ${SYNTH_FORMATS.join('|')}[,...]|mixed] [--splits train=0.7,val=0.15,test=0.15] ` +
    `[--fields-per-case K] [--accession-prefix A2026-] [--first-accession N] [--negative-rate P] [--weights key=w,...] [--style ${STYLE_NAMES.join('|')}] [--no-pixel-size] [--cell-mixing shared|separate] [--overwrite]\n` +
    '       ana synth --montage FILE.png [--seed S] [--style NAME]\n' +
    '       ana synth --list-styles\n' +
    `  styles: ${CLASSIC_STYLE_NAME} (default: the generator as before styles, byte for byte), ${LAB_STYLES.map((s) => s.name).join(', ')}, ${RANDOM_STYLE.name} (domain randomisation).\n` +
    '  A style supplies its pixel size range and export formats unless --pixel-size / --format are given.\n' +
    '  --no-pixel-size writes no pixel size into the files, as many real exports (the same pixels; truth.jsonl keeps the size).\n' +
    "  --cell-mixing separate shows each of a mixed serum's patterns in its own cells (a field composed from single-pattern cells);\n" +
    '      shared (default) shows every pattern in every cell, as two antibodies do.',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        out: { type: 'string' },
        count: { type: 'string' },
        seed: { type: 'string', default: '1' },
        size: { type: 'string', default: '1024x768' },
        'pixel-size': { type: 'string' },
        format: { type: 'string' },
        style: { type: 'string', default: CLASSIC_STYLE_NAME },
        'list-styles': { type: 'boolean', default: false },
        splits: { type: 'string', default: 'train=0.7,val=0.15,test=0.15' },
        'fields-per-case': { type: 'string', default: '1' },
        'accession-prefix': { type: 'string', default: 'A2026-' },
        'first-accession': { type: 'string', default: '1' },
        'negative-rate': { type: 'string' },
        weights: { type: 'string' },
        'no-pixel-size': { type: 'boolean', default: false },
        'cell-mixing': { type: 'string', default: 'shared' },
        overwrite: { type: 'boolean', default: false },
        montage: { type: 'string' },
      },
    });
    if (values['list-styles']) {
      console.log(`${CLASSIC_STYLE_NAME.padEnd(28)} the generator as before styles (default; byte-identical output)`);
      for (const s of [...LAB_STYLES, RANDOM_STYLE]) console.log(`${s.name.padEnd(28)} ${s.summary}`);
      return 0;
    }
    if (!STYLE_NAMES.includes(values.style)) throw new UsageError(`unknown --style '${values.style}' (known: ${STYLE_NAMES.join(', ')})`);
    const style = findStyle(values.style);
    const cellMixing = CELL_MIXINGS.find((m) => m === values['cell-mixing']);
    if (!cellMixing) throw new UsageError(`unknown --cell-mixing '${values['cell-mixing']}' (known: ${CELL_MIXINGS.join(', ')})`);
    if (values.montage) {
      const path = resolve(values.montage);
      const seed = wholeOption(values.seed, '--seed', 0);
      await writeFile(path, style ? await renderStyleMontage({ style: style.name, seed }) : await renderMontage({ seed }));
      console.log(`Wrote a montage of one field per pattern${style ? ` in style ${style.name}` : ''} to ${path}`);
      return 0;
    }
    if (!values.out) throw new UsageError('--out DIR is required');
    if (!values.count) throw new UsageError('--count N is required');
    // Without a style the classic defaults (0.5 µm/px, png-rgb8); a style brings its own unless given.
    const formatText = values.format ?? (style ? undefined : 'png-rgb8');
    const format = formatText === undefined ? undefined : formatText === 'mixed' ? 'mixed' : formatText.split(',').map((f) => f.trim());
    const pixelSizeText = values['pixel-size'] ?? (style ? undefined : '0.5');
    for (const f of format === 'mixed' || format === undefined ? [] : format) if (!isSynthFormat(f)) throw new UsageError(`unknown --format '${f}' (known: ${SYNTH_FORMATS.join(', ')}, mixed)`);
    const distribution = DEFAULT_LABEL_DISTRIBUTION;
    const weights = values.weights ? { ...distribution.weights, ...parsePairs(values.weights, '--weights') } : distribution.weights;
    const negativeRate = values['negative-rate'] !== undefined ? parseNumber(values['negative-rate'], '--negative-rate') : distribution.negativeRate;
    const outDir = resolve(values.out);
    const count = wholeOption(values.count, '--count', 0);
    const started = performance.now();
    const summary = await writeDataset({
      outDir,
      count,
      seed: wholeOption(values.seed, '--seed', 0),
      sizePx: parseSize(values.size),
      pixelSizeUm: pixelSizeText === undefined ? undefined : parsePixelSize(pixelSizeText),
      format: format as SynthFormat[] | 'mixed' | undefined,
      style: style?.name,
      splits: parsePairs(values.splits, '--splits'),
      fieldsPerCase: wholeOption(values['fields-per-case'], '--fields-per-case', 0),
      accessionPrefix: values['accession-prefix'],
      firstAccession: wholeOption(values['first-accession'], '--first-accession', 0),
      labelDistribution: { ...distribution, weights, negativeRate },
      unstatedPixelSize: values['no-pixel-size'],
      cellMixing,
      overwrite: values.overwrite,
      onProgress: (done, total) => {
        if (process.stderr.isTTY) process.stderr.write(`\r${done}/${total} fields`);
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    const seconds = (performance.now() - started) / 1000;
    console.log(`Wrote ${summary.fields} field(s) of ${summary.cases} case(s) to ${outDir} in ${seconds.toFixed(1)} s (${(summary.fields / seconds).toFixed(2)} fields/s)`);
    console.log(`  splits: ${Object.entries(summary.bySplit).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`  labels: ${Object.entries(summary.byLabel).map(([k, v]) => `${k} ${v}`).join(', ')}; negatives ${summary.negatives}; mean cardinality ${summary.meanCardinality.toFixed(2)}`);
    console.log(`  ${summary.csvPath}\n  ${summary.truthPath}`);
    return 0;
  },
};

function parseNumber(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got '${text}'`);
  return n;
}

function parseSize(text: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/i.exec(text.trim());
  if (!m) throw new UsageError(`--size must look like 1024x768, got '${text}'`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

function parsePixelSize(text: string): number | { minUm: number; maxUm: number } {
  const range = /^([\d.]+)-([\d.]+)$/.exec(text.trim());
  if (range) return { minUm: parseNumber(range[1]!, '--pixel-size'), maxUm: parseNumber(range[2]!, '--pixel-size') };
  return parseNumber(text, '--pixel-size');
}

function parsePairs(text: string, flag: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [key, value] = part.split('=');
    if (!key || value === undefined) throw new UsageError(`${flag} expects name=value pairs separated by commas, got '${part}'`);
    out[key.trim()] = parseNumber(value, flag);
  }
  return out;
}
