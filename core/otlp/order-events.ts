// Order events (business milestones) derived from mapped spans and log records.

import type { Attributes, LogRecord, OrderEvent, Span } from '../model.ts';
import { anyValueToString, stringAttr } from './attributes.ts';

/** Maps a span name (optionally of one service) to an event, for systems that cannot add attributes. */
export interface SpanNameEventRule {
  spanName: string;
  service?: string;
  event: string;
}

export interface DeriveOptions {
  spanNameEvents: SpanNameEventRule[];
  /** Attribute keys copied into OrderEvent.attributes besides the return./shipment./payment./order. ones. */
  keyAttributes: string[];
}

const KEY_PREFIXES = ['return.', 'shipment.', 'payment.', 'order.'];

function eventAttributes(attrs: Attributes, keys: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(attrs)) {
    if (k === 'order.id' || k === 'order.event') continue;
    if (keys.has(k) || KEY_PREFIXES.some((p) => k.startsWith(p))) {
      Object.defineProperty(out, k, { value: anyValueToString(attrs[k]!), enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
}

function ruleEvent(span: Span, rules: readonly SpanNameEventRule[]): string | undefined {
  for (const rule of rules) {
    if (rule.spanName === span.name && (rule.service === undefined || rule.service === span.service)) return rule.event;
  }
  return undefined;
}

/**
 * One OrderEvent per span/log that names a milestone (string attribute order.event on the item itself,
 * or for spans a matching span-name rule) and belongs to an order (orderId not empty).
 * Span events happen when the span ends; log events at the log's time.
 */
export function deriveOrderEvents(spans: Span[], logs: LogRecord[], options: DeriveOptions): OrderEvent[] {
  const keys = new Set(options.keyAttributes);
  const out: OrderEvent[] = [];
  for (const s of spans) {
    if (s.orderId === '') continue;
    const type = stringAttr(s.attributes, 'order.event') || ruleEvent(s, options.spanNameEvents);
    if (!type) continue;
    out.push({
      eventId: `span:${s.traceId}:${s.spanId}:${type}`,
      orderId: s.orderId,
      type,
      system: stringAttr(s.attributes, 'order.system') || s.service,
      timeUnixNano: s.endTimeUnixNano,
      status: stringAttr(s.attributes, 'order.status') ?? '',
      traceId: s.traceId,
      spanId: s.spanId,
      source: 'span',
      attributes: eventAttributes(s.attributes, keys),
    });
  }
  for (const l of logs) {
    if (l.orderId === '') continue;
    const type = stringAttr(l.attributes, 'order.event');
    if (!type) continue;
    out.push({
      eventId: `log:${l.logId}`,
      orderId: l.orderId,
      type,
      system: stringAttr(l.attributes, 'order.system') || l.service,
      timeUnixNano: l.timeUnixNano,
      status: stringAttr(l.attributes, 'order.status') ?? '',
      traceId: l.traceId,
      spanId: l.spanId,
      source: 'log',
      attributes: eventAttributes(l.attributes, keys),
    });
  }
  return out;
}
