// Builds realistic OTLP/protobuf export requests (via the OpenTelemetry JS serializer) for benchmarks.
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

const SERVICES = ['shop', 'payment', 'inventory', 'wms', 'carrier', 'crm'];
const ROUTES = ['POST /api/orders', 'GET /api/orders/:id', 'POST /payments/authorize', 'PUT /stock/reserve', 'POST /shipments', 'SELECT orders'];

function hex(bytes: number, seed: number): string {
  let out = '';
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out += (x & 0xff).toString(16).padStart(2, '0');
  }
  return out;
}

/** One request of `spansPerRequest` spans in traces of 16 spans, each trace belonging to one order. */
export function buildTraceRequest(requestIndex: number, spansPerRequest: number, baseMs: number): Uint8Array {
  const spans: ReadableSpan[] = [];
  for (let i = 0; i < spansPerRequest; i++) {
    const traceNo = requestIndex * 1000 + Math.floor(i / 16);
    const service = SERVICES[i % SERVICES.length]!;
    const startMs = baseMs + requestIndex * 10 + i;
    const startNs = BigInt(startMs) * 1_000_000n + BigInt(i * 37);
    const durNs = BigInt(1_000_000 + (i % 50) * 250_000);
    const endNs = startNs + durNs;
    const toHr = (n: bigint): [number, number] => [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];
    const traceId = hex(16, traceNo + 7);
    spans.push({
      name: ROUTES[i % ROUTES.length]!,
      kind: (i % 16 === 0 ? 1 : 2) as ReadableSpan['kind'],
      spanContext: () => ({ traceId, spanId: hex(8, requestIndex * 100_000 + i + 11), traceFlags: 1 }),
      parentSpanContext: i % 16 === 0 ? undefined : { traceId, spanId: hex(8, requestIndex * 100_000 + (i - (i % 16)) + 11), traceFlags: 1 },
      startTime: toHr(startNs),
      endTime: toHr(endNs),
      duration: toHr(durNs),
      status: { code: i % 97 === 0 ? 2 : 0 },
      attributes: {
        'order.id': `ORD-BENCH-${traceNo}`,
        'http.request.method': 'POST',
        'http.response.status_code': 200,
        'server.address': `${service}.internal`,
        ...(i % 16 === 5 ? { 'order.event': 'payment.succeeded', 'order.status': 'paid' } : {}),
      },
      links: [],
      events: i % 8 === 0 ? [{ name: 'cache.miss', time: toHr(startNs + 1000n), attributes: { key: 'sku' } }] : [],
      ended: true,
      resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.4.2', 'host.name': `${service}-7f9c` }),
      instrumentationScope: { name: '@ordertrace/bench', version: '1.0.0' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    } as ReadableSpan);
  }
  return ProtobufTraceSerializer.serializeRequest(spans)!;
}
