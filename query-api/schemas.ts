// The query API's contract, defined once: shared JSON Schemas (registered with fastify by $id and
// emitted as OpenAPI components) and the route table. Fastify validates and serializes with these
// objects; openapi.ts turns the same objects into the OpenAPI 3.1 document.
import type { ErrorCode } from '../core/errors.ts';
import {
  ACTOR_HEADER, ACTOR_HEADERS, ALERT_ACTION_BODY, ALERT_COMPONENTS, ALERT_QUERY_SCHEMA, RULE_TEST_BODY, SILENCE_BODY, WORKLIST_QUERY_SCHEMA,
} from './alert-schemas.ts';
import { HEALTH_COMPONENTS } from './health-schemas.ts';
import { DEFAULT_LIMIT, INT, MAX_LIMIT, NEXT_CURSOR, NS, NS_OR_NULL, STR, arrayOf, object, ref, type JsonSchema } from './schema-kit.ts';

export type { JsonSchema } from './schema-kit.ts';

export { DEFAULT_LIMIT, MAX_LIMIT } from './schema-kit.ts';
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

const HEX_TRACE_ID = { type: 'string', description: 'Trace ID, 32 lowercase hex characters.' };
const HEX_SPAN_ID = { type: 'string', description: 'Span ID, 16 lowercase hex characters.' };

/** Shared schemas: fastify.addSchema() each, referenced as `{ $ref: 'Name#' }`; OpenAPI components.schemas. */
export const COMPONENT_SCHEMAS: JsonSchema[] = [
  {
    ...object(
      {
        code: { type: 'string', pattern: '^OT_ERR_[A-Z_]+$', description: 'Stable error code (OT_ERR_*); see the response descriptions and docs/errors.md.' },
        message: { type: 'string', description: 'What went wrong, naming the offending parameter where there is one.' },
        errors: { ...arrayOf('RuleFileError'), description: 'OT_ERR_RULE_INVALID only: every problem of the rule file, located.' },
      },
      { $id: 'Error', description: 'Every error response has this shape; the HTTP status follows the code.' },
    ),
    required: ['code', 'message'],
  },
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
      alerts: { ...arrayOf('Alert'), description: "The order's alerts, newest first." },
      expectedStages: {
        ...arrayOf('ExpectedStage'),
        description: 'For each loaded deadline rule whose `after` event happened and none of whose `expect` events has: what the order waits for and until when. Earliest due first.',
      },
    },
    { $id: 'OrderJourney' },
  ),
  object(
    { items: arrayOf('Span'), nextCursor: NEXT_CURSOR },
    { $id: 'SpanPage', description: 'Newest first.' },
  ),
  object(
    { items: arrayOf('LogRecord'), nextCursor: NEXT_CURSOR },
    { $id: 'LogPage', description: 'Newest first.' },
  ),
  object({ services: { type: 'array', items: object({ service: STR, operations: { type: 'array', items: STR, description: 'Span names.' } }) } }, { $id: 'ServiceList' }),
  object({ status: { type: 'string', enum: ['ok', 'ready'] } }, { $id: 'Health' }),
  ...ALERT_COMPONENTS,
  ...HEALTH_COMPONENTS,
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

/** Query of the health dashboard routes (query-api/health-params.ts parses it). */
export const HEALTH_QUERY_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    from: { type: 'string', description: `Window start (inclusive); default 24 h before \`to\`. ${TIME_PARAM_TEXT} Rounded up to a whole millisecond.` },
    to: { type: 'string', description: `Window end (exclusive); default now. ${TIME_PARAM_TEXT} Rounded up to a whole millisecond.` },
    bucket: {
      type: 'string',
      pattern: '^[0-9]+[smhd]$',
      description:
        'Bucket width: a whole number of s, m, h or d (5m, 1h, 1d); bucket starts are multiples of it since the epoch. Default: the first of ' +
        '1m, 5m, 15m, 1h, 6h, 1d giving at most 48 buckets. At most 500 buckets per window. Accepted and checked, but without effect, by ' +
        '/health/index and /health/dependencies.',
    },
  },
  additionalProperties: false,
};

// ---- routes ----

export interface RouteSpec {
  method: 'GET' | 'POST' | 'DELETE';
  /** fastify syntax (`:param`). */
  url: string;
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  params?: JsonSchema;
  querystring?: JsonSchema;
  /** Request headers the route reads (lowercase names). */
  headers?: JsonSchema;
  /** JSON request body; absent body = {}. */
  body?: JsonSchema;
  /** Schema of the 200 response. */
  ok: JsonSchema;
  /** Set when the 200 response can also be text/csv: what the CSV holds. */
  csv?: string;
  /** Every error code the route can answer with. */
  errors: ErrorCode[];
}

