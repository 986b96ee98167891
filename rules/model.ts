// The rules engine's shared shapes: compiled rules (from YAML rule files) and the facts the engine
// consumes. Alerts, silences and persisted rule state are in core/alerts.ts (re-exported here).
// Pure data; every rules/ module speaks these types.

import type { RuleKind, Severity } from '../core/alerts.ts';

export type * from '../core/alerts.ts';

/** Where a rule was defined, for error messages and the rules API. */
export interface RuleSource {
  file: string;
  line: number;
}

/** A business-hours calendar: SLA clocks only run inside working hours. */
export interface CalendarDef {
  id: string;
  /** IANA time zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** ISO weekdays that are working days, 1 = Monday … 7 = Sunday. */
  workingDays: number[];
  /** "09:00" – "18:00" local time. */
  start: string;
  end: string;
  /** Local dates ("2026-12-25") that are not working days. */
  holidays: string[];
}

interface RuleBase {
  id: string;
  title: string;
  severity: Severity;
  labels: Record<string, string>;
  /** Markdown template of the remediation guide (rendered by rules/guide.ts). */
  guide: string;
  /** Notification channel IDs (rule-file `notify:`); empty = the rule set's default channels. */
  notify: string[];
  /** Ticket channel IDs: a webhook per ticket-worthy alert (stalled queue). */
  ticket: string[];
  enabled: boolean;
  source: RuleSource;
}

/** After event A, expect one of B within D: due = t(A) + D (or D of business time with a calendar). */
export interface DeadlineRule extends RuleBase {
  kind: 'deadline';
  after: string;
  expect: string[];
  withinMs: number;
  /** Allowance for ingest lag: fire when wall clock ≥ due + grace. */
  graceMs: number;
  /** 'shipment': one deadline per shipment.id (split parcels). */
  per: 'order' | 'shipment';
  calendar: string | null;
}

/** B seen with an earlier event time than A (shipped before paid). */
export interface SequenceRule extends RuleBase {
  kind: 'sequence';
  first: string;
  then: string;
}

/** A system's mapped status differs from the canonical status for longer than the tolerance. */
export interface StatusMismatchRule extends RuleBase {
  kind: 'status_mismatch';
  toleranceMs: number;
  /** Systems compared; empty = every system that reports order.status. */
  systems: string[];
}

/** Spans/logs matching a condition above a count within a window → root cause tagged on each affected order. */
export interface ErrorPatternRule extends RuleBase {
  kind: 'error_pattern';
  match: {
    signal: 'span' | 'log' | 'any';
    service: string | null;
    /** Spans: status code ERROR required; logs: severity ≥ ERROR (17) required. */
    errorsOnly: boolean;
    /** Case-insensitive regular expression over span name + status message + exception messages / log body. */
    pattern: string;
  };
  threshold: number;
  windowMs: number;
  rootCause: string;
}

/** A message produced for an order with no matching consumption within D. */
export interface StalledQueueRule extends RuleBase {
  kind: 'stalled_queue';
  withinMs: number;
  graceMs: number;
  /** Optional order events that mean "produced"/"consumed" (for systems without messaging spans). */
  producedEvent: string | null;
  consumedEvent: string | null;
}

export interface ReturnLevel {
  id: string;
  title: string;
  slaMs: number;
}

/** Route: first matching wins; amount ≤ maxAmount in that currency (null = no upper bound). */
export interface ReturnRoute {
  type: string | null;
  currency: string | null;
  maxAmount: number | null;
  level: string;
}

export interface ReturnSlaRule extends RuleBase {
  kind: 'return_sla';
  levels: ReturnLevel[];
  routes: ReturnRoute[];
  /** Events that close the approval (return.approved, return.rejected). */
  closeOn: string[];
  calendar: string | null;
}

export type Rule = DeadlineRule | SequenceRule | StatusMismatchRule | ErrorPatternRule | StalledQueueRule | ReturnSlaRule;

/** Status vocabulary: per system, its own status words → canonical status; canonical status per stage reached. */
export interface StatusVocabulary {
  /** system → (system's word → canonical word). A system not listed uses its words as they are. */
  systems: Record<string, Record<string, string>>;
  /** milestone event → canonical status it implies (the furthest one reached is canonical). */
  milestones: Record<string, string>;
}

export interface NotifierDef {
  id: string;
  type: 'webhook' | 'slack' | 'email';
  /** webhook / slack */
  url?: string;
  /** webhook: HMAC-SHA256 key; the environment variable named by secretEnv wins. */
  secretEnv?: string;
  /** email */
  smtp?: { host: string; port: number; secure: boolean; userEnv?: string; passwordEnv?: string };
  from?: string;
  to?: string[];
}

/** A whole validated rule set (every rule file of the rules directory merged). */
export interface RuleSet {
  rules: Rule[];
  vocabulary: StatusVocabulary;
  calendars: CalendarDef[];
  notifiers: NotifierDef[];
  /** Channels used by rules that name none. */
  defaultNotify: string[];
  /** Optional push of canonical status changes (e.g. to the CRM); a notifier ID. */
  statusPush: string | null;
  /** Grouping of notifications: first message after groupWaitMs, then at most one per groupIntervalMs per rule. */
  grouping: { groupWaitMs: number; groupIntervalMs: number; maxExamples: number };
  /** Base URL of the UI for links in guides and notifications. */
  uiBaseUrl: string;
  /** Files the set was built from. */
  files: string[];
}

// ---- facts the engine consumes (extracted from bus records by rules/facts.ts) ----

export interface EventFact {
  type: 'event';
  eventId: string;
  orderId: string;
  event: string;
  system: string;
  timeMs: number;
  status: string;
  traceId: string;
  spanId: string;
  attributes: Record<string, string>;
}

/** A span or log reduced to what rules look at. */
export interface SignalFact {
  type: 'span' | 'log';
  /** span: traceId+spanId; log: logId. */
  id: string;
  orderId: string;
  service: string;
  timeMs: number;
  /** Spans: status ERROR; logs: severity ≥ 17. */
  isError: boolean;
  /** Text searched by error patterns (span name, status message, exception messages; log body). */
  text: string;
  traceId: string;
  spanId: string;
  /** Spans only: OTLP SpanKind (PRODUCER 4, CONSUMER 5) and messaging attributes. */
  kind?: number;
  messageId?: string;
  destination?: string;
  /** Spans only: producer span contexts this consumer links to or is a child of. */
  producerRefs?: string[];
}

export type Fact = EventFact | SignalFact;

/** Compile-time check that core/alerts.ts's RuleKind lists exactly the kinds of Rule. */
export type RuleKindsAgree = [Rule['kind']] extends [RuleKind] ? ([RuleKind] extends [Rule['kind']] ? true : never) : never;
export const RULE_KINDS_AGREE: RuleKindsAgree = true;
