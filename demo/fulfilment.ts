// After checkout, per shipment: packing at the warehouse (label from the carrier), the carrier's
// pick-up, hub and delivery scans (relayed to the shop by webhook); and a cancellation after payment.
// Each stage is its own trace linked to the previous one, or — for single-trace orders — continues
// the checkout trace from the context stored with the order.
import type { PlannedSpan, ShipmentRef } from './plan.ts';
import { addLog, consume, consumerLag, dbQuery, externalCall, grpcCall, httpCall, inbound, internal, publish, type Place } from './calls.ts';
import { milestone } from './semconv.ts';
import { EXTERNAL, PUBLIC_HOSTS, SERVICE_INFO, TOPICS } from './world.ts';
import { mail, partitionFor, refund, round2, type Order } from './order.ts';


export interface Anchor {
  /** Where a later stage attaches: the order's stored context (single trace) or nothing (new trace). */
  checkoutRoot: PlannedSpan;
}

function stagePlace(o: Order, a: Anchor, label: string, linkTo: PlannedSpan | null): Place {
  if (o.spec.singleTrace) return { trace: a.checkoutRoot.trace, parent: a.checkoutRoot };
  return { trace: o.b.trace(label), parent: null, links: linkTo ? [linkTo] : [] };
}

export function pack(o: Order, a: Anchor, ship: ShipmentRef, warehouse: string, packedMs: number, linkTo: PlannedSpan | null): PlannedSpan {
  const { rng } = o;
  const station = `PS-${rng.int(1, 24).toString().padStart(2, '0')}`;
  const place = stagePlace(o, a, `pack ${ship.id}`, linkTo);
  const start = packedMs - rng.between(900, 1_600);
  const root = inbound(o, place, 'wms', {
    method: 'POST', route: '/wms/v1/pack-stations/:stationId/complete', path: `/wms/v1/pack-stations/${station}/complete`, status: 200,
    host: SERVICE_INFO.wms.host, port: SERVICE_INFO.wms.port, scheme: 'http', at: start,
    attrs: { 'wms.warehouse': warehouse, 'wms.pack_station': station, 'shipment.id': ship.id },
  });
  const trace = place.trace;
  let t = dbQuery(o, { trace, parent: root }, 'wms', { operation: 'SELECT', table: 'pick_tasks', at: start + 0.5, statement: 'SELECT id, sku, quantity, state FROM pick_tasks WHERE order_id = ? AND warehouse = ? FOR UPDATE' }).endMs + 0.3;
  const label = httpCall(o, { trace, parent: root }, {
    from: 'wms', to: 'carrier', method: 'POST', route: '/v1/labels', path: '/v1/labels', status: 201, at: t,
    serverAttrs: { 'shipment.id': ship.id, 'carrier.name': 'ups' },
    work: (server, w) => {
      const ups = externalCall(o, { trace, parent: server }, 'carrier', { host: EXTERNAL.ups, method: 'POST', route: '/api/shipments/v2409/ship', path: '/api/shipments/v2409/ship', status: 200, at: w, durationMs: rng.latency(520) });
      const store = dbQuery(o, { trace, parent: server }, 'carrier', { operation: 'INSERT', table: 'shipments', at: ups.endMs + 0.3, statement: 'INSERT INTO shipments (id, order_id, carrier, tracking_number, state) VALUES ($1, $2, $3, $4, $5)' });
      addLog(o, server, 'INFO', `label created for ${ship.id}: UPS ${ship.trackingNumber}`, { 'shipment.id': ship.id, 'shipment.tracking_number': ship.trackingNumber }, store.endMs);
      return store.endMs;
    },
  });
  t = Math.max(label.end + 0.3, packedMs - rng.between(2, 8));
  const packed = internal(o, { trace, parent: root }, 'wms', 'package packed', t, 0, milestone(o.orderId, 'package.packed', 'wms', 'packed', {
    'shipment.id': ship.id, 'shipment.tracking_number': ship.trackingNumber, 'wms.warehouse': warehouse, 'package.weight_kg': round2(rng.between(0.3, 6)),
  }));
  packed.endMs = dbQuery(o, { trace, parent: packed }, 'wms', { operation: 'UPDATE', table: 'pick_tasks', at: t + 0.2, statement: "UPDATE pick_tasks SET state = 'packed', shipment_id = ? WHERE order_id = ? AND warehouse = ?" }).endMs + 0.3;
  addLog(o, packed, 'INFO', `package packed at ${station}`, { 'shipment.id': ship.id, 'wms.warehouse': warehouse });
  const ev = publish(o, { trace, parent: root }, 'wms', TOPICS.shipmentEvents, partitionFor(rng), packed.endMs + 0.3, { 'shipment.id': ship.id });
  root.endMs = ev.producer.endMs + rng.between(0.5, 2);
  consume(o, ev, 'shop', ev.producer.endMs + consumerLag(rng), (c, w) => {
    const upd = dbQuery(o, { trace, parent: c }, 'shop', { operation: 'UPDATE', table: 'shipments', at: w, statement: 'INSERT INTO shipments (id, order_id, tracking_number, state) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state' });
    return upd.endMs;
  }, { 'shipment.id': ship.id });
  return packed;
}

