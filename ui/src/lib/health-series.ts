// Time series of the health API on one bucket timeline. The API omits buckets with nothing in them;
// counts fill those with 0, durations with null (a gap: no completion, not a zero-length one). Also
// round durations for axes and labels. Pure.
import { t } from './strings.ts';
import { formatDuration, formatTime } from './time.ts';

/** ECharts' [time, value] pair. */
export type Pair = [number, number | null];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** More buckets than the API ever returns (it rejects > 500): a guard against a bad bucketMs. */
const MAX_BUCKETS = 1000;

/** Bucket starts covering [fromMs, toMs): multiples of bucketMs since the epoch, as the API aligns them. */
export function bucketStarts(fromMs: number, toMs: number, bucketMs: number): number[] {
  if (!(bucketMs > 0) || !(toMs > fromMs)) return [];
  const starts: number[] = [];
  for (let t = Math.floor(fromMs / bucketMs) * bucketMs; t < toMs && starts.length < MAX_BUCKETS; t += bucketMs) starts.push(t);
  return starts;
}

/** One value per bucket start: `valueOf` the point at that start, else `missing`. */
export function onTimeline<P extends { tMs: number }>(starts: number[], points: P[], valueOf: (point: P) => number, missing: number | null): Pair[] {
  const byStart = new Map(points.map((p) => [p.tMs, p]));
  return starts.map((t) => {
    const point = byStart.get(t);
    return [t, point === undefined ? missing : valueOf(point)];
  });
}

/** Bucket-wise sum of several count series on the same timeline. */
export function sumSeries(series: Pair[][], starts: number[]): Pair[] {
  return starts.map((t, i) => [t, series.reduce((sum, s) => sum + (s[i]?.[1] ?? 0), 0)]);
}

/** A bucket as a person reads it: its local start to the minute ("2026-03-01 10:00"). */
export function formatBucket(tMs: number): string {
  return formatTime(tMs).slice(0, 16);
}

/** A duration in whole units where it has them (bucket widths, axis ticks, expected durations): "5 min", "6 h", "1 d"; others as formatDuration. */
export function formatRoundDuration(ms: number): string {
  const { d, h, m } = t.health.range.units;
  if (ms === 0) return '0';
  if (ms > 0 && ms % DAY === 0) return d(ms / DAY);
  if (ms > 0 && ms % HOUR === 0) return h(ms / HOUR);
  if (ms > 0 && ms % MINUTE === 0) return m(ms / MINUTE);
  return formatDuration(ms);
}

/** Ticks of a log duration axis: round durations about a decade (or a clock unit) apart. */
const LOG_TICKS_MS = [1, 10, 100, SECOND, 10 * SECOND, MINUTE, 10 * MINUTE, HOUR, 6 * HOUR, DAY, 7 * DAY, 30 * DAY, 365 * DAY];

/** Durations below this are drawn at it (a log axis has no 0); tooltips still tell the real value. */
export const LOG_FLOOR_MS = 1;

/** A duration's place on a log axis: log10 of the ms, from LOG_FLOOR_MS up. */
export const logMs = (ms: number): number => Math.log10(Math.max(ms, LOG_FLOOR_MS));

/**
 * A log duration axis from the round tick at or below `lowMs` to the one at or above `highMs` (at
 * least two ticks apart): seconds and days fit on one chart. Values are log10 of ms (logMs).
 */
export function logDurationScale(lowMs: number, highMs: number): { min: number; max: number; ticks: number[] } {
  const low = Math.max(lowMs, LOG_FLOOR_MS);
  let bottom = LOG_TICKS_MS.findLastIndex((tick) => tick <= low);
  let top = LOG_TICKS_MS.findIndex((tick) => tick >= Math.max(highMs, low));
  if (bottom < 0) bottom = 0;
  if (top < 0) top = LOG_TICKS_MS.length - 1;
  if (top === bottom) top < LOG_TICKS_MS.length - 1 ? top++ : bottom--;
  const ticks = LOG_TICKS_MS.slice(bottom, top + 1).map((tick) => Math.log10(tick));
  return { min: ticks[0]!, max: ticks[ticks.length - 1]!, ticks };
}
