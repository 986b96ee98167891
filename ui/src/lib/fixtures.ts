// Small builders for UI unit tests: journey stages, spans, orders and health answers shaped like the
// API's, and an Api that answers without a server.
import { Api } from './api.ts';
import type { AnomalyStats, DependencyGraph, JourneyStage, LogRecord, Order, OrderHealth, Span, StageStats, Throughput } from './api-types.ts';

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

// The health dashboard's answers over one window: [T0, T0 + 6 h) in 1 h buckets.
const HOUR_MS = 3_600_000;
export const HEALTH_WINDOW = { fromMs: T0_MS, toMs: T0_MS + 6 * HOUR_MS, bucketMs: HOUR_MS };
/** The start of the window's bucket `i`. */
export const hour = (i: number): number => T0_MS + i * HOUR_MS;

export function stageStats(stages: StageStats['stages'] = []): StageStats {
  return { ...HEALTH_WINDOW, stages };
}

export function throughput(init: Partial<Throughput> = {}): Throughput {
  return { ...HEALTH_WINDOW, services: [], events: [], logs: [], ...init };
}

export function anomalyStats(rules: AnomalyStats['rules'] = []): AnomalyStats {
  return { ...HEALTH_WINDOW, rules };
}

export function orderHealth(init: Partial<OrderHealth> = {}): OrderHealth {
  return { fromMs: HEALTH_WINDOW.fromMs, toMs: HEALTH_WINDOW.toMs, nowMs: HEALTH_WINDOW.toMs, orders: 0, healthy: 0, index: null, stages: [], ...init };
}

export function dependencyGraph(init: Partial<DependencyGraph> = {}): DependencyGraph {
  return { fromMs: HEALTH_WINDOW.fromMs, toMs: HEALTH_WINDOW.toMs, nodes: [], edges: [], ...init };
}

/**
 * An Api that answers without a server: `answer(path)` gives the body, or throws (an ApiError for a
 * server's error answer). Records every path asked, for the tests of what a page requests.
 */
export class ScriptedApi extends Api {
  readonly asked: string[] = [];
  readonly #answer: (path: string) => unknown;

  constructor(answer: (path: string) => unknown) {
    super('');
    this.#answer = answer;
  }

  override async request<T>(path: string): Promise<T> {
    this.asked.push(path);
    await Promise.resolve(); // answers arrive later, as over the network
    return this.#answer(path) as T;
  }
}
