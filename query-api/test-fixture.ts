// Test data for the query API tests: one realistic order (A-1001) across shop, payment, inventory,
// wms, carrier and returns — checkout/fulfilment in one trace, the return weeks later in another —
// plus a second order (A-1002) so every filter has something to exclude.
import type { AnyValue, Attributes, LogRecord, OrderEvent, Span } from '../core/model.ts';
import type { WriteBatch } from '../core/store/store.ts';

/** 2026-03-01T10:00:00Z in ns. */
export const T0 = 1_772_359_200_000_000_000n;
const SEC = 1_000_000_000n;
const MIN = 60n * SEC;
const HOUR = 60n * MIN;
const DAY = 24n * HOUR;

export const at = (offsetNs: bigint): string => (T0 + offsetNs).toString();
/** The clock the journey is computed at: one hour after the return was requested. */
export const NOW_MS = Number((T0 + 10n * DAY + HOUR) / 1_000_000n);

export const TRACE_CHECKOUT = '4bf92f3577b34da6a3ce929d0e0e4736';
export const TRACE_RETURN = '0af7651916cd43dd8448eb211c80319c';
export const TRACE_OTHER = 'b7ad6b7169203331a3c4d6f8e2c9b1a0';
export const ORDER = 'A-1001';
export const OTHER_ORDER = 'A-1002';
export const RETURN_ID = 'R-555';
export const TRACKING = 'TRK-1Z999AA10123456784';
export const SHIPMENT = 'SH-1';
export const PAYMENT_REF = 'PAY-77-ABC';

function resource(service: string, extra: Attributes = {}): Span['resource'] {
  return { attributes: { 'service.name': service, 'deployment.environment': 'prod', ...extra }, droppedAttributesCount: 0 };
}

const scope = { name: 'ordertrace-test', version: '1.2.3', attributes: {}, droppedAttributesCount: 0 };

interface SpanInit {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  service: string;
  name: string;
  startNs: string;
  endNs: string;
  kind?: number;
  status?: { code: number; message: string };
  attributes?: Attributes;
  events?: Span['events'];
  links?: Span['links'];
}

function span(init: SpanInit): Span {
  const attributes = init.attributes ?? {};
  const orderId = typeof attributes['order.id'] === 'string' ? attributes['order.id'] : '';
  return {
    traceId: init.traceId,
    spanId: init.spanId,
    parentSpanId: init.parentSpanId ?? '',
    traceState: '',
    name: init.name,
    kind: init.kind ?? 2,
    startTimeUnixNano: init.startNs,
    endTimeUnixNano: init.endNs,
    attributes,
    droppedAttributesCount: 0,
    events: init.events ?? [],
    droppedEventsCount: 0,
    links: init.links ?? [],
    droppedLinksCount: 0,
    status: init.status ?? { code: 0, message: '' },
    flags: 1,
    service: init.service,
    resource: resource(init.service),
    scope,
    orderId,
  };
}

interface LogInit {
  logId: string;
  timeNs: string;
  service: string;
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  traceId?: string;
  spanId?: string;
  attributes?: Attributes;
}

function log(init: LogInit): LogRecord {
  const attributes = init.attributes ?? {};
  return {
    logId: init.logId,
    timeUnixNano: init.timeNs,
    observedTimeUnixNano: (BigInt(init.timeNs) + 1_000_000n).toString(),
    severityNumber: init.severityNumber,
    severityText: init.severityText,
    body: init.body,
    attributes,
    droppedAttributesCount: 0,
    flags: init.traceId ? 1 : 0,
    traceId: init.traceId ?? '',
    spanId: init.spanId ?? '',
    eventName: '',
    service: init.service,
    resource: resource(init.service),
    scope,
    orderId: typeof attributes['order.id'] === 'string' ? attributes['order.id'] : '',
  };
}

function event(span: Span, type: string, status: string, attributes: Record<string, string> = {}): OrderEvent {
  return {
    eventId: `${span.traceId}:${span.spanId}`,
    orderId: span.orderId,
    type,
    system: span.service,
    timeUnixNano: span.endTimeUnixNano,
    status,
    traceId: span.traceId,
    spanId: span.spanId,
    source: 'span',
    attributes: { 'order.id': span.orderId, ...attributes },
  };
}