/** A carrier tracking event arrives at the carrier gateway; for pick-up and delivery the shop is told by webhook. */
export function carrierScan(
  o: Order, a: Anchor, ship: ShipmentRef, atMs: number, linkTo: PlannedSpan | null,
  kind: { scan: 'pickup' | 'hub' | 'delivery'; shopStatus?: string; delayed?: boolean; hub?: string },
): PlannedSpan {
  const { rng } = o;
  const place = stagePlace(o, a, `${kind.scan} ${ship.id}`, linkTo);
  const trace = place.trace;
  const start = atMs - rng.between(3, 12);
  const root = inbound(o, place, 'carrier', {
    method: 'POST', route: '/v1/tracking-events', path: '/v1/tracking-events', status: 202, host: PUBLIC_HOSTS.carrierWebhooks, at: start,
    attrs: { 'carrier.name': 'ups', 'shipment.id': ship.id, 'shipment.tracking_number': ship.trackingNumber },
  });
  let t = dbQuery(o, { trace, parent: root }, 'carrier', { operation: 'INSERT', table: 'tracking_events', at: start + 0.4, statement: 'INSERT INTO tracking_events (tracking_number, code, location, occurred_at) VALUES ($1, $2, $3, $4)' }).endMs + 0.2;
  t = Math.max(t, atMs - 1);
  const shared = { 'shipment.id': ship.id, 'shipment.tracking_number': ship.trackingNumber };
  let step: PlannedSpan;
  if (kind.scan === 'hub') {
    const hub = kind.hub ?? 'DE-HAM-02';
    step = internal(o, { trace, parent: root }, 'carrier', 'record hub scan', t, rng.between(0.5, 2), { ...shared, 'carrier.scan.location': hub, 'carrier.scan.code': kind.delayed ? 'X1' : 'AR' });
    if (kind.delayed) addLog(o, step, 'WARN', `shipment exception for ${ship.trackingNumber}: held at hub ${hub} (capacity), new delivery date not yet known`, { ...shared, 'carrier.scan.location': hub });
    else addLog(o, step, 'INFO', `arrived at sorting hub ${hub}`, { ...shared, 'carrier.scan.location': hub });
    root.endMs = step.endMs + rng.between(0.3, 1.5);
    return step;
  }
  const pickup = kind.scan === 'pickup';
  const event = pickup ? 'carrier.picked_up' : 'delivery.signed';
  step = internal(o, { trace, parent: root }, 'carrier', pickup ? 'record pickup scan' : 'record delivery scan', t, rng.between(0.5, 2),
    milestone(o.orderId, event, 'carrier', pickup ? 'in_transit' : 'delivered', { ...shared, 'carrier.scan.location': pickup ? 'DE-BER-FC1' : 'DE-consignee' }));
  addLog(o, step, 'INFO', pickup ? `parcel ${ship.trackingNumber} picked up by UPS` : `parcel ${ship.trackingNumber} delivered, signed by ${o.email.split('@')[0]?.split('.')[1]?.toUpperCase() ?? 'CUSTOMER'}`, shared);
  const hook = httpCall(o, { trace, parent: root }, {
    from: 'carrier', to: 'shop', method: 'POST', route: '/webhooks/shipment-status', path: '/webhooks/shipment-status', status: 204, at: step.endMs + 0.5,
    serverAttrs: shared,
    work: (server, w) => {
      const mark = internal(o, { trace, parent: server }, 'shop', pickup ? 'mark order shipped' : 'mark order delivered', w, 0, milestone(o.orderId, event, 'shop', kind.shopStatus ?? (pickup ? 'shipped' : 'delivered'), shared));
      mark.endMs = dbQuery(o, { trace, parent: mark }, 'shop', { operation: 'UPDATE', table: 'orders', at: w + 0.2, statement: 'UPDATE orders SET status = $1, updated_at = now() WHERE id = $2' }).endMs + 0.3;
      const ev = publish(o, { trace, parent: server }, 'shop', TOPICS.orderEvents, partitionFor(rng), mark.endMs + 0.2, { 'shop.event_type': pickup ? 'OrderShipped' : 'OrderDelivered' });
      consume(o, ev, 'crm', ev.producer.endMs + consumerLag(rng), (c, cw) => mail(o, trace, c, cw, pickup ? 'shipping notification' : 'delivery confirmation'));
      return ev.producer.endMs;
    },
  });
  root.endMs = hook.end + rng.between(0.3, 1.5);
  return step;
}

