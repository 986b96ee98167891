// One order's journey as spans: planOrder() turns an OrderSpec (when things happen and how they
// go) into an OrderPlan — checkout, per-shipment fulfilment, cancellation, returns. Pure: same spec
// (and seed), same plan.
import { PlanBuilder, type OrderPlan, type PlannedSpan } from './plan.ts';
import { createRng } from './rng.ts';
import * as ids from './ids.ts';
import { UPS_SHIPPER_ACCOUNT, WAREHOUSES } from './world.ts';
import { orderLines, round2, type Order, type OrderSpec } from './order.ts';
import { checkout, type CheckoutResult } from './checkout.ts';
import { cancel, carrierScan, pack, type Anchor } from './fulfilment.ts';
import { returnFlow } from './returns.ts';

export type { OrderSpec, ReturnSpec, ShipmentSpec, PaymentOutcome, InventoryOutcome } from './order.ts';

function stageOf(spec: OrderSpec, now: number, c: CheckoutResult): string {
  const done = (ms: number | undefined): boolean => ms !== undefined && ms <= now;
  if (spec.returns?.some((r) => done(r.requestedMs))) return 'return';
  if (done(spec.cancelledMs)) return 'cancelled';
  if (!c.paid) return spec.payment === 'declined' ? 'payment failed' : 'awaiting payment';
  if (!c.locked) return 'awaiting stock';
  const ships = spec.shipments;
  if (ships.length > 0 && ships.every((s) => done(s.deliveredMs))) return 'delivered';
  if (ships.some((s) => done(s.pickedUpMs))) return 'in transit';
  if (ships.some((s) => done(s.packedMs))) return 'packed';
  return 'awaiting packing';
}

/**
 * The full plan of one order. `now` only labels the stage the order has reached; the plan itself
 * contains every planned step, past and future (the emitter releases future ones when they are due).
 */
export function planOrder(spec: OrderSpec, now: number): OrderPlan {
  const rng = createRng(spec.seed);
  const shipmentCount = Math.max(1, spec.shipments.length);
  const lines = orderLines(rng, spec.promo ?? false, shipmentCount);
  const orderId = ids.orderId(spec.createdMs, spec.seq);
  const o: Order = {
    b: new PlanBuilder(), rng, orderId, spec, seq: spec.seq,
    customerId: ids.customerId(rng), email: ids.customerEmail(rng), lines,
    amount: round2(lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0) + (rng.chance(0.6) ? 4.95 : 0)),
    paymentReference: ids.paymentReference(rng),
    shipments: spec.shipments.map((_, i) => ({ id: ids.shipmentId(spec.seq, i + 1), trackingNumber: ids.trackingNumber(rng, UPS_SHIPPER_ACCOUNT) })),
    returnIds: [],
  };
  const c = checkout(o);
  const anchor: Anchor = { checkoutRoot: c.root };
  let last: PlannedSpan | null = c.wmsConsumer ?? c.root;
  const delivered: PlannedSpan[] = [];
  spec.shipments.forEach((s, i) => {
    const ship = o.shipments[i];
    if (!ship) return;
    const warehouse = spec.shipments.length > 1 ? (WAREHOUSES[i] ?? WAREHOUSES[0]) : WAREHOUSES[0];
    const partial = spec.shipments.length > 1 && i < spec.shipments.length - 1;
    let prev: PlannedSpan | null = c.wmsConsumer;
    if (s.packedMs !== undefined) prev = pack(o, anchor, ship, warehouse, s.packedMs, prev);
    if (s.pickedUpMs !== undefined) prev = carrierScan(o, anchor, ship, s.pickedUpMs, prev, { scan: 'pickup', shopStatus: partial ? 'partially_shipped' : 'shipped' });
    for (const [k, h] of (s.hubScansMs ?? []).entries()) {
      prev = carrierScan(o, anchor, ship, h, prev, { scan: 'hub', delayed: s.delayed === true && k === (s.hubScansMs?.length ?? 0) - 1, hub: k === 0 ? 'DE-LEJ-HUB' : 'DE-HAM-02' });
    }
    if (s.deliveredMs !== undefined) {
      prev = carrierScan(o, anchor, ship, s.deliveredMs, prev, { scan: 'delivery', shopStatus: partial ? 'partially_delivered' : 'delivered' });
      delivered.push(prev);
    }
    last = prev ?? last;
  });
  if (spec.cancelledMs !== undefined) cancel(o, anchor, spec.cancelledMs, c.wmsConsumer ?? c.root);
  for (const r of spec.returns ?? []) returnFlow(o, r, delivered[delivered.length - 1] ?? last);
  return {
    orderId,
    scenario: spec.scenario,
    stage: stageOf(spec, now, c),
    createdMs: spec.createdMs,
    paymentReference: o.paymentReference,
    shipments: o.shipments,
    returnIds: o.returnIds,
    traces: o.b.traces,
    spans: o.b.spans,
  };
}