// ---- order A-1001: checkout and fulfilment (one trace) ----
export const checkout = span({
  traceId: TRACE_CHECKOUT, spanId: '00f067aa0ba902b7', service: 'shop', name: 'POST /checkout',
  startNs: at(123_456_789n), endNs: at(SEC + 987_654_321n), status: { code: 1, message: '' },
  attributes: { 'order.id': ORDER, 'order.event': 'order.created', 'order.status': 'created', 'http.request.method': 'POST', 'http.response.status_code': { int: '201' }, 'order.total': 149.95, 'order.items': ['SKU-1', 'SKU-2'] },
  events: [{ timeUnixNano: at(500_000_000n), name: 'cart.validated', attributes: { 'cart.lines': { int: '2' } }, droppedAttributesCount: 0 }],
});
export const charge = span({
  traceId: TRACE_CHECKOUT, spanId: '1111111111111111', parentSpanId: checkout.spanId, service: 'payment', name: 'charge card', kind: 3,
  startNs: at(2n * SEC), endNs: at(30n * SEC + 1n), status: { code: 1, message: '' },
  attributes: { 'order.id': ORDER, 'order.event': 'payment.succeeded', 'order.status': 'paid', 'payment.reference': PAYMENT_REF, 'payment.amount': { int: '14995' }, 'payment.3ds': true, 'payment.gateway': { kv: { name: 'acme', region: 'eu' } } },
});
export const deductFailed = span({
  traceId: TRACE_CHECKOUT, spanId: '2222222222222222', parentSpanId: charge.spanId, service: 'inventory', name: 'deduct stock',
  startNs: at(31n * SEC), endNs: at(31n * SEC + 2_500_000n), status: { code: 2, message: 'deduction failed: row locked' },
  attributes: { 'order.id': ORDER, 'db.system': 'postgresql', 'retry.attempt': { int: '1' } },
  links: [{ traceId: TRACE_OTHER, spanId: '5555555555555555', traceState: 'k=v', attributes: { 'link.reason': 'same sku' }, droppedAttributesCount: 0, flags: 1 }],
});
export const lockStock = span({
  traceId: TRACE_CHECKOUT, spanId: '3333333333333333', parentSpanId: charge.spanId, service: 'inventory', name: 'lock stock',
  startNs: at(39n * MIN), endNs: at(40n * MIN), status: { code: 1, message: '' },
  attributes: { 'order.id': ORDER, 'order.event': 'inventory.locked', 'order.status': 'locked', 'retry.attempt': { int: '2' } },
});
export const packed = span({
  traceId: TRACE_CHECKOUT, spanId: '4444444444444444', parentSpanId: checkout.spanId, service: 'wms', name: 'pack parcel', kind: 1,
  startNs: at(4n * HOUR), endNs: at(5n * HOUR),
  attributes: { 'order.id': ORDER, 'order.event': 'package.packed', 'order.status': 'packed', 'shipment.id': SHIPMENT, 'shipment.tracking_number': TRACKING },
});
export const pickedUp = span({
  traceId: TRACE_CHECKOUT, spanId: '6666666666666666', parentSpanId: packed.spanId, service: 'carrier', name: 'carrier scan', kind: 5,
  startNs: at(6n * HOUR), endNs: at(6n * HOUR + 10n * SEC),
  attributes: { 'order.id': ORDER, 'order.event': 'carrier.picked_up', 'order.status': 'in_transit', 'shipment.id': SHIPMENT, 'shipment.tracking_number': TRACKING },
});
export const signed = span({
  traceId: TRACE_CHECKOUT, spanId: '7777777777777777', parentSpanId: pickedUp.spanId, service: 'carrier', name: 'delivery signed', kind: 5,
  startNs: at(30n * HOUR), endNs: at(30n * HOUR + SEC),
  attributes: { 'order.id': ORDER, 'order.event': 'delivery.signed', 'order.status': 'delivered', 'shipment.id': SHIPMENT },
});

// ---- order A-1001: the return, ten days later, in its own trace ----
export const returnRequested = span({
  traceId: TRACE_RETURN, spanId: '8888888888888888', service: 'returns', name: 'POST /returns',
  startNs: at(10n * DAY), endNs: at(10n * DAY + 200_000_000n), status: { code: 1, message: '' },
  attributes: { 'order.id': ORDER, 'order.event': 'return.requested', 'order.status': 'return_requested', 'return.id': RETURN_ID, 'return.type': 'quality', 'return.amount': 149.95, 'return.currency': 'EUR' },
});

