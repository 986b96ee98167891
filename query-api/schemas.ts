// The query API's contract, defined once: shared JSON Schemas (registered with fastify by $id and
// emitted as OpenAPI components) and the route table. Fastify validates and serializes with these
// objects; openapi.ts turns the same objects into the OpenAPI 3.1 document.
import type { ErrorCode } from '../core/errors.ts';

export type JsonSchema = Record<string, unknown>;

/** Search page size: default and upper bound. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
export const SPAN_STATUSES = ['unset', 'ok', 'error'] as const;
/** OpenTelemetry severity names → the lowest SeverityNumber of their range. */
export const SEVERITY_NAMES = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 } as const;
export const TRACE_ID_PATTERN = '^[0-9a-fA-F]{32}$';
export const SPAN_ID_PATTERN = '^[0-9a-fA-F]{16}$';
/** Prefix of the attribute-filter query parameters (`attr.order.id=A-1001`). */
export const ATTR_PREFIX = 'attr.';

/** What a pattern means, for validation messages a person can act on. */
export const PATTERN_MEANINGS: Record<string, string> = {
  [TRACE_ID_PATTERN]: '32 hexadecimal characters',
  [SPAN_ID_PATTERN]: '16 hexadecimal characters',
};

const ref = (id: string): JsonSchema => ({ $ref: `${id}#` });
const arrayOf = (id: string): JsonSchema => ({ type: 'array', items: ref(id) });
const NS = { type: 'string', pattern: '^[0-9]+$', description: 'Nanoseconds since the Unix epoch, as an exact decimal string.' };
const NS_OR_NULL = { type: ['string', 'null'], pattern: '^[0-9]+$', description: 'Nanoseconds since the Unix epoch (decimal string), or null.' };
const HEX_TRACE_ID = { type: 'string', description: 'Trace ID, 32 lowercase hex characters.' };
const HEX_SPAN_ID = { type: 'string', description: 'Span ID, 16 lowercase hex characters.' };
const INT = { type: 'integer' };
const STR = { type: 'string' };

function object(properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false, ...extra };
}

