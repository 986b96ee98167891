// The JSON Schema of rule files (YAML), published as docs/rules.schema.json (rules/rule-schema.test.ts
// keeps the two identical). Regenerate the published copy with
//   ./node_modules/.bin/node rules/rule-schema.ts > docs/rules.schema.json
// The defaults below are the single source for both the schema's `default` annotations and the compiler.
import { DURATION_EXPECTED, DURATION_PATTERN } from '../core/domain-config.ts';
import type { RuleKind } from './model.ts';

export const RULE_KINDS = ['deadline', 'sequence', 'status_mismatch', 'error_pattern', 'stalled_queue', 'return_sla'] as const satisfies readonly RuleKind[];
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export const NOTIFIER_TYPES = ['webhook', 'slack', 'email'] as const;

export const RULE_DEFAULTS = {
  severity: 'warning',
  enabled: true,
  per: 'order',
  tolerance: '5m',
  stalledWithin: '5m',
  signal: 'any',
  errorsOnly: true,
  closeOn: ['return.approved', 'return.rejected'],
} as const;

export const SETTINGS_DEFAULTS = {
  defaultNotify: [] as string[],
  statusPush: null,
  defaultGrace: '2m',
  grouping: { groupWait: '30s', groupInterval: '5m', maxExamples: 10 },
  uiBaseUrl: 'http://127.0.0.1:8080',
};

export const SMTP_DEFAULTS = { port: 587, securePort: 465, secure: false } as const;

/**
 * Leaf value types. Their `description` reads as what was expected, so validation errors on them say
 * `expected <description>, got <value>` (rules/rule-file.ts).
 */
const valueDefs = {
  duration: { type: 'string', pattern: DURATION_PATTERN, description: DURATION_EXPECTED },
  id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'an identifier of letters, digits, "_", "-" and "." such as "stock-lock-2h"' },
  event: { type: 'string', minLength: 1, description: 'an order event name such as "payment.succeeded"' },
  clockTime: { type: 'string', pattern: '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', description: 'a local time of day such as "09:00" (00:00 to 24:00)' },
  date: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$', description: 'a date such as "2026-12-25"' },
  url: { type: 'string', pattern: '^https?://[^\\s]+$', description: 'an http(s) URL such as "https://hooks.example.com/ordertrace"' },
  envName: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'an environment variable name such as "ORDERTRACE_WEBHOOK_SECRET"' },
  nonEmptyString: { type: 'string', minLength: 1, description: 'a non-empty string' },
} as const;

export type ValueDefName = keyof typeof valueDefs;
export const VALUE_DEF_DESCRIPTIONS: Record<ValueDefName, string> = Object.fromEntries(
  Object.entries(valueDefs).map(([name, def]) => [name, def.description]),
) as Record<ValueDefName, string>;

const ref = (name: string) => ({ $ref: `#/$defs/${name}` });
const listOf = (item: object, description: string) => ({ type: 'array', items: item, description });
const eventList = (description: string) => ({ ...listOf(ref('event'), description), minItems: 1 });

const ruleCommon = {
  id: { ...ref('id'), description: 'Unique rule ID; a rule in a later directory with the same ID replaces this one.' },
  title: { type: 'string', minLength: 1, description: 'One line shown in alert lists and notifications.' },
  severity: { enum: [...SEVERITIES], default: RULE_DEFAULTS.severity },
  labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Free-form string labels copied onto alerts (silences match them).' },
  guide: { type: 'string', description: 'Remediation guide: a markdown template with mustache variables ({{order.id}}, …).' },
  notify: listOf(ref('id'), 'Notifier IDs to notify; empty or absent = settings.defaultNotify.'),
  ticket: listOf(ref('id'), 'Notifier IDs that receive a ticket webhook per alert.'),
  enabled: { type: 'boolean', default: RULE_DEFAULTS.enabled },
};

function ruleKind(kind: RuleKind, description: string, required: string[], properties: Record<string, object>, extra: object = {}) {
  return {
    type: 'object',
    description,
    required: ['id', 'kind', 'title', ...required],
    properties: { kind: { const: kind }, ...ruleCommon, ...properties },
    additionalProperties: false,
    ...extra,
  };
}

