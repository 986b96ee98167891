// Row mapping of the ClickHouse store: model records ↔ table rows (JSONEachRow objects).
// A record's searchable fields are columns; `body` is the whole record as a compact JSON array (no
// field names, a format version first) that reproduces it exactly, so reads fetch `body` alone.
// 64-bit integers travel as decimal strings both ways (ClickHouse quotes UInt64/Int64 in JSON
// output by default and accepts quoted numbers on input).
import type { AnyValue, Attributes, LogRecord, OrderEvent, Resource, Scope, Span, SpanEvent, SpanLink } from '../../model.ts';
import { attributeString } from '../query.ts';
import { logTime } from '../sqlite-codec.ts';

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

/** The attrs-array element a filter `key = value` looks for. */
export function attrTerm(key: string, value: string): string {
  return JSON.stringify([key, value]);
}

/** Format version, first element of every body: a later format can be told apart. */
const BODY_V1 = 1;

type SpanBody = [
  format: typeof BODY_V1,
  traceId: string,
  spanId: string,
  parentSpanId: string,
  traceState: string,
  name: string,
  kind: number,
  startTimeUnixNano: string,
  endTimeUnixNano: string,
  attributes: Attributes,
  droppedAttributesCount: number,
  events: SpanEvent[],
  droppedEventsCount: number,
  links: SpanLink[],
  droppedLinksCount: number,
  statusCode: number,
  statusMessage: string,
  flags: number,
  service: string,
  resource: Resource,
  scope: Scope,
  orderId: string,
];

type LogBody = [
  format: typeof BODY_V1,
  logId: string,
  timeUnixNano: string,
  observedTimeUnixNano: string,
  severityNumber: number,
  severityText: string,
  body: AnyValue,
  attributes: Attributes,
  droppedAttributesCount: number,
  flags: number,
  traceId: string,
  spanId: string,
  eventName: string,
  service: string,
  resource: Resource,
  scope: Scope,
  orderId: string,
];

function checkFormat(body: unknown[], what: string): void {
  if (body[0] !== BODY_V1) throw new Error(`unknown ${what} body format ${JSON.stringify(body[0])}`);
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
  order_id: string;
  attrs: string[];
  body: string;
}

export function spanRow(span: Span): SpanRow {
  const start = timeValue(span.startTimeUnixNano, 'startTimeUnixNano');
  const end = timeValue(span.endTimeUnixNano, 'endTimeUnixNano');
  const body: SpanBody = [
    BODY_V1, span.traceId, span.spanId, span.parentSpanId, span.traceState, span.name, span.kind, span.startTimeUnixNano,
    span.endTimeUnixNano, span.attributes, span.droppedAttributesCount, span.events, span.droppedEventsCount, span.links,
    span.droppedLinksCount, span.status.code, span.status.message, span.flags, span.service, span.resource, span.scope, span.orderId,
  ];
  return {
    start_ns: start.toString(),
    dur_ns: (end - start).toString(),
    service: span.service,
    name: span.name,
    status: span.status.code,
    trace_id: span.traceId,
    span_id: span.spanId,
    order_id: span.orderId,
    attrs: attrTerms(span.attributes, span.resource.attributes),
    body: JSON.stringify(body),
  };
}

export function spanFromBody(text: string): Span {
  const b = JSON.parse(text) as SpanBody;
  checkFormat(b, 'span');
  return {
    traceId: b[1],
    spanId: b[2],
    parentSpanId: b[3],
    traceState: b[4],
    name: b[5],
    kind: b[6],
    startTimeUnixNano: b[7],
    endTimeUnixNano: b[8],
    attributes: b[9],
    droppedAttributesCount: b[10],
    events: b[11],
    droppedEventsCount: b[12],
    links: b[13],
    droppedLinksCount: b[14],
    status: { code: b[15], message: b[16] },
    flags: b[17],
    service: b[18],
    resource: b[19],
    scope: b[20],
    orderId: b[21],
  };
}

export interface LogRow {
  time_ns: string;
  service: string;
  severity: number;
  trace_id: string;
  span_id: string;
  log_id: string;
  order_id: string;
  attrs: string[];
  body_lower: string;
  body: string;
}

/** The lower-cased text a log's `q` filter searches (same rule as core/store/query.ts bodyContains). */
export function bodyLower(body: AnyValue): string {
  return attributeString(body).toLowerCase();
}

export function logRow(log: LogRecord): LogRow {
  const time = timeValue(logTime(log), 'timeUnixNano');
  const body: LogBody = [
    BODY_V1, log.logId, log.timeUnixNano, log.observedTimeUnixNano, log.severityNumber, log.severityText, log.body, log.attributes,
    log.droppedAttributesCount, log.flags, log.traceId, log.spanId, log.eventName, log.service, log.resource, log.scope, log.orderId,
  ];
  return {
    time_ns: time.toString(),
    service: log.service,
    severity: log.severityNumber,
    trace_id: log.traceId,
    span_id: log.spanId,
    log_id: log.logId,
    order_id: log.orderId,
    attrs: attrTerms(log.attributes, log.resource.attributes),
    body_lower: bodyLower(log.body),
    body: JSON.stringify(body),
  };
}

export function logFromBody(text: string): LogRecord {
  const b = JSON.parse(text) as LogBody;
  checkFormat(b, 'log');
  return {
    logId: b[1],
    timeUnixNano: b[2],
    observedTimeUnixNano: b[3],
    severityNumber: b[4],
    severityText: b[5],
    body: b[6],
    attributes: b[7],
    droppedAttributesCount: b[8],
    flags: b[9],
    traceId: b[10],
    spanId: b[11],
    eventName: b[12],
    service: b[13],
    resource: b[14],
    scope: b[15],
    orderId: b[16],
  };
}

export interface EventRow {
  day: number;
  order_id: string;
  time_ns: string;
  event_id: string;
  body: string;
}

export function eventRow(event: OrderEvent): EventRow {
  const time = timeValue(event.timeUnixNano, 'timeUnixNano');
  return { day: dayOf(time), order_id: event.orderId, time_ns: time.toString(), event_id: event.eventId, body: JSON.stringify(event) };
}

export function eventFromBody(text: string): OrderEvent {
  return JSON.parse(text) as OrderEvent;
}
