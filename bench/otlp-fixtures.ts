// Builds realistic OTLP/protobuf export requests (via the OpenTelemetry JS serializer) for benchmarks.
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { benchSpan } from './bench-span.ts';


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
    const startMs = baseMs + requestIndex * 10 + i;
    const startNs = BigInt(startMs) * 1_000_000n + BigInt(i * 37);
    const endNs = startNs + BigInt(1_000_000 + (i % 50) * 250_000);
    spans.push(
      benchSpan({
        index: i,
        traceId: hex(16, traceNo + 7),
        spanId: hex(8, requestIndex * 100_000 + i + 11),
        parentSpanId: i % 16 === 0 ? undefined : hex(8, requestIndex * 100_000 + (i - (i % 16)) + 11),
        startNs,
        endNs,
        attributes: { 'order.id': `ORD-BENCH-${traceNo}` },
        milestone: i % 16 === 5,
        eventNs: i % 8 === 0 ? startNs + 1000n : undefined,
      }),
    );
  }
  return ProtobufTraceSerializer.serializeRequest(spans)!;
}
