import { describe, expect, it } from 'vitest';
import { LiveOrders, planBacklog } from './scenarios.ts';
import { FAULTS, milestones, type OrderPlan, type PlannedSpan } from './plan.ts';
import { createRng } from './rng.ts';
import { PROMO_SKU, TOPICS } from './world.ts';

const NOW = Date.UTC(2026, 2, 14, 10, 30, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const backlog = planBacklog({ now: NOW, seed: 42 });
const byId = new Map(backlog.plans.map((p) => [p.orderId, p]));

const EVENTS = new Set([
  'order.created', 'payment.succeeded', 'payment.failed', 'inventory.locked', 'inventory.lock_failed', 'package.packed',
  'carrier.picked_up', 'delivery.signed', 'order.cancelled', 'return.requested', 'return.approved', 'return.rejected',
  'return.received', 'return.qc_passed', 'return.qc_failed', 'refund.issued',
]);

function example(fault: (typeof FAULTS)[number]): OrderPlan {
  const id = backlog.faults[fault][0];
  const plan = id ? byId.get(id) : undefined;
  if (!plan) throw new Error(`no example for ${fault}`);
  return plan;
}

const ev = (plan: OrderPlan, event: string, system?: string): PlannedSpan[] =>
  milestones(plan).filter((s) => s.attributes['order.event'] === event && (system === undefined || s.attributes['order.system'] === system));
const at = (plan: OrderPlan, event: string, system?: string): number => {
  const s = ev(plan, event, system)[0];
  if (!s) throw new Error(`${plan.orderId} has no ${event}`);
  return s.endMs;
};

describe('rng', () => {
  it('is reproducible from the seed and stays in range', () => {
    const a = createRng(7);
    const b = createRng(7);
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRng(8).next()).not.toBe(xs[0]);
    const r = createRng(1);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 5);
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true);
    }
  });
});

