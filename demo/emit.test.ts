import { describe, expect, it } from 'vitest';
import { SpanKind, type HrTime } from '@opentelemetry/api';
import { AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { Emitter, fromTraceparent, hrTime, toTraceparent } from './emit.ts';
import { planBacklog } from './scenarios.ts';
import { PlanBuilder, SERVICES, type OrderPlan, type ServiceName } from './plan.ts';
import type { TelemetrySink } from './services.ts';

/** The real SDK with in-memory exporters, one provider per service as in services.ts. */
function memorySink(): TelemetrySink & { spans: InMemorySpanExporter; logs: InMemoryLogRecordExporter } {
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  const tracers = new Map(SERVICES.map((s) => {
    const p = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': s }), sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(spans)] });
    return [s, p.getTracer(s)] as const;
  }));
  const loggers = new Map(SERVICES.map((s) => {
    const p = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': s }), processors: [new SimpleLogRecordProcessor({ exporter: logs })] });
    return [s, p.getLogger(s)] as const;
  }));
  return {
    spans,
    logs,
    tracer: (s: ServiceName) => tracers.get(s)!,
    logger: (s: ServiceName) => loggers.get(s)!,
  };
}

const ms = (t: HrTime): number => t[0] * 1000 + t[1] / 1e6;
const NOW = Date.now();
const backlog = planBacklog({ now: NOW, seed: 11, backlogOrders: 10, recentOrders: 2 });
const plan = (fault: string): OrderPlan => {
  const id = (backlog.faults as Record<string, string[]>)[fault]?.[0];
  const p = backlog.plans.find((x) => x.orderId === id);
  if (!p) throw new Error(fault);
  return p;
};

describe('hrTime and traceparent', () => {
  it('converts epoch ms to HrTime (a double holds epoch ms to ~0.25 µs)', () => {
    expect(hrTime(1_773_484_200_123.5)).toEqual([1_773_484_200, 123_500_000]);
    const [s, ns] = hrTime(1_773_484_200_123.456789);
    expect(s).toBe(1_773_484_200);
    expect(Math.abs(ns - 123_456_789)).toBeLessThan(500);
    expect(hrTime(1000)).toEqual([1, 0]);
  });

  it('round-trips a span context as a remote one', () => {
    const sc = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    const header = toTraceparent(sc);
    expect(header).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(fromTraceparent(header)).toEqual({ ...sc, isRemote: true });
    expect(fromTraceparent('garbage')).toBeNull();
  });
});

describe('Emitter', () => {
  it('emits a backdated order as real spans with the planned times, parents, kinds and trace IDs', () => {
    const sink = memorySink();
    const emitter = new Emitter(sink);
    const p = plan('cancelledAfterPayment');
    emitter.add(p);
    emitter.pump(NOW);
    const out = sink.spans.getFinishedSpans();
    expect(out).toHaveLength(p.spans.length);
    expect(emitter.pending).toBe(0);

    // spans are exported in end order; match them to the plan by (name, start time)
    const key = (name: string, startMs: number): string => `${name}@${Math.round(startMs * 1000)}`;
    const exported = new Map<string, ReadableSpan>(out.map((s) => [key(s.name, ms(s.startTime)), s]));
    const planned = new Map(p.spans.map((s) => [s.ref, s]));
    const traceOf = new Map<number, string>();
    for (const s of p.spans) {
      const r = exported.get(key(s.name, s.startMs));
      expect(r, s.name).toBeDefined();
      if (!r) continue;
      expect(Math.abs(ms(r.endTime) - s.endMs)).toBeLessThan(0.001);
      expect(r.resource.attributes['service.name']).toBe(s.service);
      expect(r.attributes['order.id']).toBe(p.orderId);
      const traceId = r.spanContext().traceId;
      if (!traceOf.has(s.trace)) traceOf.set(s.trace, traceId);
      expect(traceId).toBe(traceOf.get(s.trace));
      if (s.parent === null) expect(r.parentSpanContext).toBeUndefined();
      else {
        const parent = planned.get(s.parent);
        const pr = parent ? exported.get(key(parent.name, parent.startMs)) : undefined;
        expect(r.parentSpanContext?.spanId).toBe(pr?.spanContext().spanId);
        // across services the context arrived "over the wire"
        expect(r.parentSpanContext?.isRemote ?? false).toBe(parent?.service !== s.service);
      }
      if (s.links.length > 0) expect(r.links).toHaveLength(s.links.length);
    }
    expect(new Set(traceOf.values()).size).toBe(p.traces.length);
    expect(out.some((s) => s.kind === SpanKind.PRODUCER)).toBe(true);
    expect(out.some((s) => s.kind === SpanKind.CONSUMER)).toBe(true);
    const cancelled = out.find((s) => s.attributes['order.event'] === 'order.cancelled');
    expect(ms(cancelled?.endTime ?? [0, 0])).toBeLessThan(NOW - 30 * 60_000);
  });

  it('correlates log records with their span and keeps their timestamps', () => {
    const sink = memorySink();
    const emitter = new Emitter(sink);
    const p = plan('inventoryErrorBurst');
    emitter.add(p);
    emitter.pump(NOW);
    const logs = sink.logs.getFinishedLogRecords();
    expect(logs).toHaveLength(p.spans.reduce((n, s) => n + s.logs.length, 0));
    const err = logs.find((l) => l.severityText === 'ERROR' && String(l.body).startsWith('deduction failed'));
    expect(err?.attributes['exception.type']).toMatch(/OptimisticLockException/);
    const span = sink.spans.getFinishedSpans().find((s) => s.attributes['order.event'] === 'inventory.lock_failed');
    expect(err?.spanContext?.spanId).toBe(span?.spanContext().spanId);
    expect(err?.spanContext?.traceId).toBe(span?.spanContext().traceId);
    expect(ms(err?.hrTime ?? [0, 0])).toBeLessThan(NOW);
    expect(span?.status.code).toBe(2);
    expect(span?.events.map((e) => e.name)).toContain('exception');
  });

  it('holds future steps until they are due, then releases them', () => {
    const sink = memorySink();
    const emitter = new Emitter(sink);
    const b = new PlanBuilder();
    const t0 = b.trace('t');
    const root = b.span({ trace: t0, service: 'shop', name: 'root', kind: 'server', startMs: 1_000, durationMs: 5_000 });
    const child = b.span({ trace: t0, parent: root, service: 'payment', name: 'child', kind: 'server', startMs: 2_000, durationMs: 1_000 });
    b.log(child, 'INFO', 'later');
    const t1 = b.trace('t2');
    b.span({ trace: t1, links: [child], service: 'wms', name: 'next stage', kind: 'internal', startMs: 9_000, durationMs: 10 });
    emitter.add({ orderId: 'ORD-X', scenario: 'normal', stage: '', createdMs: 1_000, paymentReference: '', shipments: [], returnIds: [], traces: b.traces, spans: b.spans }, { live: true });
    expect(emitter.pendingLive).toBe(7);
    emitter.pump(2_500);
    expect(sink.spans.getFinishedSpans()).toHaveLength(0);
    emitter.pump(3_000);
    expect(sink.spans.getFinishedSpans().map((s) => s.name)).toEqual(['child']);
    expect(sink.logs.getFinishedLogRecords()).toHaveLength(1);
    emitter.pump(8_999);
    expect(sink.spans.getFinishedSpans().map((s) => s.name)).toEqual(['child', 'root']);
    expect(emitter.nextDueMs()).toBe(9_000);
    emitter.pump(10_000);
    const spans = sink.spans.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['child', 'root', 'next stage']);
    expect(spans[2]?.links[0]?.context.spanId).toBe(spans[0]?.spanContext().spanId);
    expect(spans[2]?.spanContext().traceId).not.toBe(spans[0]?.spanContext().traceId);
    expect(emitter.pendingLive).toBe(0);
    expect(emitter.stats).toMatchObject({ orders: 1, liveOrders: 1, spansEnded: 3, logsEmitted: 1 });
  });
});
