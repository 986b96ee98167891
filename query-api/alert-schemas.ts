// JSON Schemas of the alert, silence, rule and worklist routes: response components (registered
// with fastify by $id, emitted as OpenAPI components) and request schemas. The route table that uses
// them is in schemas.ts.
import { DEFAULT_LIMIT, INT, MAX_LIMIT, MS, MS_OR_NULL, NEXT_CURSOR, NS, STR, STRING_MAP, STR_OR_NULL, arrayOf, object, ref, type JsonSchema } from './schema-kit.ts';

export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const;
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export const RULE_KINDS = ['deadline', 'sequence', 'status_mismatch', 'error_pattern', 'stalled_queue', 'return_sla'] as const;
export const RESOLUTIONS = ['reported_late', 'late', 'cancelled', 'closed', 'manual'] as const;
export const WORKLIST_FORMATS = ['json', 'csv'] as const;
/** Header naming who acts, until the API has authentication. */
export const ACTOR_HEADER = 'x-ordertrace-actor';
export const MAX_ACTOR_LENGTH = 200;
export const MAX_COMMENT_LENGTH = 2000;
/** Largest rule file a backtest accepts, in characters. */
export const MAX_RULE_FILE_LENGTH = 512 * 1024;

const TIME_INPUT = 'RFC 3339 timestamp (2026-03-01T10:00:00Z) or milliseconds since the Unix epoch';
const STATE = { type: 'string', enum: [...ALERT_STATES], description: 'firing: open; acknowledged: someone is on it; resolved: closed (see resolution).' };
const SEVERITY = { type: 'string', enum: [...SEVERITIES] };
const TIME_VALUE = { oneOf: [{ type: 'string', minLength: 1 }, { type: 'number', minimum: 0 }] };