const rules = {
  deadlineRule: ruleKind('deadline', 'After event `after`, expect one of `expect` within `within`.', ['after', 'expect', 'within'], {
    after: { ...ref('event'), description: 'Event that starts the clock.' },
    expect: {
      type: ['string', 'array'], minLength: 1, minItems: 1, items: ref('event'),
      description: 'Event (or list of events, any one suffices) expected before the deadline.',
    },
    within: { ...ref('duration'), description: 'Time allowed after `after` (business time when `calendar` is set).' },
    grace: { ...ref('duration'), description: 'Allowance for ingest lag; default settings.defaultGrace.' },
    per: { enum: ['order', 'shipment'], default: RULE_DEFAULTS.per, description: '"shipment": one deadline per shipment.id.' },
    calendar: { ...ref('id'), description: 'Business-hours calendar ID: the clock only runs in working hours.' },
  }),
  sequenceRule: ruleKind('sequence', 'Flags `then` seen with an earlier event time than `first`.', ['first', 'then'], {
    first: ref('event'),
    then: ref('event'),
  }),
  statusMismatchRule: ruleKind('status_mismatch', 'A system\'s mapped status differs from the canonical status for longer than `tolerance`.', [], {
    tolerance: { ...ref('duration'), default: RULE_DEFAULTS.tolerance },
    systems: listOf(ref('nonEmptyString'), 'Systems compared; empty or absent = every system that reports order.status.'),
  }),
  errorPatternRule: ruleKind('error_pattern', 'At least `threshold` matching spans/logs within `window` tag `rootCause` on the affected orders.', ['match', 'threshold', 'window', 'rootCause'], {
    match: {
      type: 'object',
      required: ['pattern'],
      additionalProperties: false,
      properties: {
        signal: { enum: ['span', 'log', 'any'], default: RULE_DEFAULTS.signal },
        service: { ...ref('nonEmptyString'), description: 'Only this service; absent = any service.' },
        errorsOnly: { type: 'boolean', default: RULE_DEFAULTS.errorsOnly, description: 'Spans with status ERROR / logs with severity ≥ ERROR only.' },
        pattern: { type: 'string', minLength: 1, description: 'Case-insensitive regular expression over span name, status and exception messages, or log body.' },
      },
    },
    threshold: { type: 'integer', minimum: 1, description: 'Fires when at least this many records match within `window`.' },
    window: ref('duration'),
    rootCause: { type: 'string', minLength: 1, description: 'Root cause tagged on each affected order.' },
  }),
  stalledQueueRule: ruleKind('stalled_queue', 'A message produced for an order with no matching consumption within `within`.', [], {
    within: { ...ref('duration'), default: RULE_DEFAULTS.stalledWithin },
    grace: { ...ref('duration'), description: 'Default settings.defaultGrace.' },
    producedEvent: { ...ref('event'), description: 'Order event meaning "produced", for systems without messaging spans.' },
    consumedEvent: { ...ref('event'), description: 'Order event meaning "consumed"; required with producedEvent.' },
  }, { dependentRequired: { producedEvent: ['consumedEvent'], consumedEvent: ['producedEvent'] } }),
  returnSlaRule: ruleKind('return_sla', 'Routes a return by type × amount to an approver level with an SLA; escalates to the next level when overdue.', ['levels', 'routes'], {
    levels: {
      type: 'array', minItems: 1, description: 'Approver levels in escalation order.',
      items: {
        type: 'object', required: ['id', 'title', 'sla'], additionalProperties: false,
        properties: { id: ref('id'), title: { type: 'string', minLength: 1 }, sla: ref('duration') },
      },
    },
    routes: {
      type: 'array', minItems: 1, description: 'First matching route wins.',
      items: {
        type: 'object', required: ['level'], additionalProperties: false,
        properties: {
          type: { ...ref('nonEmptyString'), description: 'return.type to match; absent = any.' },
          currency: { type: 'string', pattern: '^[A-Z]{3}$', description: 'an ISO 4217 currency code such as "EUR"' },
          maxAmount: { type: 'number', minimum: 0, description: 'Matches return.amount ≤ maxAmount (in `currency`); absent = no upper bound.' },
          level: ref('id'),
        },
        dependentRequired: { maxAmount: ['currency'] },
      },
    },
    closeOn: { ...eventList('Events that end the approval wait.'), default: [...RULE_DEFAULTS.closeOn] },
    calendar: ref('id'),
  }),
};