// ---- order A-1002: paid, stock not locked yet ----
export const otherCheckout = span({
  traceId: TRACE_OTHER, spanId: '9999999999999999', service: 'shop', name: 'POST /checkout',
  startNs: at(2n * HOUR), endNs: at(2n * HOUR + 800_000_000n), status: { code: 1, message: '' },
  attributes: { 'order.id': OTHER_ORDER, 'order.event': 'order.created', 'order.status': 'created' },
});
export const otherCharge = span({
  traceId: TRACE_OTHER, spanId: '5555555555555555', parentSpanId: otherCheckout.spanId, service: 'payment', name: 'charge card', kind: 3,
  startNs: at(2n * HOUR + SEC), endNs: at(2n * HOUR + 4n * SEC),
  attributes: { 'order.id': OTHER_ORDER, 'order.event': 'payment.succeeded', 'order.status': 'paid', 'payment.reference': 'PAY-78' },
});

export const ORDER_SPANS = [checkout, charge, deductFailed, lockStock, packed, pickedUp, signed, returnRequested];
export const ALL_SPANS = [...ORDER_SPANS, otherCheckout, otherCharge];

export const chargedLog = log({
  logId: 'log-charged', timeNs: at(29n * SEC), service: 'payment', severityNumber: 9, severityText: 'INFO',
  body: 'card charged: 149.95 EUR', traceId: TRACE_CHECKOUT, spanId: charge.spanId, attributes: { 'order.id': ORDER, 'payment.reference': PAYMENT_REF },
});
export const deductionLog = log({
  logId: 'log-deduction', timeNs: at(31n * SEC + 2_000_000n), service: 'inventory', severityNumber: 17, severityText: 'ERROR',
  body: 'Stock deduction FAILED for SKU-1: row locked, retrying', traceId: TRACE_CHECKOUT, spanId: deductFailed.spanId,
  attributes: { 'order.id': ORDER, 'exception.type': 'LockTimeout', 'sku': 'SKU-1' },
});
export const lockedLog = log({
  logId: 'log-locked', timeNs: at(40n * MIN), service: 'inventory', severityNumber: 9, severityText: 'INFO',
  body: { kv: { msg: 'stock locked', skus: ['SKU-1', 'SKU-2'] } }, traceId: TRACE_CHECKOUT, spanId: lockStock.spanId, attributes: { 'order.id': ORDER },
});
export const returnLog = log({
  logId: 'log-return', timeNs: at(10n * DAY + 100_000_000n), service: 'returns', severityNumber: 13, severityText: 'WARN',
  body: 'return requested: item damaged', traceId: TRACE_RETURN, spanId: returnRequested.spanId, attributes: { 'order.id': ORDER, 'return.id': RETURN_ID },
});
export const otherLog = log({
  logId: 'log-other', timeNs: at(2n * HOUR + 2n * SEC), service: 'payment', severityNumber: 9, severityText: 'INFO',
  body: 'card charged: 20.00 EUR', traceId: TRACE_OTHER, spanId: otherCharge.spanId, attributes: { 'order.id': OTHER_ORDER },
});
/** Not correlated with any trace or order. */
export const heartbeatLog = log({ logId: 'log-heartbeat', timeNs: at(HOUR), service: 'inventory', severityNumber: 5, severityText: 'DEBUG', body: 'heartbeat' });

export const ORDER_LOGS = [chargedLog, deductionLog, lockedLog, returnLog];
export const ALL_LOGS = [...ORDER_LOGS, otherLog, heartbeatLog];

export const ORDER_EVENTS: OrderEvent[] = [
  event(checkout, 'order.created', 'created'),
  event(charge, 'payment.succeeded', 'paid', { 'payment.reference': PAYMENT_REF }),
  event(lockStock, 'inventory.locked', 'locked'),
  event(packed, 'package.packed', 'packed', { 'shipment.id': SHIPMENT, 'shipment.tracking_number': TRACKING }),
  event(pickedUp, 'carrier.picked_up', 'in_transit', { 'shipment.id': SHIPMENT, 'shipment.tracking_number': TRACKING }),
  event(signed, 'delivery.signed', 'delivered', { 'shipment.id': SHIPMENT }),
  event(returnRequested, 'return.requested', 'return_requested', { 'return.id': RETURN_ID, 'return.type': 'quality' }),
];
export const ALL_EVENTS: OrderEvent[] = [
  ...ORDER_EVENTS,
  event(otherCheckout, 'order.created', 'created'),
  event(otherCharge, 'payment.succeeded', 'paid', { 'payment.reference': 'PAY-78' }),
];

export const BATCH: WriteBatch = { spans: ALL_SPANS, logs: ALL_LOGS, events: ALL_EVENTS };

export function byStart(a: Span, b: Span): number {
  return BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1;
}
export function newestSpanFirst(a: Span, b: Span): number {
  return -byStart(a, b);
}
export function newestLogFirst(a: LogRecord, b: LogRecord): number {
  return BigInt(a.timeUnixNano) > BigInt(b.timeUnixNano) ? -1 : 1;
}
