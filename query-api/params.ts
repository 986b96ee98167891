// Pure parsing of search query parameters into the store's SpanQuery/LogQuery. Every problem is an
// OT_ERR_BAD_PARAMETER whose message names the parameter, says what was expected and echoes the value.
// The set of accepted parameters is the querystring schema's (schemas.ts), so docs and parsing agree.
import { OrdertraceError } from '../core/errors.ts';
import type { LogQuery, SearchCommon, SpanQuery } from '../core/store/store.ts';
import {
  ATTR_PREFIX,
  DEFAULT_LIMIT,
  LOG_QUERY_SCHEMA,
  MAX_LIMIT,
  PATTERN_MEANINGS,
  SEVERITY_NAMES,
  SPAN_ID_PATTERN,
  SPAN_QUERY_SCHEMA,
  SPAN_STATUSES,
  TRACE_ID_PATTERN,
  type JsonSchema,
} from './schemas.ts';
import { show } from './validation-message.ts';

/** A parsed query string: values are strings, or arrays when a parameter is repeated. */
export type RawQuery = Record<string, unknown>;

const NS_PER_MS = 1_000_000n;
/** 9999-12-31T23:59:59.999Z in ms: anything larger is not a millisecond timestamp. */
const MAX_MS = 253_402_300_799_999n;

export function badParameter(message: string): OrdertraceError {
  return new OrdertraceError('OT_ERR_BAD_PARAMETER', message);
}

export function expected(name: string, what: string, value: unknown): OrdertraceError {
  return badParameter(`${name} must be ${what}, got ${show(value)}`);
}

/** One value of a parameter: undefined when absent or empty; an error when repeated. */
export function single(raw: RawQuery, name: string): string | undefined {
  const value = raw[name];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) throw badParameter(`${name} must be given at most once, got ${value.length} values ${show(value)}`);
  const text = typeof value === 'string' ? value : String(value);
  return text === '' ? undefined : text;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

export function rejectUnknown(raw: RawQuery, known: string[], allowAttributes = true): void {
  for (const name of Object.keys(raw)) {
    if (known.includes(name) || (allowAttributes && name.startsWith(ATTR_PREFIX))) continue;
    const close = known.find((k) => editDistance(k.toLowerCase(), name.toLowerCase()) <= 2);
    const hint = close ? ` (did you mean "${close}"?)` : '';
    throw badParameter(`unknown query parameter "${name}"${hint}; known: ${known.join(', ')}${allowAttributes ? `, ${ATTR_PREFIX}<key>` : ''}`);
  }
}

/** "12", "1.5", ".25" (ms, up to 6 decimals) → exact nanoseconds. */
function decimalMsToNs(name: string, text: string, what: string): bigint {
  const match = /^(\d*)(?:\.(\d+))?$/.exec(text.trim());
  if (!match || (match[1] === '' && match[2] === undefined)) throw expected(name, what, text);
  const fraction = match[2] ?? '';
  if (fraction.length > 6) throw badParameter(`${name} has more than 6 decimal places (nanosecond precision), got ${show(text)}`);
  return BigInt(match[1] || '0') * NS_PER_MS + BigInt(fraction.padEnd(6, '0'));
}

/** Milliseconds of a non-negative duration → nanoseconds as a decimal string. */
export function parseDurationMs(name: string, text: string): string {
  return decimalMsToNs(name, text, 'a non-negative number').toString();
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const TIME_EXPECTED = 'an RFC 3339 timestamp (e.g. 2026-03-01T10:00:00Z) or milliseconds since the epoch';

/** An RFC 3339 timestamp or ms since the epoch (decimals allowed) → exact nanoseconds as a decimal string. */
export function parseTime(name: string, text: string): string {
  const trimmed = text.trim();
  if (/^[\d.]+$/.test(trimmed)) {
    const ns = decimalMsToNs(name, trimmed, TIME_EXPECTED);
    if (ns / NS_PER_MS > MAX_MS) {
      throw badParameter(`${name} is too large for milliseconds since the epoch (nanoseconds or microseconds?), got ${show(text)}`);
    }
    return ns.toString();
  }
  const m = RFC3339.exec(trimmed);
  if (!m) throw expected(name, TIME_EXPECTED, text);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  const offsetH = m[9] ? Number(m[10]) : 0;
  const offsetM = m[9] ? Number(m[11]) : 0;
  if (day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || offsetH > 23 || offsetM > 59) {
    throw expected(name, 'a real calendar date and time', text);
  }
  const offsetMs = (m[9] === '-' ? -1 : 1) * (offsetH * 60 + offsetM) * 60_000;
  const ms = BigInt(Date.UTC(year, month - 1, day, hour, minute, second) - offsetMs);
  if (ms < 0n) throw expected(name, 'at or after 1970-01-01T00:00:00Z', text);
  return (ms * NS_PER_MS + BigInt((m[7] ?? '').padEnd(9, '0'))).toString();
}

export function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= 1 && n <= MAX_LIMIT)) throw expected('limit', `an integer from 1 to ${MAX_LIMIT}`, text);
  return n;
}