export const ALERT_COMPONENTS: JsonSchema[] = [
  object(
    {
      kind: { type: 'string', enum: ['event', 'span', 'log'] },
      id: { type: 'string', description: 'eventId, traceId:spanId or logId.' },
      traceId: STR,
      spanId: STR,
      timeMs: MS,
      summary: STR,
    },
    { $id: 'EvidenceRef', description: 'A record the alert is based on.' },
  ),
  object(
    {
      id: { type: 'string', description: 'Stable: one alert per rule × order × scope.' },
      ruleId: STR,
      ruleKind: { type: 'string', enum: [...RULE_KINDS] },
      title: STR,
      severity: SEVERITY,
      labels: STRING_MAP,
      orderId: STR,
      scope: { type: 'string', description: "'' or the shipment ID / return ID / message ID / system the alert is about." },
      state: STATE,
      resolution: { type: ['string', 'null'], enum: [...RESOLUTIONS, null], description: 'How a resolved alert was closed; null while open.' },
      summary: { type: 'string', description: 'One line for lists and notifications.' },
      rootCause: STR_OR_NULL,
      dueMs: { ...MS_OR_NULL, description: 'Deadline and return SLA rules: the due time, ms since the epoch.' },
      firedAtMs: MS,
      acknowledgedAtMs: MS_OR_NULL,
      acknowledgedBy: STR_OR_NULL,
      resolvedAtMs: MS_OR_NULL,
      resolvedBy: STR_OR_NULL,
      details: { ...STRING_MAP, description: 'Key facts of the alert kind (return SLA: approver level, escalations, …).' },
      evidence: arrayOf('EvidenceRef'),
      updatedAtMs: MS,
      version: INT,
    },
    { $id: 'Alert' },
  ),
  object({ items: arrayOf('Alert'), nextCursor: NEXT_CURSOR }, { $id: 'AlertPage', description: 'Newest firedAtMs first.' }),
  object(
    { markdown: STR, html: { type: 'string', description: 'The markdown rendered to sanitized HTML (safe to insert).' } },
    { $id: 'RenderedGuide', description: "The rule's remediation guide rendered with the alert's order context." },
  ),
  object(
    {
      alert: ref('Alert'),
      guide: { oneOf: [ref('RenderedGuide'), { type: 'null' }], description: 'null when the rule has no guide or is no longer loaded.' },
      evidence: object(
        { events: arrayOf('OrderEvent'), spans: arrayOf('Span'), logs: arrayOf('LogRecord') },
        { description: "The stored records the alert's evidence names, in time order." },
      ),
    },
    { $id: 'AlertDetail' },
  ),
  object(
    {
      id: STR,
      ruleId: { type: ['string', 'null'], description: 'null = any rule.' },
      matchers: { ...STRING_MAP, description: "Label → value; all must equal the alert's labels (ruleId, orderId and severity are labels too)." },
      endsAtMs: MS,
      createdBy: STR,
      comment: STR,
      createdAtMs: MS,
      version: INT,
      active: { type: 'boolean', description: 'endsAtMs is still in the future.' },
    },
    { $id: 'Silence', description: 'Mutes notifications and tickets of matching alerts until endsAtMs; the alerts still fire.' },
  ),
  object({ items: arrayOf('Silence') }, { $id: 'SilenceList', description: 'Active silences, soonest to end first.' }),
  object(
    {
      file: STR,
      line: { type: 'integer', description: '1-based; 0 when the problem concerns a whole file or directory.' },
      column: INT,
      path: { type: 'string', description: "Field path such as rules[2].within; '' for the file itself." },
      message: STR,
    },
    { $id: 'RuleFileError', description: 'One problem in a rule file.' },
  ),
  object(
    {
      id: STR,
      kind: { type: 'string', enum: [...RULE_KINDS] },
      title: STR,
      severity: SEVERITY,
      labels: STRING_MAP,
      enabled: { type: 'boolean' },
      source: object({ file: STR, line: INT }, { description: 'Where the rule is defined.' }),
      firing: { type: 'integer', description: 'Alerts of this rule firing now.' },
      acknowledged: { type: 'integer', description: 'Alerts of this rule acknowledged and not yet resolved.' },
    },
    { $id: 'RuleSummary' },
  ),
  object(
    {
      rules: arrayOf('RuleSummary'),
      files: { type: 'array', items: STR, description: 'Rule files the set in force was built from.' },
      loadedAtMs: { ...MS, description: 'When the set in force was loaded.' },
      errors: { ...arrayOf('RuleFileError'), description: 'Problems of the last reload; the previous set stays in force while there are any.' },
    },
    { $id: 'RuleList' },
  ),
  object(
    {
      orderId: { ...STR_OR_NULL, description: 'The order tested, or null for a time window.' },
      fromMs: MS,
      toMs: MS,
      ruleIds: { type: 'array', items: STR, description: 'Rules of the tested file.' },
      scanned: object({ events: INT, spans: INT, logs: INT }, { description: 'Stored records read.' }),
      replayed: { type: 'integer', description: 'Facts replayed: records of orders (and consumer spans) inside the window.' },
      alerts: { ...arrayOf('Alert'), description: 'What the rules would have raised, in firing order. Nothing is stored or notified.' },
    },
    { $id: 'BacktestReport' },
  ),
  object(
    {
      alertId: STR,
      orderId: STR,
      scope: STR,
      rule: STR,
      state: STATE,
      severity: SEVERITY,
      firedAt: { type: 'string', description: 'RFC 3339, UTC.' },
      dueAt: { type: ['string', 'null'], description: 'RFC 3339, UTC; null for rules without a deadline.' },
      summary: STR,
    },
    { $id: 'WorklistRow', description: 'An order with an alert.' },
  ),
  object({ items: arrayOf('WorklistRow'), nextCursor: NEXT_CURSOR }, { $id: 'Worklist', description: 'Newest alert first.' }),
  object(
    {
      alertId: STR,
      orderId: STR,
      returnId: { type: 'string', description: "The alert's scope: the return ID." },
      ruleId: STR,
      state: STATE,
      firedAtMs: MS,
      dueMs: MS_OR_NULL,
      remainingMs: { type: ['number', 'null'], description: 'SLA countdown: dueMs − now; negative when overdue.' },
      overdue: { type: 'boolean' },
      escalations: { type: 'integer', description: 'How many times the return was escalated to a higher level.' },
      summary: STR,
      details: STRING_MAP,
    },
    { $id: 'ReturnQueueItem' },
  ),
  object(
    {
      level: STR,
      title: STR,
      slaMs: { type: ['number', 'null'], description: "The level's SLA; null for a level no loaded rule defines." },
      count: INT,
      overdue: INT,
      items: { ...arrayOf('ReturnQueueItem'), description: 'Most urgent (earliest due) first.' },
    },
    { $id: 'ReturnQueue', description: 'Open returns waiting at one approver level.' },
  ),
  object({ nowMs: MS, queues: arrayOf('ReturnQueue') }, { $id: 'ReturnQueues', description: 'In escalation order of the return SLA rules.' }),
  object(
    {
      ruleId: STR,
      title: STR,
      severity: SEVERITY,
      after: { type: 'string', description: 'The event that started the clock.' },
      afterEventId: STR,
      afterNs: NS,
      expect: { type: 'array', items: STR, description: 'Any one of these events ends the wait.' },
      stageId: { ...STR_OR_NULL, description: 'The catalog stage the expected event completes, when there is one.' },
      shipmentId: { ...STR_OR_NULL, description: "Per-shipment rules: the shipment." },
      calendar: { ...STR_OR_NULL, description: 'Business-hours calendar the deadline counts in.' },
      dueNs: NS,
      overdue: { type: 'boolean', description: 'The deadline has passed (an alert fires after the grace period).' },
    },
    { $id: 'ExpectedStage', description: 'What the order waits for according to a deadline rule.' },
  ),
];

