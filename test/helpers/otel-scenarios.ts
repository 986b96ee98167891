// Shared end-to-end scenarios: real OpenTelemetry exporters (OTLP/HTTP JSON, OTLP/HTTP protobuf with and
// without gzip, OTLP/gRPC; traces and logs) send to a collector, and the query API must return exactly
// what was sent. Used by every mode: all-in-one (test/e2e/otel-exporters.test.ts) and the distributed
// Kafka → ClickHouse pipeline (test/e2e/pipeline-kafka-clickhouse.test.ts).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { context, trace, SpanKind as ApiSpanKind, SpanStatusCode, type Attributes as OtelAttributes } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as LogsGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as LogsHttpJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as TracesGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as TracesHttpJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ApiClient } from './api-client.ts';

/** Where scenarios send (collector) and read (query API). */
export interface ExportTarget extends ApiClient {
  otlpUrl: string;
  grpcUrl: string;
}

export const hrToNs = (t: [number, number]) => (BigInt(t[0]) * 1_000_000_000n + BigInt(t[1])).toString();

/** The model's AnyValue for an SDK attribute value (ints are tagged, doubles are bare numbers). */
function expectedValue(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? { int: String(v) } : v;
  if (Array.isArray(v)) return v.map(expectedValue);
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString('base64') };
  return v;
}
export const expectedAttrs = (attrs: OtelAttributes) => Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, expectedValue(v)]));

export function exportWith<T>(exporter: { export(items: T[], cb: (r: ExportResult) => void): void; shutdown(): Promise<void> }, items: T[]): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    exporter.export(items, (result) => (result.code === ExportResultCode.SUCCESS ? resolve() : reject(result.error ?? new Error('export failed')))),
  ).finally(() => exporter.shutdown());
}

/** Records a small order trace with every attribute kind, events, links and status. */
export function recordSpans(orderId: string): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'payment', 'service.version': '2.3.1', 'deployment.environment': 'prod' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('payment-gateway', '1.0.0');
  const startMs = Date.now() - 5000;
  const root = tracer.startSpan('POST /payments/authorize', {
    kind: ApiSpanKind.SERVER,
    startTime: [Math.floor(startMs / 1000), 123_456_789],
    attributes: {
      'order.id': orderId, 'order.event': 'payment.succeeded', 'order.status': 'paid', 'payment.reference': `pay_${orderId}`,
      'http.response.status_code': 200, 'amount.double': 129.95, 'flag.bool': true,
      'list.str': ['a', 'b'], 'list.int': [1, 2, 3], 'list.bool': [true, false], 'big.safe': 9007199254740991,
    },
  });
  root.addEvent('authorised', { 'auth.code': 'A1B2' }, [Math.floor(startMs / 1000), 500_000_001]);
  const child = tracer.startSpan('SELECT payments', {
    kind: ApiSpanKind.CLIENT,
    attributes: { 'db.system': 'postgresql', 'order.id': orderId },
    links: [{ context: { traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', spanId: 'bbbbbbbbbbbbbbbb', traceFlags: 1 }, attributes: { 'link.why': 'retry-of' } }],
  }, trace.setSpan(context.active(), root));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'deadlock detected' });
  child.end();
  root.setStatus({ code: SpanStatusCode.OK });
  root.end([Math.floor(startMs / 1000) + 1, 999_999_999]);
  return memory.getFinishedSpans();
}

export function recordLogs(orderId: string, traceId: string, spanId: string): ReadableLogRecord[] {
  const memory = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'inventory' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  });
  const logger = provider.getLogger('inventory-service', '3.1.0');
  const ctx = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: 1 });
  logger.emit({
    severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', body: `deduction failed: concurrent update on sku SKU-1 for ${orderId}`,
    attributes: { 'order.id': orderId, 'sku': 'SKU-1', 'retry.count': 3, 'ratio': 0.5 }, timestamp: new Date(Date.now() - 3000), context: ctx,
  });
  logger.emit({ severityNumber: SeverityNumber.INFO, body: { structured: 'yes', n: 7 } as never, attributes: { 'order.id': orderId }, context: ctx });
  return memory.getFinishedLogRecords();
}

