// What the demo shows: the fault stories and a backlog of normal orders, all dated relative to
// `now` (backdated, so every fault is visible the moment the data lands), plus live orders.
// Pure: (now, seed) → plans. No clock, no I/O.
import { FAULTS, type FaultName, type OrderPlan } from './plan.ts';
import { createRng, type Rng } from './rng.ts';
import { planOrder, type OrderSpec, type ReturnSpec, type ShipmentSpec } from './plan-order.ts';
import { NORMAL } from './world.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** An order spec before it gets its running number. */
type Draft = Omit<OrderSpec, 'seq' | 'returns'> & { returns?: Omit<ReturnSpec, 'seq'>[] };

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function draft(rng: Rng, createdMs: number, over: Partial<Draft> = {}): Draft {
  return {
    scenario: 'normal',
    seed: rng.int(0, 0xffffffff),
    createdMs,
    singleTrace: false,
    payment: 'ok',
    inventory: 'locked',
    wmsHandoff: 'consumed',
    shipments: [],
    ...over,
  };
}

/** A normal order placed at createdMs, with its whole (possibly future) fulfilment timeline. */
export function normalDraft(rng: Rng, createdMs: number, now: number, opts: { checkoutOnly?: boolean } = {}): Draft {
  const declined = rng.chance(0.04);
  const d = draft(rng, createdMs, { singleTrace: rng.chance(0.3), payment: declined ? 'declined' : 'ok' });
  if (declined || opts.checkoutOnly) return d;
  const packedMs = createdMs + clamp(rng.latency(NORMAL.packAfterPaid), 40 * MIN, 10 * HOUR);
  const pickedUpMs = packedMs + clamp(rng.latency(NORMAL.pickupAfterPack), 1 * HOUR, 14 * HOUR);
  const deliveredMs = pickedUpMs + clamp(rng.latency(NORMAL.deliveryAfterPickup), 14 * HOUR, 60 * HOUR);
  const ship: ShipmentSpec = { packedMs, pickedUpMs, hubScansMs: [pickedUpMs + rng.between(6, 12) * HOUR], deliveredMs };
  d.shipments = [ship];
  if (deliveredMs < now && rng.chance(0.08)) {
    // some returns were requested already, some will be while the demo runs (released when due)
    const requestedMs = deliveredMs + rng.between(0.2, 3) * DAY;
    if (requestedMs < now + 6 * HOUR) {
      const roll = rng.next();
      const outcome = roll < 0.75 ? 'refunded' : roll < 0.9 ? 'qc_failed' : 'rejected';
      const approvedMs = requestedMs + rng.between(2, 20) * HOUR;
      const receivedMs = approvedMs + rng.between(1, 3) * DAY;
      d.returns = [{
        requestedMs, type: rng.chance(0.5) ? 'quality' : 'no_reason_7d', outcome,
        approvedMs, receivedMs, inspectedMs: receivedMs + rng.between(2, 30) * HOUR,
      }];
    }
  }
  return d;
}

