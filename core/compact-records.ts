// The compact JSON text of a model record, shared by the bus codec (core/codec.ts) and the ClickHouse
// store's `body` column (core/store/clickhouse/rows.ts), so the ingester can store the text it received
// instead of re-encoding the record:
//   span, log  a JSON array without field names, the format version first (~30% smaller than the object);
//   event      the OrderEvent object as JSON.
// The format is persistent (stored bodies are read back years later): a change gets a new version
// number, and readers keep accepting the old one.
//
// Records decoded from the bus remember their text (rememberCompact: a non-enumerable symbol property,
// invisible to JSON, Object.keys, spreads and deep equality; measured ~2x cheaper than a WeakMap, whose
// entries also cost the garbage collector), and encoding such a record returns it instead of encoding
// again — the same text, since these are JSON.stringify outputs, which re-encode identically. What is
// remembered is the UTF-8 bytes the record was decoded from when the decoder has them (the bus codec),
// so the ClickHouse writer copies those bytes into its insert instead of encoding the text again
// (compactBody). Records are not modified after decoding (the ingester only reads them); one that were
// would have to be encoded from scratch by whoever changes it.
import type { AnyValue, Attributes, LogRecord, OrderEvent, Resource, Scope, Span, SpanEvent, SpanLink } from './model.ts';

/** Format version, first element of every span/log array: a later format can be told apart. */
const FORMAT_V1 = 1;

type SpanArray = [
  format: typeof FORMAT_V1,
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

type LogArray = [
  format: typeof FORMAT_V1,
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

const TEXT = Symbol('ordertrace.compactText');

type Remembered = { [TEXT]?: string | Buffer };

export function rememberCompact(record: Span | LogRecord | OrderEvent, text: string | Buffer): void {
  Object.defineProperty(record, TEXT, { value: text });
}

function known(record: object): string | undefined {
  const text = (record as Remembered)[TEXT];
  return typeof text === 'string' || text === undefined ? text : text.toString('utf8');
}

/** A record's compact text for storing: the bytes it was decoded from when remembered, else its text. */
export function compactBody(record: Span | LogRecord | OrderEvent, encode: (record: never) => string): string | Buffer {
  return (record as Remembered)[TEXT] ?? encode(record as never);
}

function parseArray(text: string, what: string): unknown[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error(`${what} text is not a JSON array`);
  if (parsed[0] !== FORMAT_V1) throw new Error(`unknown ${what} format ${JSON.stringify(parsed[0])}`);
  return parsed;
}

export function compactSpan(span: Span): string {
  const text = known(span);
  if (text !== undefined) return text;
  const a: SpanArray = [
    FORMAT_V1, span.traceId, span.spanId, span.parentSpanId, span.traceState, span.name, span.kind, span.startTimeUnixNano,
    span.endTimeUnixNano, span.attributes, span.droppedAttributesCount, span.events, span.droppedEventsCount, span.links,
    span.droppedLinksCount, span.status.code, span.status.message, span.flags, span.service, span.resource, span.scope, span.orderId,
  ];
  return JSON.stringify(a);
}

export function spanFromCompact(text: string): Span {
  const b = parseArray(text, 'span') as SpanArray;
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

export function compactLog(log: LogRecord): string {
  const text = known(log);
  if (text !== undefined) return text;
  const a: LogArray = [
    FORMAT_V1, log.logId, log.timeUnixNano, log.observedTimeUnixNano, log.severityNumber, log.severityText, log.body, log.attributes,
    log.droppedAttributesCount, log.flags, log.traceId, log.spanId, log.eventName, log.service, log.resource, log.scope, log.orderId,
  ];
  return JSON.stringify(a);
}

export function logFromCompact(text: string): LogRecord {
  const b = parseArray(text, 'log') as LogArray;
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

export function compactEvent(event: OrderEvent): string {
  return known(event) ?? JSON.stringify(event);
}

export function eventFromCompact(text: string): OrderEvent {
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('event text is not a JSON object');
  return parsed as OrderEvent;
}
