/**
 * Quality control of the lab's own numbers: the day dashboard ("Today": fields read, not readable,
 * unfamiliar, positivity and pattern mix against the trailing 30 days with a drift alarm, the
 * physicians' agreement with the suggestions, the model in use, reading time) and the per-version
 * evidence for the lab's ISO 15189 verification (suggestion vs signed result per pattern).
 * One core function feeds the page, its PDF and `ana qc`; see docs/today.md.
 */
import { z } from 'zod';
import { NotReadableReason } from '../quality';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

/** A day's rate (cases with the finding / assessable cases) beside the trailing baseline, and its drift test. */
export const RateVsBaseline = z.object({
  count: z.number().int(),
  total: z.number().int(),
  /** count / total; null without assessable cases. */
  rate: z.number().nullable(),
  baselineCount: z.number().int(),
  baselineTotal: z.number().int(),
  baselineRate: z.number().nullable(),
  /** Two-sided Fisher exact test of the day against the baseline; null when not tested (no history or no cases). */
  pValue: z.number().nullable(),
  /** True when pValue is at or below the per-test level (drift.perTestAlpha). */
  alarm: z.boolean(),
});
export type RateVsBaseline = z.infer<typeof RateVsBaseline>;

export const PatternRate = RateVsBaseline.extend({ key: z.string(), displayName: z.string() });
export type PatternRate = z.infer<typeof PatternRate>;

/** Suggestion vs signed result for one pattern over a set of signed cases ('positive': any pattern). */
export const ConfusionRow = z.object({
  key: z.string(),
  displayName: z.string(),
  /** Suggested and signed. */
  truePositive: z.number().int(),
  /** Suggested, not signed. */
  falsePositive: z.number().int(),
  /** Signed, not suggested. */
  falseNegative: z.number().int(),
  trueNegative: z.number().int(),
  /** TP / (TP + FN); null when no signed case has the pattern. */
  sensitivity: z.number().nullable(),
  /** TP / (TP + FP); null when the pattern was never suggested. */
  ppv: z.number().nullable(),
  /** 95 % Wilson score intervals [low, high] of sensitivity and PPV (small counts say little). */
  sensitivityCi95: z.tuple([z.number(), z.number()]).nullable(),
  ppvCi95: z.tuple([z.number(), z.number()]).nullable(),
  /** (TP + TN) / cases; null without cases. */
  agreement: z.number().nullable(),
});
export type ConfusionRow = z.infer<typeof ConfusionRow>;

export const ConfusionTable = z.object({
  /** Signed cases counted (the latest signed decision of each). */
  cases: z.number().int(),
  /** Cases whose signed pattern set equals the suggested one. */
  exactMatches: z.number().int(),
  /** First row 'positive' (any pattern), then one row per pattern. */
  rows: z.array(ConfusionRow),
});
export type ConfusionTable = z.infer<typeof ConfusionTable>;

export const DriftSummary = z.object({
  /** The test in words, for the page, the PDF and the CLI. */
  test: z.string(),
  /** The designed false-alarm rate of the day (all tests together): at most this share of stable days raise an alarm. */
  familyFalseAlarmRate: z.number(),
  /** The level each of the `tests` is run at (Bonferroni: familyFalseAlarmRate / tests). */
  perTestAlpha: z.number(),
  tests: z.number().int(),
  baselineDays: z.number().int(),
  /** Days of the baseline window with at least one assessable case. */
  baselineDaysWithCases: z.number().int(),
  /** False when the history is too short to test (then no alarm is raised, and the page says why). */
  enoughHistory: z.boolean(),
  /** The positivity test's exact false-alarm probability at today's and the baseline's numbers, if the rate were stable at the baseline's. */
  positivityFalseAlarmRate: z.number().nullable(),
  alarm: z.boolean(),
  /** One line per raised alarm, e.g. "Positivity 62 % (31/50) vs 30 % over the last 30 days (p = 0.00002)". */
  alarms: z.array(z.string()),
  /** Why nothing was tested, when enoughHistory is false. */
  note: z.string().nullable(),
});
export type DriftSummary = z.infer<typeof DriftSummary>;

export const DayQc = z.object({
  date: IsoDate,
  timeZone: z.string(),
  fields: z.object({
    /** Fields whose current reading was made on the day. */
    read: z.number().int(),
    readable: z.number().int(),
    /** Read before the readability gate existed (no verdict stored). */
    notAnalysed: z.number().int(),
    notReadable: z.array(z.object({ reason: NotReadableReason.nullable(), words: z.string(), count: z.number().int() })),
    /** Screened negative while the model calls a pattern on them (withheld, not suggested): a rising count says screening and the model disagree more. */
    withheld: z.number().int(),
    unfamiliar: z.number().int(),
    /** Cut at the model's assumed pixel size: the file states none and no microscope profile was set. */
    assumedPixelSize: z.number().int(),
  }),
  /** Cases whose current readings were made on the day; assessable: at least one field not refused by the gate. */
  cases: z.object({ read: z.number().int(), assessable: z.number().int() }),
  positivity: RateVsBaseline,
  patterns: z.array(PatternRate),
  drift: DriftSummary,
  /** Cases signed (or amended) on the day: the physicians' result against the suggestion they saw. */
  agreement: ConfusionTable,
  models: z.object({
    active: z.object({ modelId: z.string(), version: z.string() }).nullable(),
    /** The model versions and execution providers that made the day's readings. */
    usedToday: z.array(z.object({ modelId: z.string(), version: z.string(), provider: z.string(), fields: z.number().int() })),
  }),
  readingTime: z.object({
    fields: z.number().int(),
    /** Model time per field (decode to aggregate, as stored with each reading). */
    medianMs: z.number().nullable(),
    p90Ms: z.number().nullable(),
    totalMs: z.number(),
  }),
});
export type DayQc = z.infer<typeof DayQc>;

export const ModelEvidence = ConfusionTable.extend({
  modelId: z.string(),
  version: z.string(),
  /** Signed cases whose suggestion came from more than one version: left out of every version's table. */
  mixedVersionCases: z.number().int(),
});
export type ModelEvidence = z.infer<typeof ModelEvidence>;

export const qcChannels = {
  /** The day's figures (default: today in the lab's time zone). */
  'qc/day': { request: z.object({ date: IsoDate.optional() }).strict(), response: DayQc },
  /** The same figures as a printable PDF, base64-encoded. */
  'qc/day-pdf': { request: z.object({ date: IsoDate.optional() }).strict(), response: z.object({ fileName: z.string(), base64: z.string() }) },
  /** Per model version: suggestion vs signed result per pattern over the signed cases read with it. */
  'qc/model-evidence': { request: z.object({}).strict(), response: z.array(ModelEvidence) },
} as const;
