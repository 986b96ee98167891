// Building model records: the per-resource/scope context, empty records every mapper fills in
// (one object shape for both encodings), and the shared finishing step (validation + derived fields).

import type { LogRecord, Resource, Scope, Span } from '../model.ts';
import { orderIdOf, serviceOf } from './attributes.ts';
import { computeLogId } from './log-id.ts';
import { checkTime, compareDecimal, isValidSpanId, isValidTraceId, isZeroId } from './validate.ts';

/** What every item of one resource/scope shares. Resource and scope objects are shared, not copied. */
export interface ItemContext {
  resource: Resource;
  scope: Scope;
  service: string;
  /** order.id on the resource, '' when none. */
  resourceOrderId: string;
  /** Latest acceptable timestamp (ns, decimal). */
  maxNs: string;
}

export function emptyResource(): Resource {
  return { attributes: {}, droppedAttributesCount: 0 };
}

export function emptyScope(): Scope {
  return { name: '', version: '', attributes: {}, droppedAttributesCount: 0 };
}

export function itemContext(resource: Resource, scope: Scope, maxNs: string): ItemContext {
  return {
    resource,
    scope,
    service: serviceOf(resource.attributes),
    resourceOrderId: orderIdOf(resource.attributes),
    maxNs,
  };
}

export function emptySpan(ctx: ItemContext): Span {
  return {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    traceState: '',
    name: '',
    kind: 0,
    startTimeUnixNano: '0',
    endTimeUnixNano: '0',
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: 0,
    service: ctx.service,
    resource: ctx.resource,
    scope: ctx.scope,
    orderId: '',
  };
}

export function emptyLog(ctx: ItemContext): LogRecord {
  return {
    logId: '',
    timeUnixNano: '0',
    observedTimeUnixNano: '0',
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    service: ctx.service,
    resource: ctx.resource,
    scope: ctx.scope,
    orderId: '',
  };
}

/** Validates a decoded span and fills its derived fields. Returns the rejection reason, if any. */
export function finishSpan(s: Span, ctx: ItemContext): string | undefined {
  if (!isValidTraceId(s.traceId)) return 'invalid traceId';
  if (!isValidSpanId(s.spanId)) return 'invalid spanId';
  if (s.parentSpanId !== '') {
    if (isZeroId(s.parentSpanId)) s.parentSpanId = '';
    else if (!isValidSpanId(s.parentSpanId)) return 'invalid parentSpanId';
  }
  if (s.name === '') return 'missing name';
  const reason =
    checkTime('startTimeUnixNano', s.startTimeUnixNano, ctx.maxNs) ??
    checkTime('endTimeUnixNano', s.endTimeUnixNano, ctx.maxNs);
  if (reason) return reason;
  if (compareDecimal(s.endTimeUnixNano, s.startTimeUnixNano) < 0) return 'endTimeUnixNano is before startTimeUnixNano';
  s.orderId = orderIdOf(s.attributes) || ctx.resourceOrderId;
  return undefined;
}

/**
 * Validates a decoded log record and fills its derived fields. A missing time falls back to the
 * observed time; all-zero trace/span IDs mean "not correlated" and become ''.
 */
export function finishLog(l: LogRecord, ctx: ItemContext): string | undefined {
  if (l.traceId !== '') {
    if (isZeroId(l.traceId)) l.traceId = '';
    else if (!isValidTraceId(l.traceId)) return 'invalid traceId';
  }
  if (l.spanId !== '') {
    if (isZeroId(l.spanId)) l.spanId = '';
    else if (!isValidSpanId(l.spanId)) return 'invalid spanId';
  }
  if (l.observedTimeUnixNano === '') return 'invalid observedTimeUnixNano';
  if (l.timeUnixNano === '') return 'invalid timeUnixNano';
  if (l.timeUnixNano === '0') {
    if (l.observedTimeUnixNano === '0') return 'missing timeUnixNano and observedTimeUnixNano';
    l.timeUnixNano = l.observedTimeUnixNano;
  }
  const reason = checkTime('timeUnixNano', l.timeUnixNano, ctx.maxNs);
  if (reason) return reason;
  l.orderId = orderIdOf(l.attributes) || ctx.resourceOrderId;
  l.logId = computeLogId(l);
  return undefined;
}