export const variants = [
  { name: 'OTLP/HTTP JSON', traces: (u: ExportTarget) => new TracesHttpJson({ url: `${u.otlpUrl}/v1/traces` }), logs: (u: ExportTarget) => new LogsHttpJson({ url: `${u.otlpUrl}/v1/logs` }) },
  { name: 'OTLP/HTTP protobuf', traces: (u: ExportTarget) => new TracesProto({ url: `${u.otlpUrl}/v1/traces` }), logs: (u: ExportTarget) => new LogsProto({ url: `${u.otlpUrl}/v1/logs` }) },
  { name: 'OTLP/HTTP protobuf gzip', traces: (u: ExportTarget) => new TracesProto({ url: `${u.otlpUrl}/v1/traces`, compression: 'gzip' as never }), logs: (u: ExportTarget) => new LogsProto({ url: `${u.otlpUrl}/v1/logs`, compression: 'gzip' as never }) },
  { name: 'OTLP/gRPC', traces: (u: ExportTarget) => new TracesGrpc({ url: u.grpcUrl }), logs: (u: ExportTarget) => new LogsGrpc({ url: u.grpcUrl }) },
];

/**
 * Every exporter variant sends spans and logs to the target's collector; the query API must return
 * exactly what was sent. `target` is read when the tests run (after the caller's beforeAll).
 */
export function describeExporterScenarios(title: string, target: () => ExportTarget): void {
describe.each(variants)(`$name exporters → ${title}`, (variant) => {
  it('returns every span field exactly as the SDK recorded it', async () => {
    const app = target();
    const orderId = `ORD-E2E-${variant.name.replace(/\W+/g, '-')}`;
    const spans = recordSpans(orderId);
    await exportWith(variant.traces(app), spans);
    const traceId = spans[0]!.spanContext().traceId;
    const { body } = await app.until(async () => {
      const res = await app.get(`/api/v1/traces/${traceId}`);
      return res.status === 200 && res.body.spans.length === 2 ? res : null;
    });
    for (const sent of spans) {
      const got = body.spans.find((s: { spanId: string }) => s.spanId === sent.spanContext().spanId);
      expect(got, sent.name).toBeDefined();
      expect(got).toMatchObject({
        traceId,
        parentSpanId: sent.parentSpanContext?.spanId ?? '',
        name: sent.name,
        kind: sent.kind + 1, // the API's SpanKind is OTLP's minus one
        startTimeUnixNano: hrToNs(sent.startTime),
        endTimeUnixNano: hrToNs(sent.endTime),
        attributes: expectedAttrs(sent.attributes),
        status: { code: sent.status.code, message: sent.status.message ?? '' },
        service: 'payment',
        orderId,
        scope: { name: 'payment-gateway', version: '1.0.0' },
      });
      expect(got.resource.attributes).toMatchObject({ 'service.name': 'payment', 'service.version': '2.3.1', 'deployment.environment': 'prod' });
      expect(got.events).toEqual(sent.events.map((e) => ({ name: e.name, timeUnixNano: hrToNs(e.time), attributes: expectedAttrs(e.attributes ?? {}), droppedAttributesCount: 0 })));
      expect(got.links).toEqual(sent.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId, traceState: '', attributes: expectedAttrs(l.attributes ?? {}), droppedAttributesCount: 0, flags: expect.any(Number) })));
    }
    // The milestone became an order event, and the payment reference finds the order.
    const order = await app.until(async () => {
      const res = await app.get(`/api/v1/orders/pay_${orderId}`);
      return res.status === 200 && res.body.events.length > 0 ? res.body : null; // spans and events are separate topics
    });
    expect(order.orderId).toBe(orderId);
    expect(order.events.map((e: { type: string }) => e.type)).toEqual(['payment.succeeded']);
    expect(order.events[0].timeUnixNano).toBe(hrToNs(spans.find((s) => s.name.startsWith('POST'))!.endTime));
  });

  it('returns every log field exactly as the SDK recorded it', async () => {
    const app = target();
    const orderId = `ORD-E2E-LOG-${variant.name.replace(/\W+/g, '-')}`;
    const traceId = createHash('md5').update(orderId).digest('hex');
    const logs = recordLogs(orderId, traceId, '00f067aa0ba902b7');
    await exportWith(variant.logs(app), logs);
    const { body } = await app.until(async () => {
      const res = await app.get(`/api/v1/logs?traceId=${traceId}&limit=10`);
      return res.status === 200 && res.body.items.length === 2 ? res : null;
    });
    for (const sent of logs) {
      const got = body.items.find((l: { severityNumber: number }) => l.severityNumber === sent.severityNumber);
      expect(got).toMatchObject({
        traceId, spanId: '00f067aa0ba902b7', service: 'inventory', orderId,
        timeUnixNano: hrToNs(sent.hrTime), observedTimeUnixNano: hrToNs(sent.hrTimeObserved),
        severityText: sent.severityText ?? '', attributes: expectedAttrs(sent.attributes as OtelAttributes),
        scope: { name: 'inventory-service', version: '3.1.0' },
      });
      const expectedBody = typeof sent.body === 'string' ? sent.body : { kv: { structured: 'yes', n: { int: '7' } } };
      expect(got.body).toEqual(expectedBody);
    }
  });
});
}
