// The span shape both OTLP request generators (otlp-fixtures.ts, otlp-template.ts) send: an HTTP
// server span of one of six services, its order attributes, optionally a milestone and an event.
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export const SERVICES = ['shop', 'payment', 'inventory', 'wms', 'carrier', 'crm'];
export const ROUTES = ['POST /api/orders', 'GET /api/orders/:id', 'POST /payments/authorize', 'PUT /stock/reserve', 'POST /shipments', 'SELECT orders'];

const toHr = (n: bigint): [number, number] => [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];

export interface BenchSpanInput {
  /** Position in the request: picks service, route and error status. */
  index: number;
  traceId: string;
  spanId: string;
  /** The trace's root span ID, or undefined for the root itself. */
  parentSpanId: string | undefined;
  startNs: bigint;
  endNs: bigint;
  /** Attributes before the common HTTP ones (order.id, test.run, …). */
  attributes: Record<string, string>;
  /** Carries order.event payment.succeeded (a milestone). */
  milestone: boolean;
  /** Time of a cache.miss span event, or undefined for none. */
  eventNs: bigint | undefined;
}

export function benchSpan(s: BenchSpanInput): ReadableSpan {
  const service = SERVICES[s.index % SERVICES.length]!;
  return {
    name: ROUTES[s.index % ROUTES.length]!,
    kind: (s.parentSpanId === undefined ? 1 : 2) as ReadableSpan['kind'],
    spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1 }),
    parentSpanContext: s.parentSpanId === undefined ? undefined : { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1 },
    startTime: toHr(s.startNs),
    endTime: toHr(s.endNs),
    duration: toHr(s.endNs - s.startNs),
    status: { code: s.index % 97 === 0 ? 2 : 0 },
    attributes: {
      ...s.attributes,
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'server.address': `${service}.internal`,
      ...(s.milestone ? { 'order.event': 'payment.succeeded', 'order.status': 'paid' } : {}),
    },
    links: [],
    events: s.eventNs === undefined ? [] : [{ name: 'cache.miss', time: toHr(s.eventNs), attributes: { key: 'sku' } }],
    ended: true,
    resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.4.2', 'host.name': `${service}-7f9c` }),
    instrumentationScope: { name: '@ordertrace/bench', version: '1.0.0' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  } as ReadableSpan;
}
