// Span durations in buckets for the search page's histogram: logarithmic, because latencies spread
// over orders of magnitude (a 2 ms query and a 30 s carrier call on one chart). Pure.
export interface Bucket {
  /** Inclusive lower bound, ms. */
  fromMs: number;
  /** Upper bound, ms (inclusive for the last bucket). */
  toMs: number;
  count: number;
}

/** Smallest duration on the log scale: 1 µs. */
const FLOOR_MS = 0.001;

export function durationHistogram(durationsMs: number[], bucketCount = 20): Bucket[] {
  const values = durationsMs.filter((d) => Number.isFinite(d) && d >= 0);
  if (values.length === 0) return [];
  const lo = Math.max(FLOOR_MS, values.reduce((a, b) => Math.min(a, b), Infinity));
  const hi = Math.max(lo, values.reduce((a, b) => Math.max(a, b), -Infinity));
  if (hi === lo) return [{ fromMs: lo, toMs: hi, count: values.length }];
  const logLo = Math.log10(lo);
  const step = (Math.log10(hi) - logLo) / bucketCount;
  const buckets: Bucket[] = Array.from({ length: bucketCount }, (_, i) => ({
    fromMs: 10 ** (logLo + i * step),
    toMs: 10 ** (logLo + (i + 1) * step),
    count: 0,
  }));
  buckets[0]!.fromMs = lo;
  buckets[bucketCount - 1]!.toMs = hi;
  for (const v of values) {
    const i = v <= lo ? 0 : Math.min(bucketCount - 1, Math.floor((Math.log10(v) - logLo) / step));
    buckets[i]!.count++;
  }
  return buckets;
}