// ---------------------------------------------------------------------------------------------
// cancellation after payment: release stock, refund, cancel the pick task

export function cancel(o: Order, a: Anchor, atMs: number, linkTo: PlannedSpan | null): void {
  const { rng } = o;
  const place = stagePlace(o, a, 'cancellation', linkTo);
  const trace = place.trace;
  const route = '/api/orders/:orderId/cancel';
  const root = inbound(o, place, 'shop', {
    method: 'POST', route, path: `/api/orders/${o.orderId}/cancel`, status: 200, host: PUBLIC_HOSTS.shop, at: atMs - rng.between(5, 15),
    attrs: { 'enduser.id': o.customerId },
  });
  const at: Place = { trace, parent: root };
  const c = internal(o, at, 'shop', 'cancel order', root.startMs + 0.5, 0, milestone(o.orderId, 'order.cancelled', 'shop', 'cancelled', { 'order.cancel_reason': 'customer_request' }));
  c.endMs = dbQuery(o, { trace, parent: c }, 'shop', { operation: 'UPDATE', table: 'orders', at: c.startMs + 0.3, statement: 'UPDATE orders SET status = $1, cancelled_at = now(), cancel_reason = $2 WHERE id = $3' }).endMs + 0.3;
  addLog(o, c, 'INFO', `order ${o.orderId} cancelled by customer after payment`, { 'order.cancel_reason': 'customer_request' });
  let t = c.endMs + 0.5;
  t = grpcCall(o, at, {
    from: 'shop', to: 'inventory', service: 'inventory.v1.StockService', method: 'Release', code: 0, at: t,
    work: (server, w) => {
      let x = w;
      for (const line of o.lines) {
        x = dbQuery(o, { trace, parent: server }, 'inventory', {
          operation: 'UPDATE', table: 'stock', at: x, attrs: { 'inventory.sku': line.sku },
          statement: 'UPDATE stock SET available = available + $1, reserved = reserved - $1, version = version + 1 WHERE sku = $2 AND warehouse = $3',
        }).endMs + 0.2;
      }
      addLog(o, server, 'INFO', 'stock released', { 'inventory.skus': o.lines.map((l) => l.sku) }, x);
      return x;
    },
  }).end + 0.4;
  t = refund(o, trace, at, 'shop', t, o.amount, null) + 0.4;
  const pub = publish(o, at, 'shop', TOPICS.fulfilmentCancellations, partitionFor(rng), t);
  root.endMs = pub.producer.endMs + rng.between(0.5, 2);
  consume(o, pub, 'wms', pub.producer.endMs + consumerLag(rng), (cs, w) => {
    const upd = dbQuery(o, { trace, parent: cs }, 'wms', { operation: 'UPDATE', table: 'pick_tasks', at: w, statement: "UPDATE pick_tasks SET state = 'cancelled' WHERE order_id = ? AND state IN ('open', 'picking')" });
    addLog(o, cs, 'INFO', 'pick task cancelled', {}, upd.endMs);
    return upd.endMs;
  });
}