const STORE_ERRORS: ErrorCode[] = ['OT_ERR_STORE_UNAVAILABLE', 'OT_ERR_INTERNAL'];
/** What a request body can fail with before validation: not JSON, another content type, too large. */
const BODY_ERRORS: ErrorCode[] = ['OT_ERR_DECODE', 'OT_ERR_BAD_CONTENT_TYPE', 'OT_ERR_TOO_LARGE'];
const ALERT_ID = object({ id: { type: 'string', minLength: 1, maxLength: 256, description: 'Alert ID.' } });
const SILENCE_ID = object({ id: { type: 'string', minLength: 1, maxLength: 256, description: 'Silence ID.' } });
const QUERY_NOTE = 'Every parameter is optional and may appear once; an empty value counts as absent; unknown parameters are rejected with OT_ERR_BAD_PARAMETER.';
const HEALTH_NOTE = `Window and bucket rules: docs/health.md. ${QUERY_NOTE}`;
const ACTOR_NOTE = `The actor comes from the body or the ${ACTOR_HEADER} header (until the API has authentication); one is required.`;

/** POST /api/v1/alerts/:id/<verb>: a person moves the alert along its lifecycle. */
function alertAction(operationId: string, verb: string, summary: string, description: string): RouteSpec {
  return {
    method: 'POST',
    url: `/api/v1/alerts/:id/${verb}`,
    operationId,
    summary,
    description,
    tags: ['alerts'],
    params: ALERT_ID,
    headers: ACTOR_HEADERS,
    body: ALERT_ACTION_BODY,
    ok: ref('Alert'),
    errors: ['OT_ERR_BAD_PARAMETER', 'OT_ERR_ALERT_NOT_FOUND', 'OT_ERR_INVALID_TRANSITION', ...BODY_ERRORS, ...STORE_ERRORS],
  };
}