/** The fault stories, dated so that each is already overdue when the demo starts. */
export function faultDrafts(rng: Rng, now: number): Array<{ fault: FaultName; draft: Draft }> {
  const out: Array<{ fault: FaultName; draft: Draft }> = [];
  const add = (fault: FaultName, d: Draft): void => {
    d.scenario = fault;
    out.push({ fault, draft: d });
  };

  // (a) paid ~2h25m ago; the inventory reservation was queued and never completed: no inventory.locked.
  add('stuckStockLock', draft(rng, now - 2 * HOUR - 25 * MIN - rng.between(0, 10) * MIN, { inventory: 'silent' }));

  // (b) a promo burst: 16 orders within 4 minutes, ending ~5 minutes ago, all fighting over the promo
  // SKU's stock row; most fail with "deduction failed", every third succeeds on the shop's retry.
  const burstStart = now - 9 * MIN - rng.between(0, 60_000);
  const burstTimes = Array.from({ length: 16 }, () => burstStart + rng.between(0, 4 * MIN)).sort((x, y) => x - y);
  burstTimes.forEach((t, i) => add('inventoryErrorBurst', draft(rng, t, { promo: true, inventory: i % 3 === 2 ? 'deduction_failed_then_locked' : 'deduction_failed' })));

  // (c) the shop's payment call timed out (PSP took ~11 s) and every payment webhook failed: payment
  // says paid since ~12 minutes, the shop still says pending_payment.
  add('statusMismatch', draft(rng, now - 12 * MIN - rng.between(0, 2) * MIN, { payment: 'response_lost' }));

  // (d) picked up ~5.4 days ago, held at a hub since; normal delivery takes about a day.
  {
    const c = now - 6 * DAY - rng.between(0, 6) * HOUR;
    const pickedUpMs = c + 14 * HOUR;
    add('slowCarrier', draft(rng, c, {
      shipments: [{ packedMs: c + 4 * HOUR, pickedUpMs, hubScansMs: [pickedUpMs + 9 * HOUR, pickedUpMs + 30 * HOUR], delayed: true }],
    }));
  }

  // (e) a quality return requested ~20 days after the order, approved, received, inspected, refunded.
  {
    const c = now - 24 * DAY - rng.between(0, 12) * HOUR;
    const pickedUpMs = c + 9 * HOUR;
    const requestedMs = now - 4 * DAY - rng.between(0, 6) * HOUR;
    add('returnCompleted', draft(rng, c, {
      shipments: [{ packedMs: c + 3 * HOUR, pickedUpMs, hubScansMs: [pickedUpMs + 8 * HOUR], deliveredMs: c + 2 * DAY }],
      returns: [{
        requestedMs, type: 'quality', outcome: 'refunded', approvedMs: requestedMs + 6 * HOUR,
        receivedMs: now - 36 * HOUR, inspectedMs: now - 29 * HOUR,
      }],
    }));
  }

  // (e') a no-reason return requested ~2 days ago, still waiting for an approver.
  {
    const c = now - 9 * DAY - rng.between(0, 12) * HOUR;
    add('returnAwaitingApproval', draft(rng, c, {
      shipments: [{ packedMs: c + 2 * HOUR, pickedUpMs: c + 8 * HOUR, hubScansMs: [c + 20 * HOUR], deliveredMs: c + 3 * DAY }],
      returns: [{ requestedMs: now - 2 * DAY - rng.between(0, 3) * HOUR, type: 'no_reason_7d', outcome: 'awaiting_approval' }],
    }));
  }

  // (f) split shipment from two warehouses, each parcel packed, picked up and delivered on its own.
  // This one keeps one trace ID for the whole order (the other style: one trace per stage).
  {
    const c = now - 3 * DAY - rng.between(0, 6) * HOUR;
    add('splitShipment', draft(rng, c, {
      singleTrace: true,
      shipments: [
        { packedMs: c + 2 * HOUR, pickedUpMs: c + 7 * HOUR, hubScansMs: [c + 15 * HOUR], deliveredMs: c + 1.6 * DAY },
        { packedMs: c + 21 * HOUR, pickedUpMs: c + 27 * HOUR, hubScansMs: [c + 36 * HOUR], deliveredMs: c + 2.6 * DAY },
      ],
    }));
  }

  // (g) paid and reserved ~75 minutes ago, cancelled by the customer ~40 minutes ago (refund, stock released).
  add('cancelledAfterPayment', draft(rng, now - 75 * MIN - rng.between(0, 5) * MIN, { cancelledMs: now - 40 * MIN - rng.between(0, 3) * MIN }));

  // (h) the wms consumer of one wms.fulfilment-requests partition is stuck: three orders' messages
  // were produced 13–26 minutes ago and never consumed.
  for (const ago of [26, 19, 13]) add('stalledQueue', draft(rng, now - ago * MIN - rng.between(0, 30_000), { wmsHandoff: 'stalled' }));

  return out;
}

export interface DemoPlanOptions {
  now: number;
  seed: number;
  /** Normal orders spread over the last 72 hours (default 200), in every stage. */
  backlogOrders?: number;
  /** Normal orders in the last 20 minutes, still in checkout or awaiting packing (default 24). */
  recentOrders?: number;
}

/**
 * Running numbers follow time, as in a real shop (one order number per ~90 s of shop-wide traffic,
 * one return number per ~30 min), from a block drawn per seed in the 6-digit space — so older orders
 * have smaller numbers, and two demo runs against the same store rarely reuse an ID. Numbers only
 * ever go up (live orders at 2/s simply run ahead of the pace).
 */
export interface Numbering {
  /** Epoch ms the blocks are counted from. */
  originMs: number;
  orderBase: number;
  returnBase: number;
  nextSeq: number;
  nextReturnSeq: number;
}
const ORDER_PACE_MS = 90_000;
const RETURN_PACE_MS = 30 * MIN;

export interface DemoBacklog {
  numbering: Numbering;
  plans: OrderPlan[];
  /** Order IDs per fault; the first is the example to look up. */
  faults: Record<FaultName, string[]>;
}