describe('planBacklog', () => {
  it('is reproducible for a seed and different for another', () => {
    const again = planBacklog({ now: NOW, seed: 42 });
    expect(again.plans.map((p) => p.orderId)).toEqual(backlog.plans.map((p) => p.orderId));
    expect(again.plans.map((p) => p.spans.length)).toEqual(backlog.plans.map((p) => p.spans.length));
    const other = planBacklog({ now: NOW, seed: 43 });
    expect(other.plans.map((p) => p.orderId)).not.toEqual(backlog.plans.map((p) => p.orderId));
  });

  it('has realistic, unique business keys', () => {
    const ids = backlog.plans.map((p) => p.orderId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of backlog.plans) {
      expect(p.orderId).toMatch(/^ORD-20\d\d-\d{6}$/);
      expect(p.paymentReference).toMatch(/^pay_[A-Za-z0-9]{24}$/);
      for (const s of p.shipments) {
        expect(s.id).toMatch(/^SHP-\d{6}-\d$/);
        expect(s.trackingNumber).toMatch(/^1Z[A-Z0-9]{6}\d{10}$/);
      }
      for (const r of p.returnIds) expect(r).toMatch(/^RET-20\d\d-\d{6}$/);
    }
    // running numbers follow creation time
    const sorted = [...backlog.plans].sort((a, b) => a.createdMs - b.createdMs);
    expect(sorted.map((p) => p.orderId)).toEqual([...sorted.map((p) => p.orderId)].sort());
  });

  it('produces well-formed plans: parents first, one root per trace, logs inside their span', () => {
    for (const plan of backlog.plans) {
      const seen = new Map<string, PlannedSpan>();
      const roots = new Map<number, number>();
      for (const s of plan.spans) {
        expect(seen.has(s.ref)).toBe(false);
        expect(s.endMs).toBeGreaterThanOrEqual(s.startMs);
        expect(s.attributes['order.id']).toBe(plan.orderId);
        if (s.parent === null) roots.set(s.trace, (roots.get(s.trace) ?? 0) + 1);
        else {
          const parent = seen.get(s.parent);
          expect(parent, `${plan.orderId} ${s.name}: parent planned first`).toBeDefined();
          if (!parent) continue;
          expect(parent.trace).toBe(s.trace);
          expect(s.startMs).toBeGreaterThanOrEqual(parent.startMs);
        }
        for (const l of s.links) {
          const linked = seen.get(l);
          expect(linked).toBeDefined();
          expect(linked?.trace).not.toBe(s.trace);
        }
        for (const log of s.logs) {
          expect(log.atMs).toBeGreaterThanOrEqual(s.startMs);
          expect(log.atMs).toBeLessThanOrEqual(s.endMs);
          expect(log.attributes['order.id']).toBe(plan.orderId);
        }
        if (s.kind === 'consumer') expect(seen.get(s.parent ?? '')?.kind).toBe('producer');
        seen.set(s.ref, s);
      }
      expect([...roots.keys()].sort((a, b) => a - b)).toEqual(plan.traces.map((_, i) => i));
      expect([...roots.values()].every((n) => n === 1)).toBe(true);
    }
  });

  it('puts order.event, order.status and order.system on every milestone', () => {
    for (const plan of backlog.plans) {
      const ms = milestones(plan);
      expect(ms.length).toBeGreaterThan(0);
      for (const m of ms) {
        expect(EVENTS.has(String(m.attributes['order.event']))).toBe(true);
        expect(typeof m.attributes['order.status']).toBe('string');
        expect(m.attributes['order.system']).toBe(m.service);
      }
      expect(ev(plan, 'order.created')).toHaveLength(1);
    }
  });

  it('uses semantic-convention attributes for http, rpc, db and messaging spans', () => {
    const spans = backlog.plans.flatMap((p) => p.spans);
    const dbs = spans.filter((s) => s.attributes['db.system'] !== undefined);
    expect(dbs.length).toBeGreaterThan(100);
    for (const s of dbs) expect(typeof s.attributes['db.statement']).toBe('string');
    const rpcs = spans.filter((s) => s.attributes['rpc.system'] === 'grpc');
    expect(rpcs.some((s) => s.kind === 'client') && rpcs.some((s) => s.kind === 'server')).toBe(true);
    const http = spans.filter((s) => s.attributes['http.request.method'] !== undefined);
    expect(http.some((s) => s.kind === 'server' && s.attributes['http.route'] === '/api/orders')).toBe(true);
    const producers = spans.filter((s) => s.kind === 'producer');
    for (const s of producers) {
      expect(s.attributes['messaging.system']).toBe('kafka');
      expect(typeof s.attributes['messaging.destination.name']).toBe('string');
      expect(typeof s.attributes['messaging.message.id']).toBe('string');
    }
  });

  it('has normal orders in every stage, complete and in flight, some in the future', () => {
    const normal = backlog.plans.filter((p) => p.scenario === 'normal');
    expect(normal.length).toBe(224);
    const stages = new Set(normal.map((p) => p.stage));
    for (const stage of ['awaiting packing', 'packed', 'in transit', 'delivered', 'payment failed']) expect(stages).toContain(stage);
    // in-flight orders have planned steps still ahead of now (released by the emitter when due)
    expect(normal.some((p) => p.spans.some((s) => s.startMs > NOW))).toBe(true);
    // a complete normal order's milestones are in business order
    const done = normal.find((p) => p.stage === 'delivered');
    if (!done) throw new Error('no delivered order');
    const order = ['order.created', 'payment.succeeded', 'inventory.locked', 'package.packed', 'carrier.picked_up', 'delivery.signed'];
    const times = order.map((e) => at(done, e));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // both styles: one trace per order, and one trace per stage
    expect(normal.some((p) => p.stage === 'delivered' && p.traces.length === 1)).toBe(true);
    expect(normal.some((p) => p.stage === 'delivered' && p.traces.length >= 4)).toBe(true);
  });

  it('backdates every fault story: all of its steps are already in the past', () => {
    for (const f of FAULTS) {
      expect(backlog.faults[f].length).toBeGreaterThan(0);
      for (const id of backlog.faults[f]) {
        const plan = byId.get(id);
        expect(plan?.scenario).toBe(f);
        for (const s of plan?.spans ?? []) expect(s.endMs, `${f} ${s.name}`).toBeLessThanOrEqual(NOW);
      }
    }
  });
});

