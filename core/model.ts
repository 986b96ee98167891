// The internal data model every module speaks. OTLP is mapped onto it at the collector's edge;
// stores, bus messages, rules and the query API all use these shapes.
//
// Exactness: 64-bit integers (nanosecond timestamps, OTLP intValue) are kept as decimal strings,
// because JavaScript numbers round above 2^53 (a 2026 timestamp in ns is ~1.8e18).

/** An attribute value of any OTLP kind, JSON-safe and lossless. */
export type AnyValue =
  | string // stringValue
  | boolean // boolValue
  | number // doubleValue (integers are always tagged, so a bare number is a double)
  | { int: string } // intValue, exact decimal
  | { bytes: string } // bytesValue, base64
  | { kv: Attributes } // kvlistValue
  | AnyValue[] // arrayValue
  | null; // empty value

export type Attributes = Record<string, AnyValue>;

export interface Resource {
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface Scope {
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
}

/** OTLP SpanKind enum values. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** OTLP StatusCode enum values. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface Span {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: { code: number; message: string };
  flags: number;
  /** resource attribute service.name ('unknown_service' when absent). */
  service: string;
  resource: Resource;
  scope: Scope;
  /** order.id attribute of the span or its resource, '' when none: the record's bus key. */
  orderId: string;
}

export interface LogRecord {
  /** Stable identity for de-duplication: a content hash (see core/otlp/log-id.ts). */
  logId: string;
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
  /** '' when the record is not correlated with a trace. */
  traceId: string;
  spanId: string;
  eventName: string;
  service: string;
  resource: Resource;
  scope: Scope;
  orderId: string;
}

/** Where an order event came from. */
export type OrderEventSource = 'span' | 'log' | 'api';

/**
 * A business milestone of one order ("payment.succeeded"), derived in the collector from
 * `order.event` attributes, a configured span-name mapping, or posted to /v1/events.
 */
export interface OrderEvent {
  /** Stable identity: the client's eventId, or derived from the carrying span/log. */
  eventId: string;
  orderId: string;
  type: string;
  system: string;
  timeUnixNano: string;
  /** order.status as the emitting system sees it, '' when not reported. */
  status: string;
  traceId: string;
  spanId: string;
  source: OrderEventSource;
  /** Business keys and other string attributes (return.id, shipment.id, payment.reference, …). */
  attributes: Record<string, string>;
}

/** Result of mapping one OTLP request: the valid items plus a count of rejected ones. */
export interface MappingResult<T> {
  items: T[];
  rejected: number;
  /** First few reasons items were rejected, for the partialSuccess message. */
  errors: string[];
}
