/**
 * The day's figures: one function feeds the Today page, its PDF and `ana qc` (docs/today.md).
 *
 * Units: fields for what the reader saw (read, not readable by reason, unfamiliar, reading time);
 * cases (patients) for rates, since one patient's fields are not independent. A case belongs to
 * the day its current readings were made (lab time zone); it is assessable when at least one of
 * its fields was not refused by the readability gate, and positive when its suggestion names any
 * pattern. Agreement counts the cases signed (or amended) on the day.
 */
import { findLabel, isNotReadable, LABEL_KEYS, NOT_READABLE_WORDS, percentText, pValueText, type DayQc, type PatternRate, type RateVsBaseline } from '../../contract';
import type { ReadableDb } from '../db/connection';
import { getActiveModelVersion } from '../db/model-version.repo';
import { loadReportSettings } from '../reports/report-record';
import { dayRangeMs, localDate } from '../reports/report-time';
import { confusionTable } from './confusion';
import {
  BASELINE_DAYS,
  DRIFT_FAMILY_ALPHA,
  DRIFT_TEST_WORDS,
  driftTest,
  exactAlarmRate,
  MIN_BASELINE_CASES,
  MIN_BASELINE_DAYS,
  type Counts,
} from './drift';
import { currentReadingsBetween, currentSignedResults, type CurrentReading } from './qc-record';

export interface DayQcOptions {
  /** 'YYYY-MM-DD' in the lab's time zone; default today. */
  date?: string;
  /** Default: the report settings' time zone. */
  timeZone?: string;
  nowMs?: number;
}

