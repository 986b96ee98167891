// Test helpers: a tiny protobuf writer for hand-made fixtures, SDK-built spans/log records
// (serialized by @opentelemetry/otlp-transformer, i.e. real OTLP encodings), and the model values
// we expect them to map to, computed independently from the SDK objects.

import { createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type HrTime } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AnyValue, Attributes, LogRecord, Span } from '../../model.ts';

// ---------------------------------------------------------------------------------------------
// Protobuf writer: every function returns bytes; compose with msg()/cat().

export type Bytes = Uint8Array;

export function cat(...parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function varint(n: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Uint8Array.from(out);
}

export const tag = (field: number, wire: number): Bytes => varint((field << 3) | wire);
export const vint = (field: number, n: number | bigint): Bytes => cat(tag(field, 0), varint(n));
export const len = (field: number, payload: Bytes): Bytes => cat(tag(field, 2), varint(payload.length), payload);
export const msg = (field: number, ...parts: Bytes[]): Bytes => len(field, cat(...parts));
export const str = (field: number, s: string): Bytes => len(field, new TextEncoder().encode(s));
export const hexBytes = (field: number, hex: string): Bytes => len(field, Uint8Array.from(Buffer.from(hex, 'hex')));

export function fixed64(field: number, n: bigint): Bytes {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, n, true);
  return cat(tag(field, 1), b);
}

export function fixed32(field: number, n: number): Bytes {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return cat(tag(field, 5), b);
}

export function double(field: number, n: number): Bytes {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, n, true);
  return cat(tag(field, 1), b);
}

/** A KeyValue message at the given field number. */
export const kv = (field: number, key: string, anyValue: Bytes): Bytes => msg(field, str(1, key), len(2, anyValue));

// ---------------------------------------------------------------------------------------------
// Expected model values from SDK objects.

export function nanos(t: HrTime): string {
  return (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();
}

/** The model AnyValue an SDK attribute value must map to (as the protobuf serializer encodes it). */
export function expectedValue(v: unknown): AnyValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? { int: BigInt(v).toString() } : v;
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return v.map(expectedValue);
  return { kv: expectedAttributes(v as Record<string, unknown>) };
}

export function expectedAttributes(attrs: Record<string, unknown> | undefined): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs ?? {})) out[k] = expectedValue(v);
  return out;
}

const SPAN_FLAGS_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_IS_REMOTE = 0x200;

