// Business time: an SLA clock that only runs inside a calendar's working hours, in the calendar's
// own time zone (via Intl, so daylight-saving changes are honoured), skipping weekends and holidays.
import type { CalendarDef } from './model.ts';

const DAY_MS = 86_400_000;
/** A calendar with no working time at all would loop forever; ten years is far beyond any SLA. */
const MAX_DAYS = 3660;

export class CalendarError extends Error {
  constructor(calendar: CalendarDef, message: string) {
    super(`calendar "${calendar.id}": ${message}`);
    this.name = 'CalendarError';
  }
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock fields of an instant, as if that wall clock were UTC (ms). */
function localAsUtc(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) + (ms % 1000 + 1000) % 1000;
}

/** The instant at which the zone's wall clock shows the given local time (one next to it inside a DST gap). */
function zonedTime(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * 60_000;
  const offset1 = localAsUtc(wall, timeZone) - wall;
  const guess = wall - offset1;
  const offset2 = localAsUtc(guess, timeZone) - guess;
  return offset1 === offset2 ? guess : wall - Math.max(offset1, offset2);
}

function localDateOf(ms: number, timeZone: string): LocalDate {
  const d = new Date(localAsUtc(ms, timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function nextDate(date: LocalDate): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** ISO weekday, 1 = Monday … 7 = Sunday. */
function isoWeekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() || 7;
}

function minuteOfDay(calendar: CalendarDef, clock: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(clock);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : NaN;
  if (!(minutes >= 0 && minutes <= 24 * 60)) throw new CalendarError(calendar, `expected a time such as "09:00", got "${clock}"`);
  return minutes;
}

/** The working window [open, close) of a local date, or null on a day off. */
function workingWindow(calendar: CalendarDef, date: LocalDate, openMin: number, closeMin: number): [number, number] | null {
  if (!calendar.workingDays.includes(isoWeekday(date)) || calendar.holidays.includes(isoDate(date))) return null;
  return [zonedTime(date, openMin, calendar.timeZone), zonedTime(date, closeMin, calendar.timeZone)];
}

/**
 * The instant at which `durationMs` of working time has passed since `startMs`. Time outside working
 * hours does not count: a clock started on Friday at 17:00 with 2 h left in a 09:00–18:00 Mon–Fri
 * calendar runs one hour on Friday and ends on Monday at 10:00.
 */
export function addBusinessTime(startMs: number, durationMs: number, calendar: CalendarDef): number {
  const openMin = minuteOfDay(calendar, calendar.start);
  const closeMin = minuteOfDay(calendar, calendar.end);
  if (openMin >= closeMin) throw new CalendarError(calendar, `end (${calendar.end}) must be later than start (${calendar.start})`);
  let remaining = Math.max(0, durationMs);
  let cursor = startMs;
  let date = localDateOf(startMs, calendar.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, date = nextDate(date)) {
    const window = workingWindow(calendar, date, openMin, closeMin);
    if (window === null) continue;
    const from = Math.max(window[0], cursor);
    if (from >= window[1]) continue;
    if (from + remaining <= window[1]) return from + remaining;
    remaining -= window[1] - from;
    cursor = window[1];
  }
  throw new CalendarError(calendar, `no working time within ${MAX_DAYS} days (check workingDays, start/end and holidays)`);
}
