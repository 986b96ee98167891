// Facts: the few fields of order events, spans and logs that rules look at, with times in ms.
// Pure mapping from the internal model (core/model.ts) to the engine's input (rules/model.ts).
import { anyValueToString } from '../core/otlp/attributes.ts';
import { SpanKind, StatusCode, type Attributes, type LogRecord, type OrderEvent, type Span } from '../core/model.ts';
import type { EventFact, Fact, SignalFact } from './model.ts';

/** Severity number from which a log record counts as an error (OTLP SEVERITY_NUMBER_ERROR). */
export const ERROR_SEVERITY = 17;

/** Nanoseconds since epoch (exact decimal text) → whole milliseconds. */
export function nsToMs(ns: string): number {
  return ns.length > 6 ? Number(ns.slice(0, -6)) : 0;
}

/** The identity of a span as facts and producer references spell it: trace ID followed by span ID. */
export function spanRef(traceId: string, spanId: string): string {
  return traceId + spanId;
}

function attrText(attrs: Attributes, key: string): string | undefined {
  if (!Object.hasOwn(attrs, key)) return undefined;
  const text = anyValueToString(attrs[key]!);
  return text === '' ? undefined : text;
}

export function eventFact(e: OrderEvent): EventFact {
  return {
    type: 'event',
    eventId: e.eventId,
    orderId: e.orderId,
    event: e.type,
    system: e.system,
    timeMs: nsToMs(e.timeUnixNano),
    status: e.status,
    traceId: e.traceId,
    spanId: e.spanId,
    attributes: e.attributes,
  };
}

/** Span name, status message and the message of every recorded exception, for error patterns. */
function spanText(span: Span): string {
  let text = span.name;
  if (span.status.message) text += ` ${span.status.message}`;
  for (const event of span.events) {
    if (event.name !== 'exception') continue;
    const message = attrText(event.attributes, 'exception.message');
    if (message) text += ` ${message}`;
  }
  return text;
}

/** A span's fact; its time is the span's start. Consumers carry the producer spans they follow. */
export function spanFact(span: Span): SignalFact {
  const fact: SignalFact = {
    type: 'span',
    id: spanRef(span.traceId, span.spanId),
    orderId: span.orderId,
    service: span.service,
    timeMs: nsToMs(span.startTimeUnixNano),
    isError: span.status.code === StatusCode.ERROR,
    text: spanText(span),
    traceId: span.traceId,
    spanId: span.spanId,
    kind: span.kind,
  };
  const messageId = attrText(span.attributes, 'messaging.message.id');
  const destination = attrText(span.attributes, 'messaging.destination.name');
  if (messageId !== undefined) fact.messageId = messageId;
  if (destination !== undefined) fact.destination = destination;
  if (span.kind === SpanKind.CONSUMER) {
    const refs = span.links.map((l) => spanRef(l.traceId, l.spanId));
    if (span.parentSpanId) refs.push(spanRef(span.traceId, span.parentSpanId));
    fact.producerRefs = refs;
  }
  return fact;
}

export function logFact(log: LogRecord): SignalFact {
  return {
    type: 'log',
    id: log.logId,
    orderId: log.orderId,
    service: log.service,
    timeMs: nsToMs(log.timeUnixNano !== '0' && log.timeUnixNano !== '' ? log.timeUnixNano : log.observedTimeUnixNano),
    isError: log.severityNumber >= ERROR_SEVERITY,
    text: anyValueToString(log.body),
    traceId: log.traceId,
    spanId: log.spanId,
  };
}

/**
 * Facts of one bus batch. Records without an order are left out, except consumer spans: their
 * message ID or producer link can still close a stalled-queue deadline this worker holds.
 */
export function extractFacts(events: readonly OrderEvent[], spans: readonly Span[], logs: readonly LogRecord[]): Fact[] {
  const facts: Fact[] = [];
  for (const e of events) if (e.orderId !== '') facts.push(eventFact(e));
  for (const s of spans) if (s.orderId !== '' || s.kind === SpanKind.CONSUMER) facts.push(spanFact(s));
  for (const l of logs) if (l.orderId !== '') facts.push(logFact(l));
  return facts;
}