// ---- requests ----

const limit = { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: `Page size, 1–${MAX_LIMIT}.` };
const cursor = { type: 'string', description: 'nextCursor of the previous page, passed back unchanged.' };

export const ALERT_QUERY_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rule: { type: 'string', description: 'Rule ID.' },
    order: { type: 'string', description: 'Order ID.' },
    state: { type: 'string', enum: [...ALERT_STATES] },
    severity: SEVERITY,
    from: { type: 'string', description: `Inclusive lower bound on firedAt: ${TIME_INPUT}.` },
    to: { type: 'string', description: `Exclusive upper bound on firedAt: ${TIME_INPUT}.` },
    limit,
    cursor,
  },
};

export const WORKLIST_QUERY_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rule: { type: 'string', description: 'Rule ID; absent = every rule.' },
    state: { ...STATE, description: 'Alert state; absent = any. "Stuck now" is state=firing.' },
    format: { type: 'string', enum: [...WORKLIST_FORMATS], description: 'csv: the whole list as CSV (also chosen by `Accept: text/csv`); limit and cursor then do not apply.' },
    limit,
    cursor,
  },
};

export const ACTOR_HEADERS: JsonSchema = {
  type: 'object',
  properties: {
    [ACTOR_HEADER]: { type: 'string', minLength: 1, maxLength: MAX_ACTOR_LENGTH, description: 'Who acts, when the body names no actor (until the API has authentication).' },
  },
};

const actor = { type: 'string', minLength: 1, maxLength: MAX_ACTOR_LENGTH, description: `Who acts; defaults to the ${ACTOR_HEADER} header. One of the two is required.` };

export const ALERT_ACTION_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    actor,
    comment: { type: 'string', maxLength: MAX_COMMENT_LENGTH, description: "Why; kept in the alert's details." },
  },
};

export const SILENCE_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ruleId: { type: ['string', 'null'], minLength: 1, description: 'Only alerts of this rule; absent or null = any rule (then matchers are required).' },
    matchers: { type: 'object', additionalProperties: { type: 'string' }, description: "Label → value the alert's labels must all have (ruleId, orderId, severity are labels too)." },
    endsAt: { ...TIME_VALUE, description: `When the silence ends: ${TIME_INPUT}. Give endsAt or durationMs.` },
    durationMs: { type: 'number', exclusiveMinimum: 0, description: 'How long from now the silence lasts, ms. Give endsAt or durationMs.' },
    comment: { type: 'string', maxLength: MAX_COMMENT_LENGTH },
    createdBy: { ...actor, description: `Who silences; defaults to the ${ACTOR_HEADER} header. One of the two is required.` },
  },
};

export const RULE_TEST_BODY: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['yaml'],
  properties: {
    yaml: { type: 'string', minLength: 1, maxLength: MAX_RULE_FILE_LENGTH, description: 'The rule file to test, as YAML text.' },
    fileName: { type: 'string', minLength: 1, maxLength: 200, description: 'Name shown in error locations; default "rule-test.yaml".' },
    orderId: { type: 'string', minLength: 1, description: "Replay this order's stored records. Give orderId, or from and to." },
    from: { ...TIME_VALUE, description: `Replay order events from this time (inclusive): ${TIME_INPUT}.` },
    to: { ...TIME_VALUE, description: `… up to this time (exclusive); deadlines are evaluated up to it (at most now).` },
  },
};