/** Assign running numbers in creation order (gaps: other sales channels draw from the same sequence). */
function number(drafts: Draft[], start: Numbering): { specs: OrderSpec[]; next: Numbering } {
  let seq = start.nextSeq;
  let returnSeq = start.nextReturnSeq;
  const paced = (base: number, pace: number, ms: number): number => base + Math.max(0, Math.floor((ms - start.originMs) / pace));
  const sorted = [...drafts].sort((x, y) => x.createdMs - y.createdMs);
  const specs = sorted.map((d) => {
    seq = Math.max(seq, paced(start.orderBase, ORDER_PACE_MS, d.createdMs));
    const spec: OrderSpec = { ...d, seq, returns: undefined };
    seq += 1;
    return spec;
  });
  // returns are numbered in the order they were requested
  const rets = specs.flatMap((s, i) => (sorted[i]?.returns ?? []).map((r) => ({ s, r })));
  rets.sort((x, y) => x.r.requestedMs - y.r.requestedMs);
  for (const { s, r } of rets) {
    returnSeq = Math.max(returnSeq, paced(start.returnBase, RETURN_PACE_MS, r.requestedMs));
    (s.returns ??= []).push({ ...r, seq: returnSeq });
    returnSeq += 1;
  }
  return { specs, next: { ...start, nextSeq: seq, nextReturnSeq: returnSeq } };
}

/** Fault stories plus normal backlog, every order fully planned. */
export function planBacklog(opts: DemoPlanOptions): DemoBacklog {
  const { now } = opts;
  const rng = createRng(opts.seed);
  const drafts: Draft[] = [];
  const faultOf = new Map<Draft, FaultName>();
  for (const { fault, draft: d } of faultDrafts(rng.fork(), now)) {
    drafts.push(d);
    faultOf.set(d, fault);
  }
  const normal = rng.fork();
  for (let i = 0; i < (opts.backlogOrders ?? 200); i++) {
    // more recent orders than old ones: ages skewed towards now
    const age = 72 * HOUR * Math.pow(normal.next(), 1.6);
    drafts.push(normalDraft(normal, now - Math.max(age, 20 * MIN), now));
  }
  for (let i = 0; i < (opts.recentOrders ?? 24); i++) drafts.push(normalDraft(normal, now - normal.between(5_000, 20 * MIN), now));

  // blocks: orders span ≤ 26 days ≈ 25 000 numbers at the pace; returns a few dozen
  const orderBase = rng.int(100_000, 940_000);
  const returnBase = rng.int(1_000, 95_000);
  const originMs = Math.min(...drafts.map((d) => d.createdMs));
  const start: Numbering = { originMs, orderBase, returnBase, nextSeq: orderBase, nextReturnSeq: returnBase };
  const { specs, next } = number(drafts, start);
  const faults = Object.fromEntries(FAULTS.map((f) => [f, [] as string[]])) as Record<FaultName, string[]>;
  const plans = specs.map((spec) => {
    const plan = planOrder(spec, now);
    if (spec.scenario !== 'normal') faults[spec.scenario].push(plan.orderId);
    return plan;
  });
  // the burst example is an order that failed for good (not one that succeeded on retry)
  const burstSpecs = specs.filter((s) => s.scenario === 'inventoryErrorBurst');
  const firstHardFail = burstSpecs.findIndex((s) => s.inventory === 'deduction_failed');
  if (firstHardFail > 0) {
    const ids = faults.inventoryErrorBurst;
    const [chosen] = ids.splice(firstHardFail, 1);
    if (chosen) ids.unshift(chosen);
  }
  return { plans, faults, numbering: next };
}

/** Live orders: placed now, planned through checkout and the warehouse hand-off. */
export class LiveOrders {
  private readonly rng: Rng;
  private numbering: Numbering;

  constructor(seed: number, numbering: Numbering) {
    this.rng = createRng(seed ^ 0x5eed);
    this.numbering = { ...numbering };
  }

  /** Seconds until the next order arrives (Poisson arrivals at `ratePerSecond`). */
  nextGapMs(ratePerSecond: number): number {
    return this.rng.exponential(1000 / ratePerSecond);
  }

  plan(createdMs: number): OrderPlan {
    const d = normalDraft(this.rng, createdMs, createdMs, { checkoutOnly: true });
    const { specs, next } = number([d], this.numbering);
    this.numbering = next;
    const spec = specs[0];
    if (!spec) throw new Error('no spec');
    return planOrder(spec, createdMs);
  }
}
