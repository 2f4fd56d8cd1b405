/**
 * The day's figures and the confusion tables in words: shared by the PDF and `ana qc` so both say
 * the same thing the same way (the page renders the same fields in Svelte).
 */
import { durationText, intervalText, percentText, pValueText, type ConfusionTable, type DayQc, type RateVsBaseline } from '../../contract';

/** Fields, cases, model and reading time, one line each. */
export function dayLines(qc: DayQc): string[] {
  const f = qc.fields;
  const notReadable = f.notReadable.reduce((s, r) => s + r.count, 0);
  const reasons = f.notReadable.map((r) => `${r.words} ${r.count}`).join(', ');
  const active = qc.models.active ? `${qc.models.active.modelId} ${qc.models.active.version}` : 'none registered';
  const used = qc.models.usedToday.map((u) => `${u.modelId} ${u.version} on ${u.provider} (${u.fields} fields)`).join(', ') || 'no reading';
  const t = qc.readingTime;
  return [
    `Fields read: ${f.read} (readable ${f.readable}${f.notAnalysed ? `, not analysed ${f.notAnalysed}` : ''})`,
    `Not readable: ${notReadable}${reasons ? ` (${reasons})` : ''}`,
    `Screened negative, the model calls a pattern (not suggested): ${f.withheld}`,
    `Unfamiliar fields: ${f.unfamiliar}`,
    ...(f.assumedPixelSize ? [`Read at the model's assumed pixel size (file states none, no microscope profile): ${f.assumedPixelSize}`] : []),
    `Cases read: ${qc.cases.read} (assessable ${qc.cases.assessable})`,
    `Active model: ${active}; read with: ${used}`,
    `Reading time per field: median ${durationText(t.medianMs)}, 90th percentile ${durationText(t.p90Ms)}, total ${durationText(t.totalMs)} over ${t.fields} fields`,
  ];
}

export const RATE_COLUMNS = [
  { title: 'Cases with', share: 0.3 },
  { title: 'Day', share: 0.2 },
  { title: 'Last 30 days', share: 0.22 },
  { title: 'p (Fisher)', share: 0.14 },
  { title: 'Alarm', share: 0.14 },
];

export function rateRow(name: string, r: RateVsBaseline): string[] {
  return [name, `${percentText(r.rate)} (${r.count}/${r.total})`, `${percentText(r.baselineRate)} (${r.baselineCount}/${r.baselineTotal})`, pValueText(r.pValue), r.alarm ? 'ALARM' : ''];
}

export function confusionColumns(): { title: string; share: number }[] {
  return [
    { title: 'Pattern', share: 0.24 },
    ...['TP', 'FP', 'FN', 'TN'].map((title) => ({ title, share: 0.06 })),
    { title: 'Sensitivity', share: 0.19 },
    { title: 'PPV', share: 0.19 },
    { title: 'Agreement', share: 0.14 },
  ];
}

export const INTERVAL_NOTE = 'Signed result as the reference; 95 % Wilson intervals in brackets.';

/** '86.5 % (75–93)': the rate and its 95 % interval in whole percent. */
export function percentWithInterval(value: number | null, ci: [number, number] | null): string {
  if (value === null || ci === null) return percentText(value);
  return `${percentText(value)} (${intervalText(ci)})`;
}

export function confusionRows(t: ConfusionTable): string[][] {
  return t.rows.map((r) => [
    r.displayName,
    String(r.truePositive),
    String(r.falsePositive),
    String(r.falseNegative),
    String(r.trueNegative),
    percentWithInterval(r.sensitivity, r.sensitivityCi95),
    percentWithInterval(r.ppv, r.ppvCi95),
    percentText(r.agreement),
  ]);
}

/** Columns padded to their widest cell, for a terminal. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** `ana qc` without --json. */
export function dayQcText(qc: DayQc): string {
  const d = qc.drift;
  const driftLines = d.alarm ? ['DRIFT ALARM', ...d.alarms.map((a) => `  ${a}`)] : [d.enoughHistory ? 'No drift alarm' : 'Drift not tested', ...(d.note ? [`  ${d.note}`] : [])];
  return [
    `Day QC ${qc.date} (${qc.timeZone})`,
    '',
    ...dayLines(qc),
    '',
    ...driftLines,
    `  Test: ${d.test}; ${d.tests} tests at ${(100 * d.perTestAlpha).toFixed(3)} % each: at most ${(100 * d.familyFalseAlarmRate).toFixed(0)} % of stable days raise an alarm.`,
    '',
    textTable(RATE_COLUMNS.map((c) => c.title), [rateRow('Positive (any pattern)', qc.positivity), ...qc.patterns.map((p) => rateRow(p.displayName, p))]),
    '',
    `Agreement with the suggestions: ${qc.agreement.cases} cases signed on the day, ${qc.agreement.exactMatches} signed exactly as suggested`,
    ...(qc.agreement.cases ? [INTERVAL_NOTE, textTable(confusionColumns().map((c) => c.title), confusionRows(qc.agreement))] : []),
  ].join('\n');
}
