// Time helpers. The API gives nanosecond timestamps as exact decimal strings (they exceed 2^53);
// the UI computes offsets exactly with BigInt and only turns small differences into numbers.
import { t } from './strings.ts';

const NS_PER_MS = 1_000_000n;

/** ns string → ms since the epoch (sub-ms precision is lost, which display does not need). */
export function nsToMs(ns: string): number {
  return Number(BigInt(ns) / NS_PER_MS) + Number(BigInt(ns) % NS_PER_MS) / 1e6;
}

/** Exact ns offset of `ns` from `base`, as a number (exact while under 104 days apart). */
export function offsetNs(ns: string, base: bigint): number {
  return Number(BigInt(ns) - base);
}

/** Exact UTC timestamp with all nine fractional digits: 2026-11-25T09:30:00.123456789Z. */
export function nsToIso(ns: string): string {
  const big = BigInt(ns);
  const ms = Number(big / NS_PER_MS);
  const fraction = (big % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${fraction}Z`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local wall-clock time, to the millisecond: 2026-11-25 10:30:00.123. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
  );
}

export function formatNsTime(ns: string | null): string {
  return ns === null ? t.common.none : formatTime(nsToMs(ns));
}

/** Three significant digits without trailing zeros: 1.50 → "1.5", 12.345 → "12.3". */
function short(n: number): string {
  return String(Number(n.toPrecision(3)));
}

/** A duration a person reads at a glance: 850 µs, 12.3 ms, 4.2 s, 3m 12s, 5h 3m, 2d 4h. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return t.common.none;
  const sign = ms < 0 ? '-' : '';
  const a = Math.abs(ms);
  if (a < 0.001) return sign + t.duration.ns(String(Math.round(a * 1e6)));
  if (a < 1) return sign + t.duration.us(short(a * 1000));
  if (a < 1000) return sign + t.duration.ms(short(a));
  if (a < 60_000) return sign + t.duration.s(short(a / 1000));
  const totalS = Math.round(a / 1000);
  if (totalS < 3600) return sign + t.duration.m(Math.floor(totalS / 60), totalS % 60);
  const totalM = Math.round(a / 60_000);
  if (totalM < 24 * 60) return sign + t.duration.h(Math.floor(totalM / 60), totalM % 60);
  const totalH = Math.round(a / 3_600_000);
  return sign + t.duration.d(Math.floor(totalH / 24), totalH % 24);
}

/** Duration of a span from its ns strings, in ms (exact difference). */
export function spanDurationMs(startNs: string, endNs: string): number {
  return Number(BigInt(endNs) - BigInt(startNs)) / 1e6;
}
