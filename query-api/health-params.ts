// Pure parsing of the health dashboard's query string (from, to, bucket) and the window it resolves to
// once the clock is known (docs/health.md "Window and buckets"). Problems are OT_ERR_BAD_PARAMETER
// naming the parameter (params.ts conventions).
import { bucketCount, defaultBucketMs, MAX_BUCKETS } from '../core/stats-buckets.ts';
import { ceilMs } from './alert-params.ts';
import { badParameter, expected, knownNames, parseTimeRange, rejectUnknown, single, type RawQuery } from './params.ts';
import { HEALTH_QUERY_SCHEMA } from './schemas.ts';

/** The window when neither bound is given: the last 24 hours. */
export const DEFAULT_WINDOW_MS = 86_400_000;

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface HealthParams {
  /** Whole ms (a sub-millisecond bound is rounded up). */
  fromMs?: number;
  toMs?: number;
  bucketMs?: number;
}

export interface HealthWindow {
  fromMs: number;
  toMs: number;
  bucketMs: number;
}

/** "5m", "1h", "1d", "30s" → ms. */
export function parseBucket(text: string): number {
  const match = /^(\d{1,9})([smhd])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : 0;
  if (!(ms > 0)) throw expected('bucket', 'a positive whole number of s, m, h or d (e.g. 5m, 1h, 1d)', text);
  return ms;
}

export function parseHealthQuery(raw: RawQuery): HealthParams {
  rejectUnknown(raw, knownNames(HEALTH_QUERY_SCHEMA), false);
  const { fromNs, toNs } = parseTimeRange(single(raw, 'from'), single(raw, 'to'));
  const params: HealthParams = {};
  if (fromNs !== undefined) params.fromMs = ceilMs(fromNs);
  if (toNs !== undefined) params.toMs = ceilMs(toNs);
  const bucket = single(raw, 'bucket');
  if (bucket !== undefined) params.bucketMs = parseBucket(bucket);
  return params;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The window: `to` defaults to now, `from` to 24 h before `to`; the bucket to defaultBucketMs. */
export function healthWindow(params: HealthParams, nowMs: number): HealthWindow {
  const toMs = params.toMs ?? Math.max(Math.floor(nowMs), 1);
  const fromMs = params.fromMs ?? Math.max(0, toMs - DEFAULT_WINDOW_MS);
  if (fromMs >= toMs) {
    throw badParameter(`from must be earlier than to, got from=${iso(fromMs)} to=${iso(toMs)}${params.toMs === undefined ? ' (now)' : ''}`);
  }
  const bucketMs = params.bucketMs ?? defaultBucketMs(toMs - fromMs);
  const buckets = bucketCount(toMs - fromMs, bucketMs);
  if (buckets > MAX_BUCKETS) {
    throw badParameter(`a bucket of ${bucketMs} ms cuts the window from ${iso(fromMs)} to ${iso(toMs)} into ${buckets} buckets; at most ${MAX_BUCKETS} — choose a wider bucket`);
  }
  return { fromMs, toMs, bucketMs };
}