const notifierCommon = { id: ref('id') };
const notifiers = {
  webhookNotifier: {
    type: 'object', required: ['id', 'type', 'url'], additionalProperties: false,
    properties: { ...notifierCommon, type: { const: 'webhook' }, url: ref('url'), secretEnv: { ...ref('envName'), description: 'Environment variable holding the HMAC-SHA256 signing key.' } },
  },
  slackNotifier: {
    type: 'object', required: ['id', 'type', 'url'], additionalProperties: false,
    properties: { ...notifierCommon, type: { const: 'slack' }, url: { ...ref('url'), description: 'Slack incoming-webhook URL.' } },
  },
  emailNotifier: {
    type: 'object', required: ['id', 'type', 'smtp', 'from', 'to'], additionalProperties: false,
    properties: {
      ...notifierCommon,
      type: { const: 'email' },
      smtp: {
        type: 'object', required: ['host'], additionalProperties: false,
        properties: {
          host: ref('nonEmptyString'),
          port: { type: 'integer', minimum: 1, maximum: 65535, description: `Default ${SMTP_DEFAULTS.port} (${SMTP_DEFAULTS.securePort} when secure).` },
          secure: { type: 'boolean', default: SMTP_DEFAULTS.secure, description: 'TLS from the start (port 465); false = STARTTLS when offered.' },
          userEnv: ref('envName'),
          passwordEnv: ref('envName'),
        },
      },
      from: ref('nonEmptyString'),
      to: { type: 'array', minItems: 1, items: ref('nonEmptyString') },
    },
  },
};

const calendar = {
  type: 'object', required: ['id', 'timeZone', 'workingDays', 'start', 'end'], additionalProperties: false,
  properties: {
    id: ref('id'),
    timeZone: { type: 'string', minLength: 1, description: 'IANA time zone such as "Europe/Berlin".' },
    workingDays: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'integer', minimum: 1, maximum: 7 }, description: 'ISO weekdays: 1 = Monday … 7 = Sunday.' },
    start: ref('clockTime'),
    end: ref('clockTime'),
    holidays: { type: 'array', items: ref('date'), description: 'Local dates that are not working days.' },
  },
};

const settings = {
  type: 'object', additionalProperties: false,
  properties: {
    defaultNotify: { ...listOf(ref('id'), 'Notifier IDs for rules that name none.'), default: SETTINGS_DEFAULTS.defaultNotify },
    statusPush: { ...ref('id'), description: 'Notifier ID that receives canonical status changes (e.g. for the CRM).' },
    defaultGrace: { ...ref('duration'), default: SETTINGS_DEFAULTS.defaultGrace, description: 'Grace of deadline and stalled-queue rules that set none.' },
    grouping: {
      type: 'object', additionalProperties: false,
      properties: {
        groupWait: { ...ref('duration'), default: SETTINGS_DEFAULTS.grouping.groupWait },
        groupInterval: { ...ref('duration'), default: SETTINGS_DEFAULTS.grouping.groupInterval },
        maxExamples: { type: 'integer', minimum: 1, default: SETTINGS_DEFAULTS.grouping.maxExamples },
      },
    },
    uiBaseUrl: { ...ref('url'), default: SETTINGS_DEFAULTS.uiBaseUrl },
  },
};

const vocabulary = {
  type: 'object', additionalProperties: false,
  properties: {
    systems: {
      type: 'object', description: 'system → (its status word → canonical status).',
      additionalProperties: { type: 'object', additionalProperties: ref('nonEmptyString') },
    },
    milestones: { type: 'object', description: 'milestone event → canonical status it implies.', additionalProperties: ref('nonEmptyString') },
  },
};

/**
 * One of several object shapes told apart by `tag`. The enum gives a clear error for an unknown tag;
 * ajv's `discriminator` then validates only the matching branch (other validators ignore it and
 * still get exactly one matching branch from the branches' `const` tags).
 */
function taggedUnion(tag: string, values: readonly string[], branches: Record<string, unknown>) {
  return { type: 'object', required: [tag], properties: { [tag]: { enum: [...values] } }, discriminator: { propertyName: tag }, oneOf: Object.keys(branches).map(ref) };
}

export const RULE_FILE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'ordertrace rule file',
  description: 'Rules, status vocabulary, calendars, notifiers and settings (see docs/rules.md).',
  type: 'object',
  additionalProperties: false,
  properties: {
    rules: { type: 'array', items: ref('rule') },
    vocabulary: ref('vocabulary'),
    calendars: { type: 'array', items: ref('calendar') },
    notifiers: { type: 'array', items: ref('notifier') },
    settings: ref('settings'),
  },
  $defs: {
    ...valueDefs,
    rule: taggedUnion('kind', RULE_KINDS, rules),
    ...rules,
    notifier: taggedUnion('type', NOTIFIER_TYPES, notifiers),
    ...notifiers,
    calendar,
    settings,
    vocabulary,
  },
};

/** The published form: docs/rules.schema.json holds exactly this text. */
export function ruleFileSchemaJson(): string {
  return `${JSON.stringify(RULE_FILE_SCHEMA, null, 2)}\n`;
}

if (import.meta.main) process.stdout.write(ruleFileSchemaJson());
