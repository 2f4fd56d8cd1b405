/**
 * Times printed on reports and in messages, in the lab's configured time zone (never the
 * machine's), so the same record renders identically on any PC.
 */
import { DomainError } from '../errors';

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(ms: number, timeZone: string): LocalParts {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch {
      throw new DomainError('bad-request', `Unknown time zone '${timeZone}' in the report settings`);
    }
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** Minutes east of UTC at that instant in that zone. */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** 'YYYY-MM-DD' in the zone. */
export function localDate(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** 'YYYY-MM-DD HH:mm (Zone)' for people. */
export function displayDateTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)} (${timeZone})`;
}

/** HL7 v2 DTM with seconds and offset: 'YYYYMMDDHHMMSS+ZZZZ'. */
export function hl7DateTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const off = utcOffsetMinutes(ms, timeZone);
  const sign = off < 0 ? '-' : '+';
  return `${p.year}${pad(p.month)}${pad(p.day)}${pad(p.hour)}${pad(p.minute)}${pad(p.second)}${sign}${pad(Math.floor(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`;
}

/** ISO 8601 with offset for CSV: '2026-11-29T14:03:05+01:00'. */
export function isoDateTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const off = utcOffsetMinutes(ms, timeZone);
  const sign = off < 0 ? '-' : '+';
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** [start, end) in epoch ms of a calendar day 'YYYY-MM-DD' in the zone. */
export function dayRangeMs(date: string, timeZone: string): { startMs: number; endMs: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new DomainError('bad-request', `Invalid date '${date}': expected YYYY-MM-DD`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) {
    throw new DomainError('bad-request', `Invalid date '${date}': no such calendar day`);
  }
  return { startMs: zonedMidnight(y, mo, d, timeZone), endMs: zonedMidnight(y, mo, d + 1, timeZone) };
}

function zonedMidnight(y: number, mo: number, d: number, timeZone: string): number {
  const naive = Date.UTC(y, mo - 1, d);
  // Two passes settle the offset across a DST change.
  let guess = naive - utcOffsetMinutes(naive, timeZone) * 60_000;
  guess = naive - utcOffsetMinutes(guess, timeZone) * 60_000;
  return guess;
}
