// Time buckets of the health dashboard (docs/health.md "Buckets"): starts aligned to multiples of the
// width since the epoch, so every store, page and refresh agrees on them, and a default width that
// keeps a chart readable.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Most buckets a window may be cut into. */
export const MAX_BUCKETS = 500;
/** The default width keeps a window at or under this many buckets. */
export const TARGET_BUCKETS = 48;
/** Default widths, smallest first: 1m, 5m, 15m, 1h, 6h, 1d. */
export const BUCKET_CHOICES_MS: readonly number[] = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR, DAY];

/** Start of the bucket holding tMs. */
export function bucketStart(tMs: number, bucketMs: number): number {
  return Math.floor(tMs / bucketMs) * bucketMs;
}

/** Buckets of width bucketMs a window of spanMs needs (its last one may be partial). */
export function bucketCount(spanMs: number, bucketMs: number): number {
  return Math.ceil(spanMs / bucketMs);
}

/**
 * The smallest choice giving at most TARGET_BUCKETS buckets; a window longer than 48 days gets whole
 * days, as many as keep it at TARGET_BUCKETS.
 */
export function defaultBucketMs(spanMs: number): number {
  const fits = BUCKET_CHOICES_MS.find((width) => bucketCount(spanMs, width) <= TARGET_BUCKETS);
  return fits ?? Math.ceil(spanMs / TARGET_BUCKETS / DAY) * DAY;
}