describe('fault scenarios', () => {
  it('(a) stuck stock lock: paid more than 2h ago, inventory never locked nor failed', () => {
    const p = example('stuckStockLock');
    expect(NOW - at(p, 'payment.succeeded', 'payment')).toBeGreaterThan(2 * HOUR);
    expect(NOW - at(p, 'payment.succeeded', 'payment')).toBeLessThan(3 * HOUR);
    expect(ev(p, 'inventory.locked')).toHaveLength(0);
    expect(ev(p, 'inventory.lock_failed')).toHaveLength(0);
    expect(p.spans.filter((s) => s.service === 'inventory' && s.status.code === 'error')).toHaveLength(0);
  });

  it('(b) promo burst: many inventory "deduction failed" ERROR spans and logs within a few minutes', () => {
    const plans = backlog.faults.inventoryErrorBurst.map((id) => byId.get(id)).filter((p): p is OrderPlan => p !== undefined);
    expect(plans.length).toBeGreaterThanOrEqual(10);
    const failures = plans.flatMap((p) => ev(p, 'inventory.lock_failed'));
    expect(failures.length).toBe(plans.length);
    const message = `deduction failed: concurrent update on sku ${PROMO_SKU}`;
    for (const s of failures) {
      expect(s.service).toBe('inventory');
      expect(s.status).toEqual({ code: 'error', message });
      expect(s.events.some((e) => e.name === 'exception' && e.attributes['exception.message'] === message)).toBe(true);
      const log = s.logs.find((l) => l.severity === 'ERROR');
      expect(log?.body).toBe(message);
      expect(log?.attributes['exception.type']).toMatch(/OptimisticLockException$/);
    }
    const times = failures.map((s) => s.endMs);
    expect(Math.max(...times) - Math.min(...times)).toBeLessThan(5 * MIN);
    expect(NOW - Math.min(...times)).toBeLessThan(15 * MIN);
    // some succeed on the shop's retry, the example did not
    expect(plans.some((p) => ev(p, 'inventory.locked').length === 1)).toBe(true);
    expect(ev(example('inventoryErrorBurst'), 'inventory.locked')).toHaveLength(0);
  });

  it('(c) status mismatch: payment says paid for >5 min, the shop still pending_payment', () => {
    const p = example('statusMismatch');
    expect(NOW - at(p, 'payment.succeeded', 'payment')).toBeGreaterThan(5 * MIN);
    expect(ev(p, 'payment.succeeded', 'payment')[0]?.attributes['order.status']).toBe('paid');
    const shop = milestones(p).filter((s) => s.attributes['order.system'] === 'shop');
    expect(shop.map((s) => s.attributes['order.status'])).toEqual(['pending_payment']);
    // the cause is visible: a timed-out payment call and failing webhooks
    expect(p.spans.some((s) => s.service === 'shop' && s.kind === 'client' && s.attributes['error.type'] === 'timeout')).toBe(true);
    expect(p.spans.filter((s) => s.name === 'POST /webhooks/payment' && s.kind === 'server' && s.status.code === 'error').length).toBeGreaterThan(0);
  });

  it('(d) slow carrier: picked up days ago, no delivery, a delay reported', () => {
    const p = example('slowCarrier');
    expect(NOW - at(p, 'carrier.picked_up', 'carrier')).toBeGreaterThan(3 * DAY);
    expect(ev(p, 'delivery.signed')).toHaveLength(0);
    expect(p.spans.some((s) => s.logs.some((l) => l.severity === 'WARN' && l.body.includes('held at hub')))).toBe(true);
  });

  it('(e) completed return: requested weeks after the order, in its own traces, through to the refund', () => {
    const p = example('returnCompleted');
    const chain = ['return.requested', 'return.approved', 'return.received', 'return.qc_passed', 'refund.issued'];
    const times = chain.map((e) => at(p, e));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(at(p, 'return.requested') - p.createdMs).toBeGreaterThan(14 * DAY);
    expect(p.returnIds).toHaveLength(1);
    for (const e of chain) {
      const s = ev(p, e)[0];
      expect(s?.trace).not.toBe(0);
      expect(s?.attributes['return.id']).toBe(p.returnIds[0]);
      expect(s?.attributes['return.type']).toBe('quality');
      expect(typeof s?.attributes['return.amount']).toBe('number');
      expect(s?.attributes['return.currency']).toBe('EUR');
    }
  });

  it('(e) return waiting for approval: requested days ago, no decision', () => {
    const p = example('returnAwaitingApproval');
    expect(NOW - at(p, 'return.requested')).toBeGreaterThan(DAY);
    expect(ev(p, 'return.requested')[0]?.attributes['return.type']).toBe('no_reason_7d');
    expect(ev(p, 'return.approved')).toHaveLength(0);
    expect(ev(p, 'return.rejected')).toHaveLength(0);
  });

  it('(f) split shipment: two shipment IDs, each packed, picked up and delivered', () => {
    const p = example('splitShipment');
    expect(p.shipments).toHaveLength(2);
    expect(new Set(p.shipments.map((s) => s.trackingNumber)).size).toBe(2);
    for (const ship of p.shipments) {
      for (const e of ['package.packed', 'carrier.picked_up', 'delivery.signed']) {
        const hits = ev(p, e).filter((s) => s.attributes['shipment.id'] === ship.id);
        expect(hits.length, `${ship.id} ${e}`).toBeGreaterThanOrEqual(1);
        expect(hits[0]?.attributes['shipment.tracking_number']).toBe(ship.trackingNumber);
      }
    }
    // this one demonstrates one trace ID for the whole order
    expect(p.traces).toEqual(['checkout']);
  });

  it('(g) cancelled after payment, with refund', () => {
    const p = example('cancelledAfterPayment');
    expect(at(p, 'order.cancelled')).toBeGreaterThan(at(p, 'payment.succeeded', 'payment'));
    expect(ev(p, 'order.cancelled')[0]?.attributes['order.status']).toBe('cancelled');
    expect(at(p, 'refund.issued')).toBeGreaterThan(at(p, 'order.cancelled'));
  });

  it('(h) stalled queue: a PRODUCER span with no CONSUMER, produced more than 5 minutes ago', () => {
    const p = example('stalledQueue');
    const producer = p.spans.find((s) => s.kind === 'producer' && s.attributes['messaging.destination.name'] === TOPICS.fulfilmentRequests);
    expect(producer).toBeDefined();
    expect(NOW - (producer?.endMs ?? NOW)).toBeGreaterThan(5 * MIN);
    const id = producer?.attributes['messaging.message.id'];
    expect(p.spans.filter((s) => s.kind === 'consumer' && s.attributes['messaging.message.id'] === id)).toHaveLength(0);
    // healthy orders do consume their fulfilment request
    const healthy = backlog.plans.find((q) => q.scenario === 'normal' && q.stage === 'delivered');
    const pr = healthy?.spans.find((s) => s.kind === 'producer' && s.attributes['messaging.destination.name'] === TOPICS.fulfilmentRequests);
    expect(healthy?.spans.some((s) => s.kind === 'consumer' && s.attributes['messaging.message.id'] === pr?.attributes['messaging.message.id'])).toBe(true);
  });
});

describe('LiveOrders', () => {
  it('continues the numbering and plans the checkout starting at the given time', () => {
    const live = new LiveOrders(42, backlog.numbering);
    const first = live.plan(NOW + 1000);
    const second = live.plan(NOW + 1500);
    const lastBacklog = [...backlog.plans].sort((a, b) => a.createdMs - b.createdMs).at(-1)?.orderId ?? '';
    expect(first.orderId > lastBacklog).toBe(true);
    expect(second.orderId > first.orderId).toBe(true);
    for (const p of [first, second]) {
      expect(Math.min(...p.spans.map((s) => s.startMs))).toBe(p.createdMs);
      expect(Math.max(...p.spans.map((s) => s.endMs)) - p.createdMs).toBeLessThan(30_000);
      expect(ev(p, 'order.created')).toHaveLength(1);
    }
    expect(live.nextGapMs(2)).toBeGreaterThan(0);
  });
});