/** 'YYYY-MM-DD' shifted by whole calendar days. */
function shiftDate(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

interface CaseOfDay {
  /** 0: the day; 1..BASELINE_DAYS: that many days before. */
  dayIndex: number;
  assessable: boolean;
  suggested: Set<string>;
}

/** Groups current readings into cases, each on the day of its newest reading. */
function casesOf(readings: CurrentReading[], dayStartsMs: number[]): Map<number, CaseOfDay> {
  const dayIndexOf = (ms: number) => dayStartsMs.findIndex((start) => ms >= start);
  const cases = new Map<number, CaseOfDay & { newestMs: number }>();
  for (const r of readings) {
    const c = cases.get(r.caseId) ?? { dayIndex: 0, assessable: false, suggested: new Set<string>(), newestMs: -Infinity };
    if (!isNotReadable(r.quality)) {
      c.assessable = true;
      r.predicted.forEach((k) => c.suggested.add(k));
    }
    c.newestMs = Math.max(c.newestMs, r.createdAtMs);
    c.dayIndex = dayIndexOf(c.newestMs);
    cases.set(r.caseId, c);
  }
  return cases;
}

function rateVsBaseline(day: Counts, baseline: Counts, alpha: number, testable: boolean): RateVsBaseline {
  const tested = testable && day.total > 0 ? driftTest(day, baseline, alpha) : null;
  return {
    count: day.positive,
    total: day.total,
    rate: day.total ? day.positive / day.total : null,
    baselineCount: baseline.positive,
    baselineTotal: baseline.total,
    baselineRate: baseline.total ? baseline.positive / baseline.total : null,
    pValue: tested?.pValue ?? null,
    alarm: tested?.alarm ?? false,
  };
}


function alarmLine(name: string, r: RateVsBaseline): string {
  const direction = (r.rate ?? 0) > (r.baselineRate ?? 0) ? 'up' : 'down';
  return `${name} ${direction}: ${percentText(r.rate)} (${r.count}/${r.total}) vs ${percentText(r.baselineRate)} (${r.baselineCount}/${r.baselineTotal}) over the last ${BASELINE_DAYS} days (p = ${pValueText(r.pValue)})`;
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function dayQc(db: ReadableDb, options: DayQcOptions = {}): DayQc {
  const timeZone = options.timeZone ?? loadReportSettings(db).timeZone;
  const date = options.date ?? localDate(options.nowMs ?? Date.now(), timeZone);
  const { startMs: dayStartMs, endMs: dayEndMs } = dayRangeMs(date, timeZone);
  const dayStartsMs = Array.from({ length: BASELINE_DAYS + 1 }, (_, i) => (i === 0 ? dayStartMs : dayRangeMs(shiftDate(date, -i), timeZone).startMs));
  const readings = currentReadingsBetween(db, dayStartsMs[BASELINE_DAYS]!, dayEndMs);
  const cases = [...casesOf(readings, dayStartsMs).values()].filter((c) => c.assessable);
  const todays = cases.filter((c) => c.dayIndex === 0);
  const baseline = cases.filter((c) => c.dayIndex > 0);
  const baselineDaysWithCases = new Set(baseline.map((c) => c.dayIndex)).size;
  const enoughHistory = baseline.length >= MIN_BASELINE_CASES && baselineDaysWithCases >= MIN_BASELINE_DAYS;

  // The patterns the models in use output, in the vocabulary's order.
  const modelKeys = new Set(readings.flatMap((r) => r.labels));
  const patternKeys = [...LABEL_KEYS.filter((k) => modelKeys.has(k)), ...[...modelKeys].filter((k) => !LABEL_KEYS.includes(k))];
  const tests = 1 + patternKeys.length;
  const perTestAlpha = DRIFT_FAMILY_ALPHA / tests;
  const countOf = (set: typeof cases, has: (c: CaseOfDay) => boolean): Counts => ({ positive: set.filter(has).length, total: set.length });

  const positivity = rateVsBaseline(countOf(todays, (c) => c.suggested.size > 0), countOf(baseline, (c) => c.suggested.size > 0), perTestAlpha, enoughHistory);
  const patterns: PatternRate[] = patternKeys.map((key) => ({
    key,
    displayName: findLabel(key)?.displayName ?? key,
    ...rateVsBaseline(countOf(todays, (c) => c.suggested.has(key)), countOf(baseline, (c) => c.suggested.has(key)), perTestAlpha, enoughHistory),
  }));
  const alarms = [
    ...(positivity.alarm ? [alarmLine('Positivity', positivity)] : []),
    ...patterns.filter((p) => p.alarm).map((p) => alarmLine(`${p.displayName} share`, p)),
  ];

  const dayReadings = readings.filter((r) => r.createdAtMs >= dayStartMs);
  const notReadable = new Map<string | null, number>();
  for (const r of dayReadings.filter((x) => isNotReadable(x.quality))) notReadable.set(r.quality!.reason, (notReadable.get(r.quality!.reason) ?? 0) + 1);
  const used = new Map<string, { modelId: string; version: string; provider: string; fields: number }>();
  for (const r of dayReadings) {
    const key = `${r.modelId}\u0000${r.modelVersion}\u0000${r.provider}`;
    const entry = used.get(key) ?? { modelId: r.modelId, version: r.modelVersion, provider: r.provider, fields: 0 };
    entry.fields++;
    used.set(key, entry);
  }
  const readingMs = dayReadings.map((r) => Object.entries(r.timingsMs).reduce((sum, [stage, ms]) => (stage === 'total' ? sum : sum + ms), 0)).sort((a, b) => a - b);
  const active = getActiveModelVersion(db);
  const signedToday = currentSignedResults(db, { startMs: dayStartMs, endMs: dayEndMs });

  return {
    date,
    timeZone,
    fields: {
      read: dayReadings.length,
      readable: dayReadings.filter((r) => r.quality?.verdict === 'readable').length,
      notAnalysed: dayReadings.filter((r) => r.quality === null).length,
      notReadable: [...notReadable].map(([reason, count]) => ({
        reason: reason as DayQc['fields']['notReadable'][number]['reason'],
        words: reason ? NOT_READABLE_WORDS[reason as keyof typeof NOT_READABLE_WORDS] : 'reason not recorded',
        count,
      })),
      withheld: dayReadings.filter((r) => r.withheld.length > 0).length,
      unfamiliar: dayReadings.filter((r) => r.familiarity?.unfamiliar === true).length,
      assumedPixelSize: dayReadings.filter((r) => r.pixelSizeSource === 'model-default').length,
    },
    cases: { read: new Set(dayReadings.map((r) => r.caseId)).size, assessable: todays.length },
    positivity,
    patterns,
    drift: {
      test: DRIFT_TEST_WORDS,
      familyFalseAlarmRate: DRIFT_FAMILY_ALPHA,
      perTestAlpha,
      tests,
      baselineDays: BASELINE_DAYS,
      baselineDaysWithCases,
      enoughHistory,
      positivityFalseAlarmRate:
        enoughHistory && positivity.total > 0 && positivity.baselineRate !== null
          ? exactAlarmRate(positivity.total, positivity.baselineTotal, positivity.baselineRate, positivity.baselineRate, perTestAlpha)
          : null,
      alarm: alarms.length > 0,
      alarms,
      note: enoughHistory
        ? null
        : `Not tested: the last ${BASELINE_DAYS} days hold ${baseline.length} assessable cases on ${baselineDaysWithCases} days; the test needs at least ${MIN_BASELINE_CASES} cases on ${MIN_BASELINE_DAYS} days.`,
    },
    agreement: confusionTable(signedToday.map((s) => ({ suggested: s.suggestion.predicted, signed: s.signed }))),
    models: {
      active: active ? { modelId: active.modelId, version: active.version } : null,
      usedToday: [...used.values()],
    },
    readingTime: {
      fields: readingMs.length,
      medianMs: quantile(readingMs, 0.5),
      p90Ms: quantile(readingMs, 0.9),
      totalMs: readingMs.reduce((a, b) => a + b, 0),
    },
  };
}