/** Shared schemas: fastify.addSchema() each, referenced as `{ $ref: 'Name#' }`; OpenAPI components.schemas. */
export const COMPONENT_SCHEMAS: JsonSchema[] = [
  object(
    {
      code: { type: 'string', pattern: '^OT_ERR_[A-Z_]+$', description: 'Stable error code (OT_ERR_*); see the response descriptions and docs/errors.md.' },
      message: { type: 'string', description: 'What went wrong, naming the offending parameter where there is one.' },
    },
    { $id: 'Error', description: 'Every error response has this shape; the HTTP status follows the code.' },
  ),
  {
    $id: 'AnyValue',
    description:
      'An OTLP AnyValue, lossless: a string, boolean, number (double), {"int": "<exact decimal>"}, {"bytes": "<base64>"}, ' +
      '{"kv": {<key>: AnyValue}}, an array of AnyValue, or null.',
  },
  { $id: 'Attributes', type: 'object', additionalProperties: ref('AnyValue'), description: 'Attribute key → AnyValue.' },
  object({ attributes: ref('Attributes'), droppedAttributesCount: INT }, { $id: 'Resource' }),
  object({ name: STR, version: STR, attributes: ref('Attributes'), droppedAttributesCount: INT }, { $id: 'Scope', description: 'Instrumentation scope.' }),
  object({ timeUnixNano: NS, name: STR, attributes: ref('Attributes'), droppedAttributesCount: INT }, { $id: 'SpanEvent' }),
  object(
    { traceId: HEX_TRACE_ID, spanId: HEX_SPAN_ID, traceState: STR, attributes: ref('Attributes'), droppedAttributesCount: INT, flags: INT },
    { $id: 'SpanLink' },
  ),
  object(
    {
      traceId: HEX_TRACE_ID,
      spanId: HEX_SPAN_ID,
      parentSpanId: { type: 'string', description: "Parent span ID, '' for a root span." },
      traceState: STR,
      name: STR,
      kind: { type: 'integer', description: 'OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer.' },
      startTimeUnixNano: NS,
      endTimeUnixNano: NS,
      attributes: ref('Attributes'),
      droppedAttributesCount: INT,
      events: arrayOf('SpanEvent'),
      droppedEventsCount: INT,
      links: arrayOf('SpanLink'),
      droppedLinksCount: INT,
      status: object({ code: { type: 'integer', description: 'OTLP StatusCode: 0 unset, 1 ok, 2 error.' }, message: STR }),
      flags: INT,
      service: { type: 'string', description: "Resource attribute service.name ('unknown_service' when absent)." },
      resource: ref('Resource'),
      scope: ref('Scope'),
      orderId: { type: 'string', description: "order.id of the span or its resource, '' when none." },
    },
    { $id: 'Span' },
  ),
  object(
    {
      logId: { type: 'string', description: 'Stable identity (content hash).' },
      timeUnixNano: NS,
      observedTimeUnixNano: NS,
      severityNumber: { type: 'integer', description: 'OTel SeverityNumber, 1–24 (0 unspecified).' },
      severityText: STR,
      body: ref('AnyValue'),
      attributes: ref('Attributes'),
      droppedAttributesCount: INT,
      flags: INT,
      traceId: { type: 'string', description: "Trace ID, '' when the record is not correlated with a trace." },
      spanId: { type: 'string', description: "Span ID, '' when not correlated." },
      eventName: STR,
      service: STR,
      resource: ref('Resource'),
      scope: ref('Scope'),
      orderId: STR,
    },
    { $id: 'LogRecord' },
  ),
  object(
    {
      eventId: STR,
      orderId: STR,
      type: { type: 'string', description: 'Milestone, e.g. payment.succeeded.' },
      system: STR,
      timeUnixNano: NS,
      status: { type: 'string', description: "order.status as the emitting system sees it, '' when not reported." },
      traceId: STR,
      spanId: STR,
      source: { type: 'string', enum: ['span', 'log', 'api'] },
      attributes: { type: 'object', additionalProperties: { type: 'string' }, description: 'Business keys and other string attributes.' },
    },
    { $id: 'OrderEvent', description: 'A business milestone of one order.' },
  ),
  object(
    {
      stageId: STR,
      title: STR,
      system: { type: 'string', description: 'System expected to complete the stage.' },
      shipmentId: { type: ['string', 'null'], description: 'Set for per-shipment stages of a split shipment.' },
      state: {
        type: 'string',
        enum: ['done', 'late', 'in_progress', 'overdue', 'failed', 'missing', 'pending', 'cancelled'],
        description:
          'done: ended in time; late: ended after its expected duration; in_progress: open, within time; overdue: open past due; ' +
          'failed: ended by a failure event; missing: never seen though a later stage was; pending: not started; cancelled: open when the order was cancelled.',
      },
      startNs: NS_OR_NULL,
      endNs: NS_OR_NULL,
      dueNs: { ...NS_OR_NULL, description: 'startNs + expected duration; null until the stage starts.' },
      expectedMs: { type: 'number', description: 'Expected duration, ms.' },
      durationMs: { type: ['number', 'null'], description: 'Actual duration, ms; null until it ends.' },
      startEventId: { type: ['string', 'null'] },
      endEventId: { type: ['string', 'null'] },
    },
    { $id: 'JourneyStage' },
  ),
  object({ system: STR, status: STR, timeNs: NS, eventType: STR }, { $id: 'SystemStatus', description: 'The latest status one system reported.' }),
  object({ traceId: HEX_TRACE_ID, spans: arrayOf('Span'), logs: arrayOf('LogRecord') }, { $id: 'Trace', description: 'Spans in start order, logs in time order.' }),
  object(
    {
      orderId: STR,
      key: { type: 'string', description: 'The key the order was looked up by, as given.' },
      matchedBy: {
        type: 'string',
        description:
          "How the key resolved: 'order.id', 'trace.id', or the business-key attribute that carries it (e.g. 'return.id', " +
          "'shipment.tracking_number', 'payment.reference'); 'key' when the store matched it but no record shows where.",
      },
      traceIds: { type: 'array', items: STR },
      events: { ...arrayOf('OrderEvent'), description: 'Milestones in time order.' },
      stages: { ...arrayOf('JourneyStage'), description: 'Stage catalog order; per-shipment stages once per shipment.' },
      statuses: { ...arrayOf('SystemStatus'), description: 'The latest status each system reported, by system name.' },
      furthestStageId: { type: ['string', 'null'], description: 'Furthest stage reached by milestone events, or null.' },
      cancelled: { type: 'boolean' },
      spans: { ...arrayOf('Span'), description: "The order's spans in start order, complete with attributes." },
      logs: { ...arrayOf('LogRecord'), description: "The order's logs in time order." },
    },
    { $id: 'OrderJourney' },
  ),
  object(
    { items: arrayOf('Span'), nextCursor: { type: ['string', 'null'], description: 'Pass back as `cursor` for the next page; null on the last page.' } },
    { $id: 'SpanPage', description: 'Newest first.' },
  ),
  object(
    { items: arrayOf('LogRecord'), nextCursor: { type: ['string', 'null'], description: 'Pass back as `cursor` for the next page; null on the last page.' } },
    { $id: 'LogPage', description: 'Newest first.' },
  ),
  object({ services: { type: 'array', items: object({ service: STR, operations: { type: 'array', items: STR, description: 'Span names.' } }) } }, { $id: 'ServiceList' }),
  object({ status: { type: 'string', enum: ['ok', 'ready'] } }, { $id: 'Health' }),
];

