// Row mapping of the ClickHouse store: model records ↔ table rows (objects of column values).
// A record's searchable fields are columns; `body` is the whole record in its compact JSON text
// (core/compact-records.ts: for spans and logs an array without field names, a format version first)
// that reproduces it exactly, so reads fetch `body` alone. A record decoded from the bus gives its body as
// the bytes it arrived in, which the TabSeparated writer copies as they are (insert-format.ts).
// 64-bit integers travel as decimal strings both ways (ClickHouse quotes UInt64/Int64 in JSON
// output by default and accepts quoted numbers on input).
import { compactBody, compactEvent, compactLog, compactSpan, eventFromCompact, logFromCompact, spanFromCompact } from '../../compact-records.ts';
import type { AnyValue, Attributes, LogRecord, OrderEvent, Span } from '../../model.ts';
import { attributeString } from '../query.ts';
import { logTime } from '../sqlite-codec.ts';
import { TsvText, tsvQuoted } from './insert-format.ts';

export const DAY_NS = 86_400_000_000_000n;
export const DAY_MS = 86_400_000;
const MAX_INT64 = 0x7fff_ffff_ffff_ffffn;
const CANONICAL_NS = /^(?:0|[1-9]\d{0,18})$/;

/** A record's nanosecond timestamp: canonical decimal ≤ int64 (so it reads back identical). */
export function timeValue(ns: string, what: string): bigint {
  if (typeof ns !== 'string' || !CANONICAL_NS.test(ns)) {
    throw new Error(`${what} is not a canonical decimal nanosecond timestamp: ${JSON.stringify(ns)}`);
  }
  const n = BigInt(ns);
  if (n > MAX_INT64) throw new Error(`${what} is out of range: ${ns}`);
  return n;
}

export function dayOf(ns: bigint): number {
  return Number(ns / DAY_NS);
}

/**
 * Attribute-filter terms of a record: its own and its resource's attributes as ["key","value"] JSON
 * (a term present twice is harmless for has()).
 */
export function attrTerms(attrs: Attributes, resourceAttrs: Attributes | null): string[] {
  const terms: string[] = [];
  for (const key of Object.keys(attrs)) terms.push(attrTerm(key, attributeString(attrs[key]!)));
  if (resourceAttrs) for (const key of Object.keys(resourceAttrs)) terms.push(attrTerm(key, attributeString(resourceAttrs[key]!)));
  return terms;
}

/** Text JSON.stringify leaves as it is between quotes (lone surrogates it would escape; pairs go the slow way too). */
const JSON_PLAIN = /^[^"\\\x00-\x1f\ud800-\udfff]*$/;
/** JSON_PLAIN text that also needs no escaping inside a quoted TabSeparated array element (no `'`). */
const TERM_PLAIN = /^[^"\\'\x00-\x1f\ud800-\udfff]*$/;

/** The attrs-array element a filter `key = value` looks for: JSON.stringify([key, value]), built directly when nothing needs escaping. */
export function attrTerm(key: string, value: string): string {
  return JSON_PLAIN.test(key) && JSON_PLAIN.test(value) ? `["${key}","${value}"]` : JSON.stringify([key, value]);
}

/** One attribute's element of the attrs field text. */
function attrElement(key: string, value: string): string {
  return TERM_PLAIN.test(key) && TERM_PLAIN.test(value) ? `'["${key}","${value}"]'` : tsvQuoted(attrTerm(key, value));
}

/**
 * The attrs column (attrTerms as an Array(String)) as its TabSeparated text, built in one pass: the
 * ingester's hottest column, and plain keys and values (nearly all) need no escaping at all.
 */
export function attrsField(attrs: Attributes, resourceAttrs: Attributes | null): TsvText {
  let out = '[';
  for (const key of Object.keys(attrs)) out += (out.length === 1 ? '' : ',') + attrElement(key, attributeString(attrs[key]!));
  if (resourceAttrs) for (const key of Object.keys(resourceAttrs)) out += (out.length === 1 ? '' : ',') + attrElement(key, attributeString(resourceAttrs[key]!));
  return new TsvText(`${out}]`);
}

/**
 * A span row. Columns hold what queries filter, sort and de-duplicate on; `body` holds the whole span
 * (so a read fetches one column: reading fewer columns is what makes point reads cheap).
 */
export interface SpanRow {
  start_ns: string;
  dur_ns: string;
  service: string;
  name: string;
  status: number;
  trace_id: string;
  span_id: string;
  /** The health dependency map links a span to its parent by it (schema version 3). */
  parent_span_id: string;
  kind: number;
  order_id: string;
  /** attrTerms, encoded for the insert (attrsField). */
  attrs: TsvText;
  /** The compact text, or the UTF-8 bytes it arrived as (compactBody). */
  body: string | Buffer;
}

export function spanRow(span: Span): SpanRow {
  const start = timeValue(span.startTimeUnixNano, 'startTimeUnixNano');
  const end = timeValue(span.endTimeUnixNano, 'endTimeUnixNano');
  return {
    start_ns: span.startTimeUnixNano,
    dur_ns: (end - start).toString(),
    service: span.service,
    name: span.name,
    status: span.status.code,
    trace_id: span.traceId,
    span_id: span.spanId,
    parent_span_id: span.parentSpanId,
    kind: span.kind,
    order_id: span.orderId,
    attrs: attrsField(span.attributes, span.resource.attributes),
    body: compactBody(span, compactSpan),
  };
}

/** A span from its `body` (core/compact-records.ts). */
export const spanFromBody = spanFromCompact;

export interface LogRow {
  time_ns: string;
  service: string;
  severity: number;
  trace_id: string;
  span_id: string;
  log_id: string;
  order_id: string;
  /** attrTerms, encoded for the insert (attrsField). */
  attrs: TsvText;
  body_lower: string;
  body: string | Buffer;
}

/** The lower-cased text a log's `q` filter searches (same rule as core/store/query.ts bodyContains). */
export function bodyLower(body: AnyValue): string {
  return attributeString(body).toLowerCase();
}

export function logRow(log: LogRecord): LogRow {
  const time = logTime(log);
  timeValue(time, 'timeUnixNano');
  return {
    time_ns: time,
    service: log.service,
    severity: log.severityNumber,
    trace_id: log.traceId,
    span_id: log.spanId,
    log_id: log.logId,
    order_id: log.orderId,
    attrs: attrsField(log.attributes, log.resource.attributes),
    body_lower: bodyLower(log.body),
    body: compactBody(log, compactLog),
  };
}

/** A log record from its `body` (core/compact-records.ts). */
export const logFromBody = logFromCompact;

export interface EventRow {
  day: number;
  order_id: string;
  time_ns: string;
  event_id: string;
  body: string | Buffer;
}

export function eventRow(event: OrderEvent): EventRow {
  const time = timeValue(event.timeUnixNano, 'timeUnixNano');
  return { day: dayOf(time), order_id: event.orderId, time_ns: event.timeUnixNano, event_id: event.eventId, body: compactBody(event, compactEvent) };
}

export const eventFromBody = eventFromCompact;
