import { describe, expect, it } from 'vitest';
import { dayRangeMs, displayDateTime, hl7DateTime, isoDateTime, localDate } from '../../../../electron/core/reports/report-time';

describe('report times', () => {
  it('formats in the configured zone, not the machine zone', () => {
    const ms = Date.UTC(2026, 6, 1, 22, 30, 0); // summer: Berlin is UTC+2
    expect(localDate(ms, 'Europe/Berlin')).toBe('2026-07-02');
    expect(localDate(ms, 'UTC')).toBe('2026-07-01');
    expect(hl7DateTime(ms, 'Europe/Berlin')).toBe('20260702003000+0200');
    expect(hl7DateTime(ms, 'America/New_York')).toBe('20260701183000-0400');
    expect(isoDateTime(ms, 'Asia/Kolkata')).toBe('2026-07-02T04:00:00+05:30');
    expect(displayDateTime(ms, 'UTC')).toBe('2026-07-01 22:30 (UTC)');
  });

  it('gives the day range in the zone, including DST change days', () => {
    const d = dayRangeMs('2026-03-29', 'Europe/Berlin'); // 23-hour day
    expect(d.startMs).toBe(Date.UTC(2026, 2, 28, 23));
    expect(d.endMs - d.startMs).toBe(23 * 3600_000);
    const u = dayRangeMs('2026-11-29', 'UTC');
    expect(u).toEqual({ startMs: Date.UTC(2026, 10, 29), endMs: Date.UTC(2026, 10, 30) });
  });

  it('rejects bad dates and zones with a clear message', () => {
    expect(() => dayRangeMs('2026-02-30', 'UTC')).toThrow(/no such calendar day/);
    expect(() => dayRangeMs('29.11.2026', 'UTC')).toThrow(/expected YYYY-MM-DD/);
    expect(() => localDate(0, 'Mars/Olympus')).toThrow(/Unknown time zone 'Mars\/Olympus'/);
  });
});
