// The health dashboard's time range ↔ its URL ↔ the health API's parameters. Encoded like the search
// route's (search-params.ts): `since` (1h, 6h, 24h, 7d) is relative and turned into from/to when
// the page loads, so a link keeps meaning "the last day"; `from`/`to` (RFC 3339) are a fixed window.
// `bucket` (the API's own, e.g. 5m) passes through. Pure.
import type { Params } from './route.ts';
import { SINCE_MS } from './search-params.ts';

/** The relative ranges the page offers, shortest first. */
export const HEALTH_SINCE = ['1h', '6h', '24h', '7d'] as const;
/** The API's own default window, chosen when the URL names none. */
export const DEFAULT_SINCE = '24h';

export type HealthRange = { kind: 'since'; since: string } | { kind: 'custom'; from: string; to: string };

/** The range a URL names; `since` wins over from/to (as in search), an unknown one means the default. */
export function rangeFromParams(params: Params): HealthRange {
  if (params.since !== undefined && SINCE_MS[params.since] !== undefined) return { kind: 'since', since: params.since };
  if (params.from || params.to) return { kind: 'custom', from: params.from ?? '', to: params.to ?? '' };
  return { kind: 'since', since: DEFAULT_SINCE };
}

/** URL parameters for a range (also the search route's own form of the same range). */
export function paramsFromRange(range: HealthRange): Params {
  if (range.kind === 'since') return { since: range.since };
  const params: Params = {};
  if (range.from.trim()) params.from = range.from.trim();
  if (range.to.trim()) params.to = range.to.trim();
  return params;
}

/**
 * The health API's parameters for a URL at `nowMs`: one explicit window, so the five requests of a
 * page agree on it even though they are answered at slightly different times.
 */
export function healthApiParams(params: Params, nowMs: number): Params {
  const range = rangeFromParams(params);
  const query =
    range.kind === 'since'
      ? { from: new Date(nowMs - SINCE_MS[range.since]!).toISOString(), to: new Date(nowMs).toISOString() }
      : paramsFromRange(range);
  return params.bucket ? { ...query, bucket: params.bucket } : query;
}
