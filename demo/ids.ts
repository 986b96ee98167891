// Business identifiers that look like the real thing: order numbers, payment references,
// tracking numbers, shipment and return IDs, Kafka message IDs, SKUs, customers.
import type { Rng } from './rng.ts';

const DIGITS = '0123456789';
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/** `ORD-2026-004217`: the year the order was placed and a shop-wide running number. */
export function orderId(createdMs: number, seq: number): string {
  return `ORD-${new Date(createdMs).getUTCFullYear()}-${String(seq).padStart(6, '0')}`;
}

/** `RET-2026-000381`. */
export function returnId(requestedMs: number, seq: number): string {
  return `RET-${new Date(requestedMs).getUTCFullYear()}-${String(seq).padStart(6, '0')}`;
}

/** `SHP-004217-1`: shipment n of an order (split shipments have -1, -2). */
export function shipmentId(orderSeq: number, n: number): string {
  return `SHP-${String(orderSeq).padStart(6, '0')}-${n}`;
}

/** Payment-service-provider style reference, `pay_3PqK8vL2mZ…` (24 base-62 characters). */
export function paymentReference(rng: Rng): string {
  return `pay_${rng.chars(BASE62, 24)}`;
}

/** Refund reference, `re_…`. */
export function refundReference(rng: Rng): string {
  return `re_${rng.chars(BASE62, 24)}`;
}

/** UPS-style tracking number: `1Z` + 6-character shipper account + 2-digit service + 8 digits. */
export function trackingNumber(rng: Rng, shipperAccount: string): string {
  return `1Z${shipperAccount}${rng.pick(['01', '02', '03', '12'])}${rng.chars(DIGITS, 8)}`;
}

/** A UUID-shaped Kafka message ID (version-4 layout). */
export function messageId(rng: Rng): string {
  const h = (n: number): string => rng.chars(HEX, n);
  return `${h(8)}-${h(4)}-4${h(3)}-${rng.pick(['8', '9', 'a', 'b'])}${h(3)}-${h(12)}`;
}

export function customerId(rng: Rng): string {
  return `CUS-${rng.chars(DIGITS, 7)}`;
}

export function sku(rng: Rng): string {
  return `SKU-${rng.int(1000, 9899)}`;
}

/** Kubernetes-style pod name, `shop-api-7f9c4d8b6-x2k8p`. */
export function podName(rng: Rng, deployment: string): string {
  return `${deployment}-${rng.chars('0123456789bcdfghjklmnpqrstvwxz', 9)}-${rng.chars('bcdfghjklmnpqrstvwxz2456789', 5)}`;
}

const FIRST = ['anna', 'lukas', 'mia', 'jonas', 'emma', 'noah', 'lena', 'paul', 'sofia', 'felix', 'clara', 'elias'];
const LAST = ['schmidt', 'mueller', 'weber', 'fischer', 'wagner', 'becker', 'hoffmann', 'koch', 'richter', 'klein'];

/** A plausible customer e-mail at example.com (personal data the UI is expected to mask). */
export function customerEmail(rng: Rng): string {
  return `${rng.pick(FIRST)}.${rng.pick(LAST)}${rng.chance(0.4) ? rng.int(1, 99) : ''}@example.com`;
}
