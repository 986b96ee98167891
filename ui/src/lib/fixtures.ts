// Small builders for UI unit tests: journey stages, spans and orders shaped like the API's.
import type { JourneyStage, LogRecord, Order, Span } from './api-types.ts';

export const MS = 1_000_000n;
/** 2026-03-01T10:00:00Z */
export const T0_MS = 1_772_359_200_000;
export const ns = (ms: number): string => (BigInt(T0_MS + ms) * MS).toString();

export function stage(init: Partial<JourneyStage> & Pick<JourneyStage, 'stageId' | 'state'>): JourneyStage {
  return {
    title: init.stageId,
    system: 'sys',
    shipmentId: null,
    startNs: null,
    endNs: null,
    dueNs: null,
    expectedMs: 1000,
    durationMs: null,
    startEventId: null,
    endEventId: null,
    ...init,
  };
}

export function span(init: Partial<Span> & { spanId: string; start: number; end: number }): Span {
  const { start, end, ...rest } = init;
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    parentSpanId: '',
    traceState: '',
    name: `op-${init.spanId}`,
    kind: 1,
    startTimeUnixNano: ns(start),
    endTimeUnixNano: ns(end),
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: 1,
    service: 'shop',
    resource: { attributes: { 'service.name': 'shop' }, droppedAttributesCount: 0 },
    scope: { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0 },
    orderId: '',
    ...rest,
  };
}

export function log(init: Partial<LogRecord> & { logId: string; at: number }): LogRecord {
  const { at, ...rest } = init;
  return {
    timeUnixNano: ns(at),
    observedTimeUnixNano: ns(at),
    severityNumber: 9,
    severityText: 'INFO',
    body: 'hello',
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    service: 'shop',
    resource: { attributes: {}, droppedAttributesCount: 0 },
    scope: { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0 },
    orderId: '',
    ...rest,
  };
}

export function order(init: Partial<Order> = {}): Order {
  return {
    orderId: 'A-1',
    key: 'A-1',
    matchedBy: 'order.id',
    traceIds: [],
    events: [],
    stages: [],
    statuses: [],
    furthestStageId: null,
    cancelled: false,
    spans: [],
    logs: [],
    ...init,
  };
}
