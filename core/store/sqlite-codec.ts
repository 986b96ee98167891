// Row encodings of the SQLite store. Searchable fields live in columns; the rest of a record is a
// compact JSON array (no field names), and resource+scope are stored once per day in res_D, so a
// typical span row is ~3x smaller than the span's JSON — bytes written are what limits ingest.
import type { AnyValue, Attributes, LogRecord, OrderEvent, Resource, Scope, Span, SpanEvent, SpanLink } from '../model.ts';

type SpanBody = [
  parentSpanId: string,
  traceState: string,
  kind: number,
  attributes: Attributes,
  droppedAttributesCount: number,
  events: SpanEvent[],
  droppedEventsCount: number,
  links: SpanLink[],
  droppedLinksCount: number,
  statusMessage: string,
  flags: number,
  /** 0 when equal to the string attribute order.id (the common case), else the order ID. */
  orderId: string | 0,
];

type LogBody = [
  timeUnixNano: string,
  observedTimeUnixNano: string,
  severityText: string,
  body: AnyValue,
  attributes: Attributes,
  droppedAttributesCount: number,
  flags: number,
  eventName: string,
  orderId: string,
];

type ResourceBody = [
  resourceAttributes: Attributes,
  resourceDropped: number,
  scopeName: string,
  scopeVersion: string,
  scopeAttributes: Attributes,
  scopeDropped: number,
];

/** The span minus its columns (times, ids, name, service, status code, resource). */
export function encodeSpanBody(s: Span): string {
  const orderAttr = Object.hasOwn(s.attributes, 'order.id') ? s.attributes['order.id'] : undefined;
  const body: SpanBody = [
    s.parentSpanId, s.traceState, s.kind, s.attributes, s.droppedAttributesCount, s.events, s.droppedEventsCount,
    s.links, s.droppedLinksCount, s.status.message, s.flags, orderAttr === s.orderId && s.orderId !== '' ? 0 : s.orderId,
  ];
  return JSON.stringify(body);
}

export function encodeLogBody(l: LogRecord): string {
  const body: LogBody = [
    l.timeUnixNano, l.observedTimeUnixNano, l.severityText, l.body, l.attributes, l.droppedAttributesCount, l.flags,
    l.eventName, l.orderId,
  ];
  return JSON.stringify(body);
}

/** Also the identity of a resource+scope within a day (equal text → same res_D row). */
export function encodeResource(resource: Resource, scope: Scope): string {
  const body: ResourceBody = [
    resource.attributes, resource.droppedAttributesCount, scope.name, scope.version, scope.attributes, scope.droppedAttributesCount,
  ];
  return JSON.stringify(body);
}

/** A private copy of a resource+scope from its encodeResource() text. */
export function decodeResource(text: string): { resource: Resource; scope: Scope } {
  const r = JSON.parse(text) as ResourceBody;
  return {
    resource: { attributes: r[0], droppedAttributesCount: r[1] },
    scope: { name: r[2], version: r[3], attributes: r[4], droppedAttributesCount: r[5] },
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  return sameRecord(a as Record<string, unknown>, b as Record<string, unknown>);
}

function sameRecord(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  let keys = 0;
  for (const key in a) {
    if (!Object.hasOwn(b, key) || !sameValue(a[key], b[key])) return false;
    keys++;
  }
  for (const key in b) if (Object.hasOwn(b, key)) keys--;
  return keys === 0;
}

/** Structural equality of two resource+scope pairs (JSON-level: key order ignored). */
export function sameResource(ra: Resource, sa: Scope, rb: Resource, sb: Scope): boolean {
  return (
    ra.droppedAttributesCount === rb.droppedAttributesCount &&
    sa.name === sb.name &&
    sa.version === sb.version &&
    sa.droppedAttributesCount === sb.droppedAttributesCount &&
    sameRecord(ra.attributes, rb.attributes) &&
    sameRecord(sa.attributes, sb.attributes)
  );
}

export function encodeEvent(e: OrderEvent): string {
  return JSON.stringify(e);
}

/** Columns every span SELECT returns (alias x). */
export const SPAN_COLUMNS =
  'x.id AS id, CAST(x.start_ns AS TEXT) AS t, CAST(x.dur_ns AS TEXT) AS d, x.service AS service, x.name AS name, x.status AS status, ' +
  'x.trace_id AS trace_id, x.span_id AS span_id, x.res AS res, x.body AS body';

export interface SpanRow {
  id: number;
  t: string;
  d: string;
  service: string;
  name: string;
  status: number;
  trace_id: string;
  span_id: string;
  res: number;
  body: string;
}

/** Columns every log SELECT returns (alias x). */
export const LOG_COLUMNS =
  'x.id AS id, CAST(x.time_ns AS TEXT) AS t, x.service AS service, x.severity AS severity, x.trace_id AS trace_id, ' +
  'x.span_id AS span_id, x.log_id AS log_id, x.res AS res, x.body AS body';

export interface LogRow {
  id: number;
  t: string;
  service: string;
  severity: number;
  trace_id: string;
  span_id: string;
  log_id: string;
  res: number;
  body: string;
}

function parseResource(text: string | undefined): ResourceBody {
  return text === undefined ? [{}, 0, '', '', {}, 0] : (JSON.parse(text) as ResourceBody);
}

export function decodeSpan(row: SpanRow, resourceText: string | undefined): Span {
  const b = JSON.parse(row.body) as SpanBody;
  const r = parseResource(resourceText);
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: b[0],
    traceState: b[1],
    name: row.name,
    kind: b[2],
    startTimeUnixNano: row.t,
    endTimeUnixNano: (BigInt(row.t) + BigInt(row.d)).toString(),
    attributes: b[3],
    droppedAttributesCount: b[4],
    events: b[5],
    droppedEventsCount: b[6],
    links: b[7],
    droppedLinksCount: b[8],
    status: { code: row.status, message: b[9] },
    flags: b[10],
    service: row.service,
    resource: { attributes: r[0], droppedAttributesCount: r[1] },
    scope: { name: r[2], version: r[3], attributes: r[4], droppedAttributesCount: r[5] },
    orderId: b[11] === 0 ? (b[3]['order.id'] as string) : b[11],
  };
}

export function decodeLog(row: LogRow, resourceText: string | undefined): LogRecord {
  const b = JSON.parse(row.body) as LogBody;
  const r = parseResource(resourceText);
  return {
    logId: row.log_id,
    timeUnixNano: b[0],
    observedTimeUnixNano: b[1],
    severityNumber: row.severity,
    severityText: b[2],
    body: b[3],
    attributes: b[4],
    droppedAttributesCount: b[5],
    flags: b[6],
    traceId: row.trace_id,
    spanId: row.span_id,
    eventName: b[7],
    service: row.service,
    resource: { attributes: r[0], droppedAttributesCount: r[1] },
    scope: { name: r[2], version: r[3], attributes: r[4], droppedAttributesCount: r[5] },
    orderId: b[8],
  };
}

/** The time a log is filed, searched and ordered by: its own time, else when it was observed. */
export function logTime(l: LogRecord): string {
  return l.timeUnixNano && l.timeUnixNano !== '0' ? l.timeUnixNano : l.observedTimeUnixNano || '0';
}
