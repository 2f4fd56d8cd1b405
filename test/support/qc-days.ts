/**
 * A lab's month for the day dashboard: 30 stable days and the day under test, each with a run of
 * cases read (through the real repositories, as seedReadCase writes them) and some signed by a
 * physician through the review service (draft, password, signature) — so positivity, pattern mix,
 * not-readable and unfamiliar fields, agreement and per-version evidence all come from a real
 * record. Seeded: the same plan gives the same record. The day's positivity can be shifted to
 * raise the drift alarm.
 */
import type { SessionUser } from '../../electron/contract';
import { inTransaction, type WritableDb } from '../../electron/core/db/connection';
import { Random } from '../../electron/core/random';
import { saveDraft, signCase } from '../../electron/core/review/review.service';
import { seedReadCase, TEST_LABELS, TEST_PASSWORD } from './record-fixtures';

export interface QcMonthPlan {
  /** The day under test, 'YYYY-MM-DD' in UTC. */
  date: string;
  /** Cases read on each of the 30 baseline days, and on the day. */
  casesPerDay: number;
  dayCases: number;
  /** Share of positive cases on the 30 stable days. */
  stableRate: number;
  /** Share of positive cases on the day (stableRate for a stable day). */
  dayRate: number;
  /** Cases signed on each baseline day (all of the day's assessable cases are signed). */
  signedPerBaselineDay: number;
  seed: number;
  model: { modelId: string; modelVersion: string; provider: string };
  /** Days seeded before the day (default 30, the baseline window; more for a longer record). */
  daysBefore?: number;
}

export interface SignedOutcome {
  suggested: string[];
  signed: string[];
}

export interface QcMonth {
  /** Assessable cases of the day and how many were suggested positive. */
  day: { total: number; positive: number; notReadable: number; unfamiliar: number; assumedPixelSize: number; signed: SignedOutcome[] };
  baseline: { total: number; positive: number };
  /** Every signed case of the month (the version's evidence). */
  signed: SignedOutcome[];
}

/** Pattern shares among positive cases. */
const PATTERN_SHARES: [string, number][] = [
  ['homogeneous', 0.3],
  ['speckled', 0.3],
  ['centromere', 0.1],
  ['nucleolar', 0.1],
  ['nuclear_dots', 0.05],
  ['nuclear_envelope', 0.05],
  ['mitochondrial', 0.05],
  ['golgi', 0.05],
];

const READABLE = { verdict: 'readable', reason: null, cells: 64, mitoses: 2, focus: 0.31, saturatedFraction: 0.001, signalToBackground: 3.2 } as const;
const DAY_MS = 86_400_000;

function pickPattern(random: Random): string {
  let u = random.next();
  for (const [key, share] of PATTERN_SHARES) if ((u -= share) < 0) return key;
  return PATTERN_SHARES[0]![0];
}

/** What a physician signs for a suggestion: mostly the same, sometimes another pattern or negative. */
function physicianResult(random: Random, suggested: string[]): string[] {
  const u = random.next();
  if (u < 0.08) return suggested.length ? [] : [pickPattern(random)];
  if (u < 0.16 && suggested.length) return [pickPattern(random)];
  return suggested;
}

interface DayPlan {
  back: number;
  startMs: number;
  rate: number;
}

/** One day's reading run (one transaction: the seeding stays a matter of seconds); returns the cases to sign. */
function readDay(db: WritableDb, random: Random, plan: QcMonthPlan, day: DayPlan, month: QcMonth): { caseId: number; suggested: string[] }[] {
  const tag = new Date(day.startMs).toISOString().slice(0, 10).replaceAll('-', '');
  const toSign: { caseId: number; suggested: string[] }[] = [];
  // One more case a day whose only field the readability gate refused (never assessable); two on the day.
  const refused = day.back === 0 ? 2 : 1;
  const cases = day.back === 0 ? plan.dayCases : plan.casesPerDay;
  for (let i = 0; i < cases + refused; i++) {
    const notReadable = i >= cases;
    const suggested = !notReadable && random.next() < day.rate ? [pickPattern(random)] : [];
    const unfamiliar = day.back === 0 && i % 10 === 3;
    // A few of the day's fields from a camera that states no pixel size, read without a profile.
    const assumedPixelSize = day.back === 0 && i % 10 === 7;
    if (assumedPixelSize) month.day.assumedPixelSize++;
    const { caseId } = seedReadCase(db, {
      accessionId: `QC${tag}-${String(i + 1).padStart(3, '0')}`,
      receivedAtMs: day.startMs + 8 * 3_600_000 + i * 300_000,
      probabilities: Object.fromEntries(TEST_LABELS.map((k) => [k, suggested.includes(k) ? 0.82 : 0.04])),
      quality: notReadable ? { ...READABLE, verdict: 'not-readable', reason: i % 2 ? 'out-of-focus' : 'blank', cells: 0 } : READABLE,
      familiarity: { unfamiliar, distance: unfamiliar ? 1.6 : 0.4 },
      pixelSizeSource: assumedPixelSize ? 'model-default' : 'file',
      model: plan.model,
      timingsMs: { decode: 180 + random.int(0, 60), tile: 20, analyse: 400 + random.int(0, 200), infer: 900 + random.int(0, 300), aggregate: 2 },
    });
    if (notReadable) {
      if (day.back === 0) month.day.notReadable++;
      continue;
    }
    // The truth counts the day and its 30-day baseline; older days are history only.
    const counts = day.back === 0 ? month.day : day.back <= 30 ? month.baseline : { total: 0, positive: 0 };
    counts.total++;
    if (suggested.length) counts.positive++;
    if (unfamiliar) month.day.unfamiliar++;
    if (day.back === 0 || toSign.length < plan.signedPerBaselineDay) toSign.push({ caseId, suggested });
  }
  return toSign;
}

export async function seedQcMonth(db: WritableDb, physician: SessionUser, plan: QcMonthPlan): Promise<QcMonth> {
  const random = new Random(plan.seed);
  const dayStartMs = Date.parse(`${plan.date}T00:00:00Z`);
  const month: QcMonth = { day: { total: 0, positive: 0, notReadable: 0, unfamiliar: 0, assumedPixelSize: 0, signed: [] }, baseline: { total: 0, positive: 0 }, signed: [] };
  for (let back = plan.daysBefore ?? 30; back >= 0; back--) {
    const day = { back, startMs: dayStartMs - back * DAY_MS, rate: back === 0 ? plan.dayRate : plan.stableRate };
    const toSign = inTransaction(db, () => readDay(db, random, plan, day, month));
    for (const [k, c] of toSign.entries()) {
      const signed = physicianResult(random, c.suggested);
      const atMs = day.startMs + 14 * 3_600_000 + k * 60_000;
      saveDraft(db, physician, { caseId: c.caseId, labels: signed.map((key) => ({ key })), comment: '' }, atMs);
      await signCase(db, physician, { caseId: c.caseId, password: TEST_PASSWORD, meaning: 'reviewed' }, atMs + 1000);
      const outcome = { suggested: c.suggested, signed };
      month.signed.push(outcome);
      if (back === 0) month.day.signed.push(outcome);
    }
  }
  return month;
}
