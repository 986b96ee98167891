// The demo's plan of an order as plain data: which service does what, when, under which parent.
// scenarios.ts produces plans (pure), emit.ts turns them into real OpenTelemetry spans and logs.
// Times are absolute epoch milliseconds (fractions allowed); nothing here touches the clock.

export const SERVICES = ['shop', 'payment', 'inventory', 'wms', 'carrier', 'crm', 'returns'] as const;
export type ServiceName = (typeof SERVICES)[number];

export type SpanKindName = 'server' | 'client' | 'internal' | 'producer' | 'consumer';
export type Severity = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export type AttrValue = string | number | boolean | string[];
export type Attrs = Record<string, AttrValue>;

export interface PlannedEvent {
  name: string;
  atMs: number;
  attributes: Attrs;
}

export interface PlannedLog {
  atMs: number;
  severity: Severity;
  body: string;
  attributes: Attrs;
}

export interface PlannedSpan {
  /** Unique within the order's plan ("s12"). */
  ref: string;
  /** Index into OrderPlan.traces: spans with the same index share one trace ID. */
  trace: number;
  /** ref of the parent span (may belong to another service: the context is propagated), null for a root. */
  parent: string | null;
  /** refs of causally related spans in earlier traces (OTel span links). */
  links: string[];
  service: ServiceName;
  name: string;
  kind: SpanKindName;
  startMs: number;
  endMs: number;
  attributes: Attrs;
  status: { code: 'unset' | 'ok' | 'error'; message?: string };
  events: PlannedEvent[];
  logs: PlannedLog[];
}

export const FAULTS = [
  'stuckStockLock',
  'inventoryErrorBurst',
  'statusMismatch',
  'slowCarrier',
  'returnCompleted',
  'returnAwaitingApproval',
  'splitShipment',
  'cancelledAfterPayment',
  'stalledQueue',
] as const;
export type FaultName = (typeof FAULTS)[number];

/** What to type into the UI to see each fault, for the demo's console output. */
export const FAULT_LABELS: Record<FaultName, string> = {
  stuckStockLock: 'stuck in stock lock (paid >2h ago, inventory silent)',
  inventoryErrorBurst: 'inventory "deduction failed" burst (promo)',
  statusMismatch: 'status mismatch (payment paid, shop pending_payment)',
  slowCarrier: 'slow carrier (picked up days ago, not delivered)',
  returnCompleted: 'return refunded (requested weeks after the order)',
  returnAwaitingApproval: 'return waiting for approval',
  splitShipment: 'split shipment (two parcels)',
  cancelledAfterPayment: 'cancelled after payment',
  stalledQueue: 'stalled queue (kafka message never consumed)',
};

export interface ShipmentRef {
  id: string;
  trackingNumber: string;
}

export interface OrderPlan {
  orderId: string;
  /** 'normal' or the fault this order demonstrates. */
  scenario: 'normal' | FaultName;
  /** Human summary of where the order is, e.g. "delivered", "in transit". */
  stage: string;
  createdMs: number;
  paymentReference: string;
  shipments: ShipmentRef[];
  returnIds: string[];
  /** One label per trace, e.g. ["checkout", "fulfilment SHP-004217-1", "return RET-2026-000381"]. */
  traces: string[];
  /** Parents always come before their children. */
  spans: PlannedSpan[];
}

export interface SpanInput {
  trace: number;
  parent?: PlannedSpan | null;
  links?: PlannedSpan[];
  service: ServiceName;
  name: string;
  kind: SpanKindName;
  startMs: number;
  durationMs: number;
  attributes?: Attrs;
  status?: PlannedSpan['status'];
}

/** Accumulates one order's spans; hands out refs and trace indexes. */
export class PlanBuilder {
  readonly spans: PlannedSpan[] = [];
  readonly traces: string[] = [];

  trace(label: string): number {
    this.traces.push(label);
    return this.traces.length - 1;
  }

  span(input: SpanInput): PlannedSpan {
    const span: PlannedSpan = {
      ref: `s${this.spans.length}`,
      trace: input.trace,
      parent: input.parent ? input.parent.ref : null,
      links: (input.links ?? []).map((l) => l.ref),
      service: input.service,
      name: input.name,
      kind: input.kind,
      startMs: input.startMs,
      endMs: input.startMs + Math.max(0, input.durationMs),
      attributes: { ...(input.attributes ?? {}) },
      status: input.status ?? { code: 'unset' },
      events: [],
      logs: [],
    };
    this.spans.push(span);
    return span;
  }

  log(span: PlannedSpan, severity: Severity, body: string, attributes: Attrs = {}, atMs?: number): void {
    span.logs.push({ atMs: atMs ?? span.endMs, severity, body, attributes });
  }

  /** Mark a span failed with an exception event (and the OTel exception.* attributes). */
  fail(span: PlannedSpan, type: string, message: string, stack: string): void {
    span.status = { code: 'error', message };
    span.events.push({
      name: 'exception',
      atMs: span.endMs,
      attributes: { 'exception.type': type, 'exception.message': message, 'exception.stacktrace': stack },
    });
  }

  /** Set the end of `span` to cover `child` (for parents whose duration follows their children). */
  static extendTo(span: PlannedSpan, endMs: number): void {
    if (endMs > span.endMs) span.endMs = endMs;
  }
}

/** Milestone spans, i.e. spans carrying order.event. */
export function milestones(plan: OrderPlan): PlannedSpan[] {
  return plan.spans.filter((s) => typeof s.attributes['order.event'] === 'string');
}
