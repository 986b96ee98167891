// The variables a remediation guide template sees: the alert, the order's journey, the failing spans
// and log lines behind it, and links into the UI. Pure: same inputs, same context.
//
// Span names, status messages and log bodies come from the retailer's systems and are untrusted: they
// are cut to `maxTextLength` here and escaped by rules/guide.ts when rendered.
import type { OrderJourney } from '../core/journey.ts';
import type { LogRecord, Span } from '../core/model.ts';
import { StatusCode } from '../core/model.ts';
import type { OrderRecords } from '../core/store/store.ts';
import { anyValueToString } from '../core/otlp/attributes.ts';
import type { Alert, Rule } from './model.ts';

export interface GuideStage {
  id: string;
  title: string;
  state: string;
  system: string;
  shipmentId: string | null;
  startedAt: string | null;
  endedAt: string | null;
  dueAt: string | null;
}

export interface GuideSpan {
  service: string;
  name: string;
  status: 'error' | 'ok' | 'unset';
  message: string;
  traceId: string;
  spanId: string;
  time: string;
  link: string;
}

export interface GuideLog {
  time: string;
  service: string;
  severity: string;
  body: string;
  traceId: string;
}

export interface GuideContext {
  order: { id: string; link: string };
  alert: { id: string; title: string; severity: string; summary: string; state: string; scope: string; firedAt: string; dueAt: string | null };
  rule: { id: string; kind: string };
  rootCause: string | null;
  /** The stage the alert is about, or null when none can be told. */
  stage: GuideStage | null;
  stages: GuideStage[];
  spans: GuideSpan[];
  logs: GuideLog[];
}

export interface GuideInput {
  alert: Alert;
  /** The alert's rule: a deadline rule's `after` event names the stage the alert is about. */
  rule?: Rule;
  /** computeJourney output for the alert's order; null when the order has no records (yet). */
  journey: OrderJourney | null;
  /** The order's records; the spans and logs named by the alert's evidence are taken from them. */
  records: OrderRecords | null;
  uiBaseUrl: string;
  /** Overrides the inferred stage. */
  stageId?: string;
  /** Longest span/log text kept, in characters (default 500). */
  maxTextLength?: number;
  /** Most spans and most logs listed (default 10 each). */
  maxItems?: number;
}

const NS_PER_MS = 1_000_000n;

export function isoFromNs(ns: string | null): string | null {
  if (ns === null || ns === '') return null;
  return new Date(Number(BigInt(ns) / NS_PER_MS)).toISOString();
}

export function isoFromMs(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** encodeURIComponent plus the characters it leaves alone that end a markdown link destination. */
function encodePathPart(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function baseUrl(uiBaseUrl: string): string {
  return uiBaseUrl.replace(/\/+$/, '');
}

export function orderLink(uiBaseUrl: string, orderId: string): string {
  return `${baseUrl(uiBaseUrl)}/#/orders/${encodePathPart(orderId)}`;
}

export function traceLink(uiBaseUrl: string, traceId: string, spanId: string): string {
  const span = spanId ? `?span=${encodePathPart(spanId)}` : '';
  return `${baseUrl(uiBaseUrl)}/#/traces/${encodePathPart(traceId)}${span}`;
}

/** Cuts untrusted text to `max` characters (whole code points) and drops control characters. */
export function truncateText(text: string, max: number): string {
  const clean = text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '');
  const chars = [...clean];
  return chars.length <= max ? clean : `${chars.slice(0, max).join('')}…`;
}

const SEVERITY_NAMES: [number, string][] = [
  [21, 'FATAL'],
  [17, 'ERROR'],
  [13, 'WARN'],
  [9, 'INFO'],
  [5, 'DEBUG'],
  [1, 'TRACE'],
];

function severityName(log: LogRecord): string {
  if (log.severityText) return log.severityText;
  return SEVERITY_NAMES.find(([min]) => log.severityNumber >= min)?.[1] ?? '';
}

function spanStatus(span: Span): GuideSpan['status'] {
  return span.status.code === StatusCode.ERROR ? 'error' : span.status.code === StatusCode.OK ? 'ok' : 'unset';
}

/** The status message, else the first recorded exception's message. */
function spanMessage(span: Span): string {
  if (span.status.message) return span.status.message;
  const exception = span.events.find((e) => e.name === 'exception');
  const message = exception?.attributes['exception.message'];
  return message === undefined ? '' : anyValueToString(message);
}

/**
 * The spans and logs the alert's evidence names; when it names none, the order's error spans and
 * error logs (severity ≥ ERROR), newest last.
 */
export function selectEvidence(alert: Alert, records: OrderRecords | null): { spans: Span[]; logs: LogRecord[] } {
  if (records === null) return { spans: [], logs: [] };
  const spanKeys = new Set(alert.evidence.filter((e) => e.spanId).map((e) => `${e.traceId}/${e.spanId}`));
  const logIds = new Set(alert.evidence.filter((e) => e.kind === 'log').map((e) => e.id));
  let spans = records.spans.filter((s) => spanKeys.has(`${s.traceId}/${s.spanId}`) && s.status.code === StatusCode.ERROR);
  let logs = records.logs.filter((l) => logIds.has(l.logId));
  if (spans.length === 0 && logs.length === 0) {
    spans = records.spans.filter((s) => s.status.code === StatusCode.ERROR);
    logs = records.logs.filter((l) => l.severityNumber >= 17);
  }
  const byNs = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);
  return {
    spans: spans.sort((a, b) => byNs(a.startTimeUnixNano, b.startTimeUnixNano)),
    logs: logs.sort((a, b) => byNs(a.timeUnixNano, b.timeUnixNano)),
  };
}