// ---- query parameters ----

const TIME_PARAM_TEXT = 'RFC 3339 timestamp (2026-03-01T10:00:00.123456789Z, offsets allowed, up to 9 fractional digits) or milliseconds since the Unix epoch (decimals allowed).';

const commonSearchParams: Record<string, JsonSchema> = {
  service: { type: 'string', description: 'Exact service.name.' },
  from: { type: 'string', description: `Inclusive lower bound on the record's (start) time: ${TIME_PARAM_TEXT}` },
  to: { type: 'string', description: `Exclusive upper bound on the record's (start) time: ${TIME_PARAM_TEXT}` },
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Page size, 1–${MAX_LIMIT}.` },
  cursor: { type: 'string', description: 'nextCursor of the previous page, passed back unchanged.' },
};

/** `attr.<key>=<value>` filters: exact match on the string form of a span/log or resource attribute. */
const attrFilters: JsonSchema = {
  patternProperties: { '^attr\\..+$': { type: 'string', description: 'attr.<key>=<value>: the attribute <key> (record, then resource) equals <value> exactly.' } },
  additionalProperties: false,
};

const SEARCH_NOTE =
  'Every parameter is optional and may appear once; an empty value counts as absent. Unknown parameters (other than attr.<key>) are rejected with ' +
  'OT_ERR_BAD_PARAMETER, so a typo never silently widens a search.';

export const SPAN_QUERY_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    service: commonSearchParams.service!,
    name: { type: 'string', description: 'Exact span name (operation).' },
    status: { type: 'string', enum: [...SPAN_STATUSES], description: 'Span status.' },
    minDurationMs: { type: 'number', minimum: 0, description: 'Minimum duration in milliseconds (decimals allowed, down to ns).' },
    maxDurationMs: { type: 'number', minimum: 0, description: 'Maximum duration in milliseconds (decimals allowed, down to ns).' },
    from: commonSearchParams.from!,
    to: commonSearchParams.to!,
    limit: commonSearchParams.limit!,
    cursor: commonSearchParams.cursor!,
  },
  ...attrFilters,
};

export const LOG_QUERY_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    service: commonSearchParams.service!,
    q: { type: 'string', description: 'Case-insensitive substring of the log body.' },
    traceId: { type: 'string', pattern: TRACE_ID_PATTERN, description: 'Trace ID (32 hex, any case).' },
    spanId: { type: 'string', pattern: SPAN_ID_PATTERN, description: 'Span ID (16 hex, any case).' },
    minSeverity: {
      oneOf: [{ type: 'integer', minimum: 1, maximum: 24 }, { type: 'string', enum: Object.keys(SEVERITY_NAMES) }],
      description: `Lowest SeverityNumber (1–24), or a severity name: ${Object.entries(SEVERITY_NAMES).map(([n, v]) => `${n}=${v}`).join(', ')} (any case).`,
    },
    from: commonSearchParams.from!,
    to: commonSearchParams.to!,
    limit: commonSearchParams.limit!,
    cursor: commonSearchParams.cursor!,
  },
  ...attrFilters,
};

// ---- routes ----

export interface RouteSpec {
  method: 'GET';
  /** fastify syntax (`:param`). */
  url: string;
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  params?: JsonSchema;
  querystring?: JsonSchema;
  /** Schema of the 200 response. */
  ok: JsonSchema;
  /** Every error code the route can answer with. */
  errors: ErrorCode[];
}

const STORE_ERRORS: ErrorCode[] = ['OT_ERR_STORE_UNAVAILABLE', 'OT_ERR_INTERNAL'];

export const ROUTES = {
  openapi: {
    method: 'GET',
    url: '/api/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This OpenAPI 3.1 document',
    description: 'Describes every route, parameter, response and error of the query API.',
    tags: ['meta'],
    ok: { type: 'object', additionalProperties: true, description: 'An OpenAPI 3.1 document.' },
    errors: ['OT_ERR_INTERNAL'],
  },
  getTrace: {
    method: 'GET',
    url: '/api/v1/traces/:traceId',
    operationId: 'getTrace',
    summary: 'One trace: its spans and their logs',
    description: 'Spans in start order and logs in time order, complete (attributes, events, links, resource, scope).',
    tags: ['traces'],
    params: object({ traceId: { type: 'string', pattern: TRACE_ID_PATTERN, description: 'Trace ID: 32 hex characters, any case.' } }),
    ok: ref('Trace'),
    errors: ['OT_ERR_BAD_PARAMETER', 'OT_ERR_TRACE_NOT_FOUND', ...STORE_ERRORS],
  },
  getOrder: {
    method: 'GET',
    url: '/api/v1/orders/:key',
    operationId: 'getOrder',
    summary: "An order's journey",
    description:
      'Resolves the key — an order ID, a business key (return ID, shipment ID, tracking number, payment reference) or a Trace ID — ' +
      "and returns the order's milestones, stages, per-system statuses, spans and logs.",
    tags: ['orders'],
    params: object({ key: { type: 'string', minLength: 1, maxLength: 512, description: 'Order ID, business key or Trace ID.' } }),
    ok: ref('OrderJourney'),
    errors: ['OT_ERR_BAD_PARAMETER', 'OT_ERR_ORDER_NOT_FOUND', ...STORE_ERRORS],
  },
  searchSpans: {
    method: 'GET',
    url: '/api/v1/spans',
    operationId: 'searchSpans',
    summary: 'Search spans',
    description: `Spans matching every given filter, newest first, paginated. ${SEARCH_NOTE}`,
    tags: ['search'],
    querystring: SPAN_QUERY_SCHEMA,
    ok: ref('SpanPage'),
    errors: ['OT_ERR_BAD_PARAMETER', ...STORE_ERRORS],
  },
  searchLogs: {
    method: 'GET',
    url: '/api/v1/logs',
    operationId: 'searchLogs',
    summary: 'Search logs',
    description: `Log records matching every given filter, newest first, paginated. ${SEARCH_NOTE}`,
    tags: ['search'],
    querystring: LOG_QUERY_SCHEMA,
    ok: ref('LogPage'),
    errors: ['OT_ERR_BAD_PARAMETER', ...STORE_ERRORS],
  },
  services: {
    method: 'GET',
    url: '/api/v1/services',
    operationId: 'listServices',
    summary: 'Services and their operations',
    description: 'Every service seen, with the span names (operations) it reported.',
    tags: ['search'],
    ok: ref('ServiceList'),
    errors: STORE_ERRORS,
  },
  healthz: {
    method: 'GET',
    url: '/healthz',
    operationId: 'healthz',
    summary: 'Liveness',
    description: 'The process is alive and serving HTTP.',
    tags: ['meta'],
    ok: ref('Health'),
    errors: ['OT_ERR_INTERNAL'],
  },
  readyz: {
    method: 'GET',
    url: '/readyz',
    operationId: 'readyz',
    summary: 'Readiness',
    description: 'The store answers a cheap query; 503 with Retry-After otherwise.',
    tags: ['meta'],
    ok: ref('Health'),
    errors: STORE_ERRORS,
  },
} satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
