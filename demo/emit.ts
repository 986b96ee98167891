// Turns order plans into real OpenTelemetry spans and log records, at the plan's own timestamps.
// Steps in the past are emitted at once (backdated: explicit start/end times); steps in the
// future wait on an agenda and are emitted when the clock reaches them, so in-flight orders
// progress while the demo runs. Context crosses service boundaries the way it does on the wire:
// serialised to a W3C traceparent (HTTP header, Kafka message header) and parsed back as remote.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Context, type HrTime, type Link, type Span, type SpanContext } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { OrderPlan, PlannedLog, PlannedSpan, Severity, SpanKindName } from './plan.ts';
import type { TelemetrySink } from './services.ts';
import { Agenda } from './schedule.ts';

/**
 * Epoch milliseconds (fractional) → HrTime. Passing HrTime (not a number) keeps the SDK from guessing
 * whether a number is epoch or performance-relative; precision is what a double holds (~0.25 µs).
 */
export function hrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.min(999_999_999, Math.max(0, Math.round((ms - seconds * 1000) * 1e6)));
  return [seconds, nanos];
}

export function toTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Parse a traceparent header into a remote span context (what a propagator's extract() does). */
export function fromTraceparent(header: string): SpanContext | null {
  const m = TRACEPARENT.exec(header);
  if (!m || !m[1] || !m[2] || !m[3]) return null;
  return { traceId: m[1], spanId: m[2], traceFlags: parseInt(m[3], 16), isRemote: true };
}

const KINDS: Record<SpanKindName, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  internal: SpanKind.INTERNAL,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

const SEVERITY: Record<Severity, SeverityNumber> = {
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  WARN: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
};

interface OrderState {
  plan: OrderPlan;
  live: boolean;
  byRef: Map<string, PlannedSpan>;
  contexts: Map<string, SpanContext>;
  open: Map<string, Span>;
}

type Action =
  | { atMs: number; rank: 0; kind: 'start'; order: OrderState; span: PlannedSpan }
  | { atMs: number; rank: 1; kind: 'log'; order: OrderState; span: PlannedSpan; log: PlannedLog }
  | { atMs: number; rank: 2; kind: 'end'; order: OrderState; span: PlannedSpan };

export interface EmitStats {
  orders: number;
  liveOrders: number;
  spansStarted: number;
  spansEnded: number;
  logsEmitted: number;
}

export class Emitter {
  private readonly sink: TelemetrySink;
  private readonly agenda = new Agenda<Action>();
  private livePending = 0;
  readonly stats: EmitStats = { orders: 0, liveOrders: 0, spansStarted: 0, spansEnded: 0, logsEmitted: 0 };

  constructor(sink: TelemetrySink) {
    this.sink = sink;
  }

  /** Put every step of the plan on the agenda (nothing is emitted until pump()). */
  add(plan: OrderPlan, opts: { live?: boolean } = {}): void {
    const order: OrderState = {
      plan, live: opts.live === true, byRef: new Map(plan.spans.map((s) => [s.ref, s])), contexts: new Map(), open: new Map(),
    };
    for (const span of plan.spans) {
      this.schedule({ atMs: span.startMs, rank: 0, kind: 'start', order, span });
      for (const log of span.logs) this.schedule({ atMs: log.atMs, rank: 1, kind: 'log', order, span, log });
      this.schedule({ atMs: span.endMs, rank: 2, kind: 'end', order, span });
    }
    this.stats.orders += 1;
    if (order.live) this.stats.liveOrders += 1;
  }

  /** Emit everything due at or before nowMs (at most `limit` steps); returns how many steps ran. */
  pump(nowMs: number, limit = Infinity): number {
    let n = 0;
    while (n < limit) {
      const action = this.agenda.popDue(nowMs);
      if (!action) break;
      if (action.order.live) this.livePending -= 1;
      this.run(action);
      n += 1;
    }
    return n;
  }

  /** Steps of live orders not yet emitted. */
  get pendingLive(): number {
    return this.livePending;
  }

  get pending(): number {
    return this.agenda.size;
  }

  /** When the next step is due (epoch ms), if any. */
  nextDueMs(): number | undefined {
    return this.agenda.peek()?.atMs;
  }

  /** Forget future steps (on stop). Spans already started but not ended are never exported. */
  dropPending(): void {
    this.agenda.clear();
    this.livePending = 0;
  }

  private schedule(action: Action): void {
    this.agenda.push(action);
    if (action.order.live) this.livePending += 1;
  }

  private run(action: Action): void {
    const { order, span } = action;
    switch (action.kind) {
      case 'start':
        this.start(order, span);
        break;
      case 'log':
        this.log(order, span, action.log);
        break;
      case 'end':
        this.end(order, span);
        break;
    }
  }

  /** The context a span starts under: local parent in the same service, else extracted from a traceparent. */
  private parentContext(order: OrderState, span: PlannedSpan): Context {
    if (span.parent === null) return ROOT_CONTEXT;
    const parentCtx = order.contexts.get(span.parent);
    const parent = order.byRef.get(span.parent);
    if (!parentCtx || !parent) throw new Error(`${order.plan.orderId}: span ${span.ref} (${span.name}) starts before its parent ${span.parent}`);
    if (parent.service === span.service) {
      const local = order.open.get(span.parent);
      return local ? trace.setSpan(ROOT_CONTEXT, local) : trace.setSpanContext(ROOT_CONTEXT, parentCtx);
    }
    // Crossing a process boundary: inject into a carrier (HTTP/gRPC/Kafka header), extract on the other side.
    const headers: Record<string, string> = { traceparent: toTraceparent(parentCtx) };
    const remote = fromTraceparent(headers['traceparent'] ?? '');
    return remote ? trace.setSpanContext(ROOT_CONTEXT, remote) : ROOT_CONTEXT;
  }

  private start(order: OrderState, span: PlannedSpan): void {
    const links: Link[] = [];
    for (const ref of span.links) {
      const context = order.contexts.get(ref);
      if (context) links.push({ context, attributes: { 'link.reason': 'follows_from' } });
    }
    const s = this.sink.tracer(span.service).startSpan(span.name, {
      kind: KINDS[span.kind],
      startTime: hrTime(span.startMs),
      attributes: span.attributes,
      links,
    }, this.parentContext(order, span));
    order.contexts.set(span.ref, s.spanContext());
    order.open.set(span.ref, s);
    this.stats.spansStarted += 1;
  }

  private end(order: OrderState, span: PlannedSpan): void {
    const s = order.open.get(span.ref);
    if (!s) return;
    for (const e of span.events) s.addEvent(e.name, e.attributes, hrTime(e.atMs));
    if (span.status.code === 'error') s.setStatus({ code: SpanStatusCode.ERROR, message: span.status.message ?? '' });
    else if (span.status.code === 'ok') s.setStatus({ code: SpanStatusCode.OK });
    s.end(hrTime(span.endMs));
    order.open.delete(span.ref);
    this.stats.spansEnded += 1;
  }

  private log(order: OrderState, span: PlannedSpan, log: PlannedLog): void {
    const sc = order.contexts.get(span.ref);
    this.sink.logger(span.service).emit({
      timestamp: hrTime(log.atMs),
      observedTimestamp: hrTime(log.atMs + 0.35),
      severityNumber: SEVERITY[log.severity],
      severityText: log.severity,
      body: log.body,
      attributes: log.attributes,
      context: sc ? trace.setSpanContext(ROOT_CONTEXT, { ...sc, traceFlags: sc.traceFlags | TraceFlags.SAMPLED }) : ROOT_CONTEXT,
    });
    this.stats.logsEmitted += 1;
  }
}