function guideStage(stage: OrderJourney['stages'][number]): GuideStage {
  return {
    id: stage.stageId,
    title: stage.title,
    state: stage.state,
    system: stage.system,
    shipmentId: stage.shipmentId,
    startedAt: isoFromNs(stage.startNs),
    endedAt: isoFromNs(stage.endNs),
    dueAt: isoFromNs(stage.dueNs),
  };
}

const TROUBLED_STATES = new Set(['overdue', 'failed', 'missing', 'late']);

/**
 * The stage the alert is about: the explicit stageId; for a deadline rule, the stage its `after`
 * event opened (the alert's shipment when scoped to one); else the first troubled stage.
 */
export function alertStage(input: Pick<GuideInput, 'alert' | 'rule' | 'journey' | 'stageId'>): OrderJourney['stages'][number] | null {
  const { alert, rule, journey } = input;
  if (journey === null) return null;
  const sameScope = (s: OrderJourney['stages'][number]) => s.shipmentId === null || alert.scope === '' || s.shipmentId === alert.scope;
  if (input.stageId !== undefined) return journey.stages.find((s) => s.stageId === input.stageId && sameScope(s)) ?? null;
  if (rule?.kind === 'deadline') {
    const opened = new Set(journey.events.filter((e) => e.type === rule.after).map((e) => e.eventId));
    const stage = journey.stages.find((s) => s.startEventId !== null && opened.has(s.startEventId) && sameScope(s));
    if (stage) return stage;
  }
  return journey.stages.find((s) => TROUBLED_STATES.has(s.state) && sameScope(s)) ?? null;
}

export function buildGuideContext(input: GuideInput): GuideContext {
  const { alert, uiBaseUrl } = input;
  const maxText = input.maxTextLength ?? 500;
  const maxItems = input.maxItems ?? 10;
  const evidence = selectEvidence(alert, input.records);
  const stage = alertStage(input);
  return {
    order: { id: alert.orderId, link: orderLink(uiBaseUrl, alert.orderId) },
    alert: {
      id: alert.id,
      title: alert.title,
      severity: alert.severity,
      summary: truncateText(alert.summary, maxText),
      state: alert.state,
      scope: alert.scope,
      firedAt: isoFromMs(alert.firedAtMs)!,
      dueAt: isoFromMs(alert.dueMs),
    },
    rule: { id: alert.ruleId, kind: alert.ruleKind },
    rootCause: alert.rootCause,
    stage: stage ? guideStage(stage) : null,
    stages: (input.journey?.stages ?? []).map(guideStage),
    spans: evidence.spans.slice(-maxItems).map((s) => ({
      service: truncateText(s.service, maxText),
      name: truncateText(s.name, maxText),
      status: spanStatus(s),
      message: truncateText(spanMessage(s), maxText),
      traceId: s.traceId,
      spanId: s.spanId,
      time: isoFromNs(s.startTimeUnixNano)!,
      link: traceLink(uiBaseUrl, s.traceId, s.spanId),
    })),
    logs: evidence.logs.slice(-maxItems).map((l) => ({
      time: isoFromNs(l.timeUnixNano)!,
      service: truncateText(l.service, maxText),
      severity: truncateText(severityName(l), 20),
      body: truncateText(anyValueToString(l.body), maxText),
      traceId: l.traceId,
    })),
  };
}
