import { describe, expect, it } from 'vitest';
import { addBusinessTime, CalendarError } from './calendar.ts';
import { BERLIN_OFFICE, HOUR, MIN } from './test-kit.ts';

/** Berlin wall-clock time → UTC ms, given the offset in hours in force then. */
const berlin = (y: number, m: number, d: number, h: number, min: number, offsetH: number) => Date.UTC(y, m - 1, d, h - offsetH, min);

describe('addBusinessTime', () => {
  it('Friday 17:00 + 2h of business time → Monday 10:00 (the SLA pauses overnight and over the weekend)', () => {
    expect(addBusinessTime(berlin(2026, 3, 6, 17, 0, 1), 2 * HOUR, BERLIN_OFFICE)).toBe(berlin(2026, 3, 9, 10, 0, 1));
  });

  it('a clock started outside working hours starts at the next opening', () => {
    expect(addBusinessTime(berlin(2026, 3, 3, 6, 30, 1), 30 * MIN, BERLIN_OFFICE)).toBe(berlin(2026, 3, 3, 9, 30, 1));
    expect(addBusinessTime(berlin(2026, 3, 3, 19, 0, 1), HOUR, BERLIN_OFFICE)).toBe(berlin(2026, 3, 4, 10, 0, 1));
    expect(addBusinessTime(berlin(2026, 3, 7, 12, 0, 1), HOUR, BERLIN_OFFICE)).toBe(berlin(2026, 3, 9, 10, 0, 1)); // Saturday
  });

  it('long SLAs span several working days (9 h a day)', () => {
    expect(addBusinessTime(berlin(2026, 3, 2, 9, 0, 1), 20 * HOUR, BERLIN_OFFICE)).toBe(berlin(2026, 3, 4, 11, 0, 1));
  });

  it('skips holidays', () => {
    // Thursday 24 Dec 2026 17:00, 2h: 1h that day, Friday 25th is a holiday, the weekend → Monday 28th 10:00.
    expect(addBusinessTime(berlin(2026, 12, 24, 17, 0, 1), 2 * HOUR, BERLIN_OFFICE)).toBe(berlin(2026, 12, 28, 10, 0, 1));
  });

  it('follows the time zone across a daylight-saving change', () => {
    // Berlin switches to CEST (UTC+2) on Sunday 29 March 2026: Friday 17:00 CET + 2h → Monday 10:00 CEST.
    expect(addBusinessTime(berlin(2026, 3, 27, 17, 0, 1), 2 * HOUR, BERLIN_OFFICE)).toBe(berlin(2026, 3, 30, 10, 0, 2));
    const tokyo = { ...BERLIN_OFFICE, id: 'tokyo', timeZone: 'Asia/Tokyo' };
    expect(addBusinessTime(Date.UTC(2026, 2, 6, 8, 0), 2 * HOUR, tokyo)).toBe(Date.UTC(2026, 2, 9, 1, 0)); // Fri 17:00 JST → Mon 10:00 JST
  });

  it('explains an impossible calendar', () => {
    expect(() => addBusinessTime(0, HOUR, { ...BERLIN_OFFICE, workingDays: [] })).toThrow(new CalendarError(BERLIN_OFFICE, 'no working time within 3660 days (check workingDays, start/end and holidays)'));
    expect(() => addBusinessTime(0, HOUR, { ...BERLIN_OFFICE, start: '18:00', end: '09:00' })).toThrow('calendar "berlin-office": end (09:00) must be later than start (18:00)');
  });
});