export function expectedSpan(s: ReadableSpan): Span {
  const ctx = s.spanContext();
  const resAttrs = expectedAttributes(s.resource.attributes);
  const spanAttrs = expectedAttributes(s.attributes);
  const orderId = (x: Attributes): string => (typeof x['order.id'] === 'string' ? x['order.id'] : '');
  const scope = s.instrumentationScope as ReadableSpan['instrumentationScope'] & { attributes?: Record<string, unknown> };
  return {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? '',
    traceState: ctx.traceState?.serialize() ?? '',
    name: s.name,
    kind: s.kind + 1,
    startTimeUnixNano: nanos(s.startTime),
    endTimeUnixNano: nanos(s.endTime),
    attributes: spanAttrs,
    droppedAttributesCount: s.droppedAttributesCount,
    events: s.events.map((e) => ({
      timeUnixNano: nanos(e.time),
      name: e.name,
      attributes: expectedAttributes(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: s.droppedEventsCount,
    links: s.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceState: l.context.traceState?.serialize() ?? '',
      attributes: expectedAttributes(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
      flags: l.context.traceFlags | SPAN_FLAGS_HAS_IS_REMOTE | (l.context.isRemote ? SPAN_FLAGS_IS_REMOTE : 0),
    })),
    droppedLinksCount: s.droppedLinksCount,
    status: { code: s.status.code, message: s.status.message ?? '' },
    flags: ctx.traceFlags | SPAN_FLAGS_HAS_IS_REMOTE | (s.parentSpanContext?.isRemote ? SPAN_FLAGS_IS_REMOTE : 0),
    service: typeof resAttrs['service.name'] === 'string' ? resAttrs['service.name'] : 'unknown_service',
    resource: { attributes: resAttrs, droppedAttributesCount: 0 },
    scope: {
      name: scope.name,
      version: scope.version ?? '',
      attributes: expectedAttributes(scope.attributes),
      droppedAttributesCount: 0,
    },
    orderId: orderId(spanAttrs) || orderId(resAttrs),
  };
}

/** The expected log record, except logId (a hash, checked separately). */
export function expectedLog(l: ReadableLogRecord): Omit<LogRecord, 'logId'> {
  const resAttrs = expectedAttributes(l.resource.attributes);
  const attrs = expectedAttributes(l.attributes);
  const orderId = (x: Attributes): string => (typeof x['order.id'] === 'string' ? x['order.id'] : '');
  return {
    timeUnixNano: nanos(l.hrTime),
    observedTimeUnixNano: nanos(l.hrTimeObserved),
    severityNumber: l.severityNumber ?? 0,
    severityText: l.severityText ?? '',
    body: expectedValue(l.body),
    attributes: attrs,
    droppedAttributesCount: l.droppedAttributesCount,
    flags: l.spanContext?.traceFlags ?? 0,
    traceId: l.spanContext?.traceId ?? '',
    spanId: l.spanContext?.spanId ?? '',
    eventName: l.eventName ?? '',
    service: typeof resAttrs['service.name'] === 'string' ? resAttrs['service.name'] : 'unknown_service',
    resource: { attributes: resAttrs, droppedAttributesCount: 0 },
    scope: {
      name: l.instrumentationScope.name,
      version: l.instrumentationScope.version ?? '',
      attributes: expectedAttributes(l.instrumentationScope.attributes),
      droppedAttributesCount: 0,
    },
    orderId: orderId(attrs) || orderId(resAttrs),
  };
}

// ---------------------------------------------------------------------------------------------
// SDK fixtures. Timestamps lie around 1700000000 s; tests decode with NOW_MS.

export const NOW_MS = 1_700_000_100_000;
export const BIG_INT = 2 ** 60; // exactly representable, above 2^53
export const REMOTE_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
export const REMOTE_SPAN_ID = 'b7ad6b7169203331';

/** Spans covering every field: kinds, parent, remote parent, events, links, status, attribute kinds. */
export function sdkSpans(): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout', 'order.id': 'ORD-RES', 'host.cores': 8 }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('checkout-lib', '1.2.3');
  const other = provider.getTracer('other-lib');

  const root = tracer.startSpan('POST /orders', {
    kind: SpanKind.SERVER,
    startTime: [1_700_000_000, 123_456_789],
    attributes: {
      'order.id': 'ORD-1',
      'order.event': 'order.created',
      'http.status_code': 201,
      big: BIG_INT,
      negative: -42,
      ratio: 0.25,
      ok: true,
      tags: ['a', 'b'],
      codes: [1, 2, 3],
      flags: [true, false],
      doubles: [1.5, 2.5],
      'unicode.text': 'Grüße, 世界 🚚',
    },
  });
  const rootCtx = trace.setSpan(ROOT_CONTEXT, root);

  const child = tracer.startSpan(
    'inventory.lock',
    {
      kind: SpanKind.CLIENT,
      startTime: [1_700_000_000, 200_000_000],
      links: [
        {
          context: {
            traceId: REMOTE_TRACE_ID,
            spanId: REMOTE_SPAN_ID,
            traceFlags: 1,
            isRemote: true,
            traceState: createTraceState('vendor=abc,other=1'),
          },
          attributes: { 'link.reason': 'batch', count: 3 },
        },
        { context: { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 0 } },
      ],
    },
    rootCtx,
  );
  child.addEvent('retry', { attempt: 2, reason: 'timeout' }, [1_700_000_000, 300_000_001]);
  child.addEvent('no-attrs', undefined, [1_700_000_000, 300_000_002]);
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'deduction failed' });
  child.end([1_700_000_000, 400_000_000]);

  const remoteParent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: REMOTE_TRACE_ID,
    spanId: REMOTE_SPAN_ID,
    traceFlags: 1,
    isRemote: true,
    traceState: createTraceState('vendor=xyz'),
  });
  const consumer = other.startSpan('orders process', { kind: SpanKind.CONSUMER, startTime: [1_700_000_001, 0] }, remoteParent);
  consumer.setStatus({ code: SpanStatusCode.OK });
  consumer.end([1_700_000_001, 999_999_999]);

  const producer = other.startSpan('orders publish', { kind: SpanKind.PRODUCER, startTime: [1_700_000_002, 5] });
  producer.end([1_700_000_002, 5]); // zero duration
  const internal = other.startSpan('compute', { kind: SpanKind.INTERNAL, startTime: [1_700_000_003, 0] });
  internal.end([1_700_000_003, 1]);

  root.end([1_700_000_000, 900_000_000]);

  const spans = exporter.getFinishedSpans();
  // The SDK API drops bytes and map attributes, but the OTLP serializer writes them: add them to the
  // finished root span so the fixture also carries bytes_value and kvlist_value.
  const rootSpan = spans.find((s) => s.name === 'POST /orders')!;
  Object.assign(rootSpan.attributes, {
    blob: new Uint8Array([0, 1, 2, 250, 255]),
    nested: { inner: 'x', n: 7, deeper: { list: ['y', 1.5] } },
  });
  return spans;
}

export const LOG_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const LOG_SPAN_ID = '00f067aa0ba902b7';

/** Log records covering every field, with and without trace context. */
export function sdkLogs(): ReadableLogRecord[] {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'payments', 'deployment.environment': 'prod' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('payments-logger', '2.0.0', { attributes: { 'scope.attr': 'yes', 'scope.n': 1 } });
  const spanCtx = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: LOG_TRACE_ID,
    spanId: LOG_SPAN_ID,
    traceFlags: 1,
    isRemote: false,
  });
  logger.emit({
    eventName: 'payment.result',
    timestamp: [1_700_000_000, 111_111_111],
    observedTimestamp: [1_700_000_000, 222_222_222],
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: { message: 'payment captured', amount: 12.5, items: [1, 'two', { three: true }], raw: new Uint8Array([9, 8, 7]) },
    attributes: {
      'order.id': 'ORD-7',
      'order.event': 'payment.succeeded',
      'payment.reference': 'PAY-1',
      big: BIG_INT,
      blob: new Uint8Array([1, 2, 3]),
      map: { a: 1, b: 'two' },
    },
    context: spanCtx,
  });
  logger.emit({
    timestamp: [1_700_000_000, 333_333_333],
    observedTimestamp: [1_700_000_000, 444_444_444],
    severityNumber: SeverityNumber.ERROR2,
    severityText: 'ERROR',
    body: 'plain text body',
  });
  logger.emit({ timestamp: [1_700_000_001, 0], body: 42 });
  return exporter.getFinishedLogRecords();
}