function parseHexId(name: string, text: string, pattern: string): string {
  if (!new RegExp(pattern).test(text)) throw expected(name, PATTERN_MEANINGS[pattern] ?? `a match for ${pattern}`, text);
  return text.toLowerCase();
}

/** A Trace ID in any case → lowercase, or null when it is not 32 hex characters. */
export function normalizeTraceId(text: string): string | null {
  return new RegExp(TRACE_ID_PATTERN).test(text) ? text.toLowerCase() : null;
}

export function knownNames(schema: JsonSchema): string[] {
  return Object.keys(schema.properties as Record<string, unknown>);
}

/** Optional from (inclusive) / to (exclusive) bounds → ns; from must be earlier than to. */
export function parseTimeRange(from: string | undefined, to: string | undefined): { fromNs?: string; toNs?: string } {
  const range: { fromNs?: string; toNs?: string } = {};
  if (from !== undefined) range.fromNs = parseTime('from', from);
  if (to !== undefined) range.toNs = parseTime('to', to);
  if (range.fromNs !== undefined && range.toNs !== undefined && BigInt(range.fromNs) >= BigInt(range.toNs)) {
    throw badParameter(`from must be earlier than to, got from=${JSON.stringify(from)} to=${JSON.stringify(to)}`);
  }
  return range;
}

/** One of a fixed set of words, any case. */
export function parseEnum<T extends string>(name: string, text: string, values: readonly T[]): T {
  const lower = text.toLowerCase();
  const match = values.find((v) => v === lower);
  if (!match) throw expected(name, `one of ${values.join(', ')}`, text);
  return match;
}

function parseCommon(raw: RawQuery, schema: JsonSchema): SearchCommon {
  rejectUnknown(raw, knownNames(schema));
  const query: SearchCommon = { limit: parseLimit(single(raw, 'limit')) };
  const service = single(raw, 'service');
  if (service !== undefined) query.service = service;
  Object.assign(query, parseTimeRange(single(raw, 'from'), single(raw, 'to')));
  const attributes: Record<string, string> = {};
  for (const name of Object.keys(raw)) {
    if (!name.startsWith(ATTR_PREFIX)) continue;
    const key = name.slice(ATTR_PREFIX.length);
    if (key === '') throw badParameter(`${ATTR_PREFIX} needs an attribute name, as in ${ATTR_PREFIX}order.id=A-1001`);
    const value = single(raw, name);
    if (value !== undefined) attributes[key] = value;
  }
  if (Object.keys(attributes).length > 0) query.attributes = attributes;
  const cursor = single(raw, 'cursor');
  if (cursor !== undefined) query.cursor = cursor;
  return query;
}

export function parseSpanQuery(raw: RawQuery): SpanQuery {
  const query: SpanQuery = parseCommon(raw, SPAN_QUERY_SCHEMA);
  const name = single(raw, 'name');
  if (name !== undefined) query.name = name;
  const status = single(raw, 'status');
  if (status !== undefined) query.status = parseEnum('status', status, SPAN_STATUSES);
  const min = single(raw, 'minDurationMs');
  const max = single(raw, 'maxDurationMs');
  if (min !== undefined) query.minDurationNs = parseDurationMs('minDurationMs', min);
  if (max !== undefined) query.maxDurationNs = parseDurationMs('maxDurationMs', max);
  if (query.minDurationNs !== undefined && query.maxDurationNs !== undefined && BigInt(query.maxDurationNs) < BigInt(query.minDurationNs)) {
    throw badParameter(`maxDurationMs must not be less than minDurationMs, got minDurationMs=${JSON.stringify(min)} maxDurationMs=${JSON.stringify(max)}`);
  }
  return query;
}

export function parseLogQuery(raw: RawQuery): LogQuery {
  const query: LogQuery = parseCommon(raw, LOG_QUERY_SCHEMA);
  const q = single(raw, 'q');
  if (q !== undefined) query.q = q;
  const traceId = single(raw, 'traceId');
  if (traceId !== undefined) query.traceId = parseHexId('traceId', traceId, TRACE_ID_PATTERN);
  const spanId = single(raw, 'spanId');
  if (spanId !== undefined) query.spanId = parseHexId('spanId', spanId, SPAN_ID_PATTERN);
  const severity = single(raw, 'minSeverity');
  if (severity !== undefined) {
    const trimmed = severity.trim();
    const lower = trimmed.toLowerCase();
    const named = Object.hasOwn(SEVERITY_NAMES, lower) ? SEVERITY_NAMES[lower as keyof typeof SEVERITY_NAMES] : undefined;
    const n = named ?? (/^\d+$/.test(trimmed) ? Number(trimmed) : NaN);
    if (!(n >= 1 && n <= 24)) throw expected('minSeverity', `an integer from 1 to 24 or one of ${Object.keys(SEVERITY_NAMES).join(', ')}`, severity);
    query.minSeverity = n;
  }
  return query;
}
