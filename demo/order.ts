// One order's specification (when things happen, how they go) and the planning context shared by
// the stage planners (checkout.ts, fulfilment.ts, returns.ts), plus the steps several stages use.
import type { FaultName, PlannedSpan, ShipmentRef } from './plan.ts';
import type { Rng } from './rng.ts';
import { addLog, dbQuery, externalCall, httpCall, internal, type Planning, type Place } from './calls.ts';
import { milestone } from './semconv.ts';
import * as ids from './ids.ts';
import { CURRENCY, EXTERNAL, PARTITIONS, PROMO_SKU, STALLED_PARTITION, WAREHOUSES } from './world.ts';

export type PaymentOutcome = 'ok' | 'declined' | 'response_lost';
export type InventoryOutcome = 'locked' | 'deduction_failed' | 'deduction_failed_then_locked' | 'silent';

export interface ShipmentSpec {
  packedMs?: number;
  pickedUpMs?: number;
  /** Carrier hub scans between pick-up and delivery. */
  hubScansMs?: number[];
  /** The carrier reports the parcel held at a hub (slow carrier). */
  delayed?: boolean;
  deliveredMs?: number;
}

export interface ReturnSpec {
  seq: number;
  requestedMs: number;
  type: 'quality' | 'no_reason_7d';
  outcome: 'refunded' | 'awaiting_approval' | 'rejected' | 'qc_failed';
  approvedMs?: number;
  receivedMs?: number;
  inspectedMs?: number;
}

/** Everything that decides an order's plan. Undefined times: it has not happened (yet, or ever). */
export interface OrderSpec {
  scenario: 'normal' | FaultName;
  seq: number;
  /** Seed of this order's own random source. */
  seed: number;
  createdMs: number;
  /** One trace ID for the whole order (context stored with the order) instead of one trace per stage. */
  singleTrace: boolean;
  payment: PaymentOutcome;
  inventory: InventoryOutcome;
  /** The promo article is in the basket (burst orders). */
  promo?: boolean;
  /** wms.fulfilment-requests is consumed, or the message sits on a stuck partition. */
  wmsHandoff: 'consumed' | 'stalled';
  shipments: ShipmentSpec[];
  cancelledMs?: number;
  returns?: ReturnSpec[];
}

export interface OrderLine {
  sku: string;
  quantity: number;
  unitPrice: number;
  warehouse: string;
}

export interface Order extends Planning {
  spec: OrderSpec;
  seq: number;
  customerId: string;
  email: string;
  lines: OrderLine[];
  amount: number;
  paymentReference: string;
  shipments: ShipmentRef[];
  returnIds: string[];
}

export const round2 = (n: number): number => Math.round(n * 100) / 100;

export function orderLines(rng: Rng, promo: boolean, shipments: number): OrderLine[] {
  const count = Math.max(shipments, rng.int(1, 4));
  const lines: OrderLine[] = [];
  for (let i = 0; i < count; i++) {
    lines.push({
      sku: i === 0 && promo ? PROMO_SKU : ids.sku(rng),
      quantity: rng.chance(0.8) ? 1 : rng.int(2, 3),
      unitPrice: round2(rng.pick([9.99, 14.95, 19.99, 24.9, 29.99, 39.95, 49.99, 59, 79.99, 89.9, 129, 199, 249.99])),
      // a split shipment ships its last line from the second warehouse
      warehouse: shipments > 1 && i === count - 1 ? WAREHOUSES[1] : WAREHOUSES[0],
    });
  }
  return lines;
}

/** A healthy partition for an order's messages (the stalled one is reserved for the stalled-queue story). */
export function partitionFor(rng: Rng): number {
  const p = rng.int(0, PARTITIONS - 2);
  return p >= STALLED_PARTITION ? p + 1 : p;
}

/** crm: send a customer e-mail through the mail provider. */
export function mail(o: Order, trace: number, parent: PlannedSpan, t: number, what: string): number {
  const send = externalCall(o, { trace, parent }, 'crm', {
    host: EXTERNAL.mailer, method: 'POST', route: '/v3/mail/send', path: '/v3/mail/send', status: 202, at: t, durationMs: o.rng.latency(120),
  });
  addLog(o, parent, 'INFO', `${what} e-mail sent to ${o.email}`, { 'enduser.id': o.customerId, 'email.template': what.replace(/ /g, '_') }, send.endMs);
  return send.endMs;
}

/** A refund through the payment service (cancellation or return); returns when the caller got its answer. */
export function refund(o: Order, trace: number, at: Place, from: 'shop' | 'returns', t: number, amount: number, ret: { id: string; attrs: Record<string, string | number> } | null): number {
  const { rng } = o;
  const refundRef = ids.refundReference(rng);
  return httpCall(o, at, {
    from, to: 'payment', method: 'POST', route: '/v1/refunds', path: '/v1/refunds', status: 201, at: t,
    clientAttrs: { 'payment.reference': o.paymentReference },
    work: (server, w) => {
      const issue = internal(o, { trace, parent: server }, 'payment', 'issue refund', w, 0, milestone(o.orderId, 'refund.issued', 'payment', 'refunded', {
        'payment.reference': o.paymentReference, 'refund.reference': refundRef, 'refund.amount': amount, 'refund.currency': CURRENCY, ...(ret ? ret.attrs : {}),
      }));
      const psp = externalCall(o, { trace, parent: issue }, 'payment', { host: EXTERNAL.psp, method: 'POST', route: '/v1/refunds', path: '/v1/refunds', status: 200, at: w + 0.3, durationMs: rng.latency(300) });
      issue.endMs = dbQuery(o, { trace, parent: issue }, 'payment', { operation: 'INSERT', table: 'refunds', at: psp.endMs + 0.3, statement: 'INSERT INTO refunds (reference, payment_reference, amount, currency, return_id) VALUES ($1, $2, $3, $4, $5)' }).endMs + 0.3;
      addLog(o, issue, 'INFO', `refund of ${amount.toFixed(2)} ${CURRENCY} issued${ret ? ` for return ${ret.id}` : ''}`, { 'payment.reference': o.paymentReference, 'refund.reference': refundRef, ...(ret ? ret.attrs : {}) });
      return issue.endMs;
    },
  }).end;
}