/** GET /api/v1/health/<path>: one of the health dashboard's aggregates over a window. */
function healthRoute(path: string, operationId: string, summary: string, description: string, response: string): RouteSpec {
  return {
    method: 'GET',
    url: `/api/v1/health/${path}`,
    operationId,
    summary,
    description: `${description} ${HEALTH_NOTE}`,
    tags: ['health'],
    querystring: HEALTH_QUERY_SCHEMA,
    ok: ref(response),
    errors: ['OT_ERR_BAD_PARAMETER', ...STORE_ERRORS],
  };
}

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
  listAlerts: {
    method: 'GET',
    url: '/api/v1/alerts',
    operationId: 'listAlerts',
    summary: 'Search alerts',
    description: `Alerts matching every given filter, newest firedAt first, paginated. ${QUERY_NOTE}`,
    tags: ['alerts'],
    querystring: ALERT_QUERY_SCHEMA,
    ok: ref('AlertPage'),
    errors: ['OT_ERR_BAD_PARAMETER', ...STORE_ERRORS],
  },
  getAlert: {
    method: 'GET',
    url: '/api/v1/alerts/:id',
    operationId: 'getAlert',
    summary: 'One alert, its remediation guide and evidence',
    description: "The alert, its rule's guide rendered with the order's context, and the stored records its evidence names.",
    tags: ['alerts'],
    params: ALERT_ID,
    ok: ref('AlertDetail'),
    errors: ['OT_ERR_BAD_PARAMETER', 'OT_ERR_ALERT_NOT_FOUND', ...STORE_ERRORS],
  },
  acknowledgeAlert: alertAction(
    'acknowledgeAlert',
    'ack',
    'Acknowledge an alert',
    `A firing alert becomes acknowledged: someone is on it. ${ACTOR_NOTE} Answers the updated alert; 409 when the alert is not firing.`,
  ),
  resolveAlert: alertAction(
    'resolveAlert',
    'resolve',
    'Resolve an alert by hand',
    `A firing or acknowledged alert becomes resolved (resolution: manual). ${ACTOR_NOTE} Answers the updated alert; 409 when it is already resolved.`,
  ),
  listSilences: {
    method: 'GET',
    url: '/api/v1/silences',
    operationId: 'listSilences',
    summary: 'Active silences',
    description: 'Silences that have not ended, soonest to end first.',
    tags: ['silences'],
    ok: ref('SilenceList'),
    errors: STORE_ERRORS,
  },
  createSilence: {
    method: 'POST',
    url: '/api/v1/silences',
    operationId: 'createSilence',
    summary: 'Create a silence',
    description:
      'Mutes notifications and tickets of matching alerts (the alerts still fire and are listed) until endsAt, or for durationMs. ' +
      `A silence names a rule, label matchers, or both. The creator comes from createdBy or the ${ACTOR_HEADER} header; one is required.`,
    tags: ['silences'],
    headers: ACTOR_HEADERS,
    body: SILENCE_BODY,
    ok: ref('Silence'),
    errors: ['OT_ERR_BAD_PARAMETER', ...BODY_ERRORS, ...STORE_ERRORS],
  },
  getSilence: {
    method: 'GET',
    url: '/api/v1/silences/:id',
    operationId: 'getSilence',
    summary: 'One silence',
    description: 'Active or expired.',
    tags: ['silences'],
    params: SILENCE_ID,
    ok: ref('Silence'),
    errors: ['OT_ERR_BAD_PARAMETER', 'OT_ERR_SILENCE_NOT_FOUND', ...STORE_ERRORS],
  },
  expireSilence: {
    method: 'DELETE',
    url: '/api/v1/silences/:id',
    operationId: 'expireSilence',
    summary: 'Expire a silence now',
    description: 'The silence ends now and is kept for audit; expiring an expired silence changes nothing. Answers the silence.',
    tags: ['silences'],
    params: SILENCE_ID,
    ok: ref('Silence'),
    errors: ['OT_ERR_BAD_PARAMETER', 'OT_ERR_SILENCE_NOT_FOUND', ...STORE_ERRORS],
  },
  listRules: {
    method: 'GET',
    url: '/api/v1/rules',
    operationId: 'listRules',
    summary: 'The rule set in force',
    description: 'Every loaded rule with where it is defined and how many of its alerts are open, and the problems of the last reload of the rule files.',
    tags: ['rules'],
    ok: ref('RuleList'),
    errors: STORE_ERRORS,
  },
  testRules: {
    method: 'POST',
    url: '/api/v1/rules/test',
    operationId: 'testRules',
    summary: 'Backtest a rule file',
    description:
      "Validates a rule file (YAML; it may use the calendars and notifiers of the loaded rule set) and replays an order's stored records, " +
      'or the order events of a time window (with spans and logs for error_pattern and stalled_queue rules), through its rules. ' +
      'Answers what would have fired; nothing is stored or notified. An invalid file answers 422 OT_ERR_RULE_INVALID with every problem in `errors`.',
    tags: ['rules'],
    body: RULE_TEST_BODY,
    ok: ref('BacktestReport'),
    errors: ['OT_ERR_BAD_PARAMETER', 'OT_ERR_ORDER_NOT_FOUND', 'OT_ERR_RULE_INVALID', ...BODY_ERRORS, ...STORE_ERRORS],
  },
  listOrders: {
    method: 'GET',
    url: '/api/v1/orders',
    operationId: 'listOrders',
    summary: 'Worklist: orders with alerts',
    description:
      `Orders with an alert of the given rule in the given state ("stuck now": state=firing), one row per alert, newest first. ${QUERY_NOTE} ` +
      'format=csv or `Accept: text/csv` exports the whole list as CSV (RFC 4180) with a header row.',
    tags: ['worklists'],
    querystring: WORKLIST_QUERY_SCHEMA,
    ok: ref('Worklist'),
    csv: 'Columns orderId, rule, state, severity, firedAt, dueAt, summary; CRLF line ends; fields with commas, quotes or line breaks quoted.',
    errors: ['OT_ERR_BAD_PARAMETER', ...STORE_ERRORS],
  },
  returnQueues: {
    method: 'GET',
    url: '/api/v1/returns/queues',
    operationId: 'returnQueues',
    summary: 'Return approval queues',
    description: 'Open return SLA alerts grouped by the approver level they wait at, with the SLA countdown and escalations.',
    tags: ['worklists'],
    ok: ref('ReturnQueues'),
    errors: STORE_ERRORS,
  },
  healthStages: healthRoute(
    'stages',
    'getStageStats',
    'Stage durations',
    "Per stage of the catalog and bucket: completions (the stage's first end event − its first start event, per order or per shipment), " +
      "bucketed by the end event's time, with p50/p95 duration and how many took longer than expected.",
    'StageStats',
  ),
  healthThroughput: healthRoute(
    'throughput',
    'getThroughput',
    'Throughput',
    'Spans and error spans per service and bucket of start time; order events and log records per bucket.',
    'Throughput',
  ),
  healthAnomalies: healthRoute(
    'anomalies',
    'getAnomalies',
    'Alerts over time',
    'Alerts fired per rule and bucket of firedAt, each alert once (its latest version), in any state.',
    'AnomalyStats',
  ),
  healthIndex: healthRoute(
    'index',
    'getOrderHealth',
    'Order health index',
    'Of the orders whose first order event is in the window, the share with no breached stage as of now, and per stage how many started and breached it.',
    'OrderHealth',
  ),
  healthDependencies: healthRoute(
    'dependencies',
    'getDependencies',
    'Service dependency map',
    "Services with their spans and errors, and the calls between them: spans starting in the window whose parent span is another service's " +
      '(a CONSUMER span under its PRODUCER counts the same way).',
    'DependencyGraph',
  ),
} satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;
