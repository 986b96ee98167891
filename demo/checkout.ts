// Checkout, one trace: shop POST /api/orders → payment (PSP) → shop marks paid → inventory Reserve
// (gRPC) → Kafka hand-off to the warehouse; crm sends the confirmation e-mail. Fault variants: a
// declined card, a lost payment response with failing webhooks, "deduction failed", a silent reservation.
import type { PlannedSpan } from './plan.ts';
import { addLog, consume, consumerLag, dbQuery, externalCall, grpcCall, httpCall, inbound, internal, publish, type Place } from './calls.ts';
import { milestone, javaStack } from './semconv.ts';
import { CURRENCY, EXTERNAL, PROMO_SKU, PUBLIC_HOSTS, STALLED_PARTITION, TOPICS } from './world.ts';
import { mail, partitionFor, type InventoryOutcome, type Order } from './order.ts';


export interface CheckoutResult {
  root: PlannedSpan;
  /** The wms consumer that accepted the fulfilment request (where fulfilment continues). */
  wmsConsumer: PlannedSpan | null;
  paid: boolean;
  locked: boolean;
}

export function checkout(o: Order): CheckoutResult {
  const { rng, spec } = o;
  const trace = o.b.trace('checkout');
  let t = spec.createdMs;
  const root = inbound(o, { trace, parent: null }, 'shop', {
    method: 'POST', route: '/api/orders', path: '/api/orders', status: 201, host: PUBLIC_HOSTS.shop, at: t,
    attrs: { 'network.protocol.version': '2', 'user_agent.original': rng.pick(USER_AGENTS), 'client.address': `203.0.113.${rng.int(1, 254)}`, 'enduser.id': o.customerId },
  });
  const at: Place = { trace, parent: root };
  t += rng.between(1, 4);

  // order.created — milestone on the step that inserted the order (its end is the milestone time)
  const create = internal(o, at, 'shop', 'create order', t, 0, milestone(o.orderId, 'order.created', 'shop', 'pending_payment', {
    'order.amount': o.amount, 'order.currency': CURRENCY, 'order.item_count': o.lines.length, 'enduser.id': o.customerId,
  }));
  const ins = dbQuery(o, { trace, parent: create }, 'shop', {
    operation: 'INSERT', table: 'orders', at: t + 0.4,
    statement: 'INSERT INTO orders (id, customer_id, status, amount, currency, created_at) VALUES ($1, $2, $3, $4, $5, now())',
  });
  const lines = dbQuery(o, { trace, parent: create }, 'shop', {
    operation: 'INSERT', table: 'order_lines', at: ins.endMs + 0.2,
    statement: 'INSERT INTO order_lines (order_id, sku, quantity, unit_price) SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::numeric[])',
  });
  create.endMs = lines.endMs + rng.between(0.2, 1);
  addLog(o, create, 'INFO', `order ${o.orderId} created`, { 'order.amount': o.amount, 'order.currency': CURRENCY });
  t = create.endMs + rng.between(0.5, 2);

  // payment
  const pay = httpCall(o, at, {
    from: 'shop', to: 'payment', method: 'POST', route: '/v1/payments', path: '/v1/payments', at: t,
    status: spec.payment === 'declined' ? 402 : 201,
    clientTimeoutMs: 10_000,
    serverAttrs: { 'payment.reference': o.paymentReference },
    work: (server, w) => paymentWork(o, trace, server, w),
  });
  t = pay.end + rng.between(0.3, 1.5);
  let paid = false;
  let locked = false;
  let wmsConsumer: PlannedSpan | null = null;

  if (spec.payment === 'declined') {
    const fail = internal(o, at, 'shop', 'mark payment failed', t, 0, milestone(o.orderId, 'payment.failed', 'shop', 'payment_failed', { 'payment.reference': o.paymentReference }));
    fail.endMs = dbQuery(o, { trace, parent: fail }, 'shop', { operation: 'UPDATE', table: 'orders', at: t + 0.3, statement: 'UPDATE orders SET status = $1, updated_at = now() WHERE id = $2' }).endMs + 0.4;
    addLog(o, fail, 'WARN', `payment declined for ${o.orderId}: card_declined (insufficient_funds)`, { 'payment.reference': o.paymentReference });
    root.attributes['http.response.status_code'] = 402;
    t = fail.endMs;
  } else if (pay.timedOut) {
    // The PSP was slow; the shop gave up at 10 s and never learnt the payment succeeded.
    addLog(o, root, 'WARN', `payment call timed out after 10000ms; order ${o.orderId} left pending_payment until the payment webhook arrives`, { 'payment.reference': o.paymentReference }, pay.end);
    root.attributes['http.response.status_code'] = 202;
    t = pay.end + rng.between(0.5, 2);
  } else {
    paid = true;
    const mark = internal(o, at, 'shop', 'mark order paid', t, 0, milestone(o.orderId, 'payment.succeeded', 'shop', 'paid', { 'payment.reference': o.paymentReference }));
    mark.endMs = dbQuery(o, { trace, parent: mark }, 'shop', { operation: 'UPDATE', table: 'orders', at: t + 0.3, statement: 'UPDATE orders SET status = $1, payment_reference = $2, updated_at = now() WHERE id = $3' }).endMs + 0.4;
    t = mark.endMs + rng.between(0.3, 1.2);

    // stock reservation (gRPC), retried once after an optimistic-lock failure
    const attempts: InventoryOutcome[] = spec.inventory === 'deduction_failed_then_locked' ? ['deduction_failed', 'locked'] : [spec.inventory];
    for (const [i, outcome] of attempts.entries()) {
      const res = grpcCall(o, at, {
        from: 'shop', to: 'inventory', service: 'inventory.v1.StockService', method: 'Reserve', at: t,
        code: outcome === 'deduction_failed' ? 10 : 0,
        work: (server, w) => {
          const r = reserveWork(o, trace, server, w, outcome);
          wmsConsumer = r.consumer ?? wmsConsumer;
          return r.end;
        },
      });
      res.client.attributes['rpc.attempt'] = i + 1;
      t = res.end + rng.between(0.3, 1);
      if (outcome === 'locked') locked = true;
      if (outcome === 'deduction_failed') {
        const retry = i + 1 < attempts.length;
        addLog(o, res.client, 'WARN', `stock reservation for ${o.orderId} failed: ABORTED (deduction failed: concurrent update on sku ${PROMO_SKU})${retry ? '; retrying' : ''}`,
          { 'rpc.grpc.status_code': 10 });
        if (retry) t += rng.between(250, 800);
        else addLog(o, root, 'ERROR', `order ${o.orderId} put on hold: stock could not be reserved`, { 'shop.order_state': 'on_hold' }, t);
      }
    }

    // tell the rest of the company (crm sends the confirmation e-mail) — unless the order is on hold
    if (!locked && spec.inventory !== 'silent') {
      root.endMs = t + rng.between(0.5, 3);
      return { root, wmsConsumer, paid, locked };
    }
    const ev = publish(o, at, 'shop', TOPICS.orderEvents, partitionFor(rng), t, { 'shop.event_type': 'OrderConfirmed' });
    t = ev.producer.endMs + rng.between(0.2, 1);
    consume(o, ev, 'crm', ev.producer.endMs + consumerLag(rng), (c, w) => mail(o, trace, c, w, 'order confirmation'));
  }

  root.endMs = t + rng.between(0.5, 3);
  return { root, wmsConsumer, paid, locked };
}

const USER_AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'AcmeShopApp/5.3.0 (Android 15; Pixel 8)',
];

/** Payment service handler: record the intent, authorise at the PSP, store the outcome. */
function paymentWork(o: Order, trace: number, server: PlannedSpan, t: number): number {
  const { rng, spec } = o;
  const here: Place = { trace, parent: server };
  t = dbQuery(o, here, 'payment', { operation: 'INSERT', table: 'payments', at: t, statement: 'INSERT INTO payments (reference, order_id, amount, currency, state) VALUES ($1, $2, $3, $4, $5)' }).endMs + 0.3;
  const ok = spec.payment !== 'declined';
  const auth = internal(o, here, 'payment', 'authorise payment', t, 0, milestone(o.orderId, ok ? 'payment.succeeded' : 'payment.failed', 'payment', ok ? 'paid' : 'failed', {
    'payment.reference': o.paymentReference, 'payment.amount': o.amount, 'payment.currency': CURRENCY, 'payment.method': rng.pick(['card', 'card', 'paypal', 'klarna']),
  }));
  // The response_lost story: 3-D Secure at the PSP takes ~11 s, beyond the shop's 10 s timeout.
  const pspMs = spec.payment === 'response_lost' ? rng.between(10_600, 12_500) : rng.latency(380);
  const psp = externalCall(o, { trace, parent: auth }, 'payment', {
    host: EXTERNAL.psp, method: 'POST', route: '/v1/charges', path: '/v1/charges', status: ok ? 200 : 402, at: t + 0.4, durationMs: pspMs,
  });
  auth.endMs = psp.endMs + rng.between(0.3, 1.5);
  if (ok) addLog(o, auth, 'INFO', 'payment authorised', { 'payment.reference': o.paymentReference, 'payment.amount': o.amount, 'payment.currency': CURRENCY });
  else addLog(o, auth, 'WARN', 'payment declined by issuer: insufficient_funds', { 'payment.reference': o.paymentReference, 'payment.decline_code': 'insufficient_funds' });
  if (spec.payment === 'response_lost') {
    addLog(o, auth, 'WARN', `PSP latency ${(pspMs / 1000).toFixed(1)}s above the 5s budget`, { 'payment.reference': o.paymentReference, 'psp.latency_ms': Math.round(pspMs) });
  }
  t = dbQuery(o, here, 'payment', { operation: 'UPDATE', table: 'payments', at: auth.endMs + 0.3, statement: 'UPDATE payments SET state = $1, authorised_at = now() WHERE reference = $2' }).endMs;
  if (spec.payment === 'response_lost') paymentWebhooks(o, trace, auth, t);
  return t;
}

/** After a lost response, payment notifies the shop by webhook — which keeps failing (shop-side lock timeout). */
function paymentWebhooks(o: Order, trace: number, auth: PlannedSpan, t: number): void {
  const { rng } = o;
  const delays = [rng.between(2_000, 4_000), 60_000, 300_000];
  let at = t;
  for (const [i, delay] of delays.entries()) {
    at += delay;
    const hook = httpCall(o, { trace, parent: auth }, {
      from: 'payment', to: 'shop', method: 'POST', route: '/webhooks/payment', path: '/webhooks/payment', status: 503, at,
      clientAttrs: { 'payment.reference': o.paymentReference, 'http.request.resend_count': i },
      work: (server, w) => {
        const upd = dbQuery(o, { trace, parent: server }, 'shop', {
          operation: 'UPDATE', table: 'orders', at: w, medianMs: 0, statement: 'UPDATE orders SET status = $1, updated_at = now() WHERE id = $2',
          attrs: { 'error.type': 'lock_timeout' },
        });
        upd.endMs = w + rng.between(4_900, 5_100); // lock_timeout = 5s
        upd.status = { code: 'error', message: 'canceling statement due to lock timeout' };
        addLog(o, server, 'ERROR', `could not update order ${o.orderId} to paid: canceling statement due to lock timeout`, {
          'exception.type': 'QueryFailedError', 'exception.message': 'canceling statement due to lock timeout', 'payment.reference': o.paymentReference,
        }, upd.endMs);
        return upd.endMs;
      },
    });
    const last = i === delays.length - 1;
    addLog(o, hook.client, last ? 'ERROR' : 'WARN', last
      ? `webhook delivery for ${o.paymentReference} failed ${delays.length} times (503); moved to dead-letter queue`
      : `webhook delivery for ${o.paymentReference} failed with 503; retry ${i + 1} scheduled`, { 'payment.reference': o.paymentReference });
  }
}

/** Inventory Reserve handler: optimistic stock deduction per line, then hand the order to the warehouse. */
function reserveWork(o: Order, trace: number, server: PlannedSpan, t: number, outcome: InventoryOutcome): { end: number; consumer: PlannedSpan | null } {
  const { rng, spec } = o;
  const here: Place = { trace, parent: server };
  const skus = o.lines.map((l) => l.sku);
  if (outcome === 'silent') {
    // The reservation is parked in an in-memory retry queue that is never drained: no milestone, no error.
    const q = internal(o, here, 'inventory', 'enqueue reservation', t, rng.between(0.2, 0.8), { 'inventory.reservation.state': 'queued', 'inventory.skus': skus });
    server.attributes['inventory.reservation.state'] = 'queued';
    addLog(o, q, 'INFO', `reservation for ${o.orderId} queued: stock row lock busy, will retry asynchronously`, { 'inventory.skus': skus });
    return { end: q.endMs, consumer: null };
  }
  const failed = outcome === 'deduction_failed';
  const reserve = internal(o, here, 'inventory', 'reserve stock', t, 0, milestone(o.orderId, failed ? 'inventory.lock_failed' : 'inventory.locked', 'inventory', failed ? 'lock_failed' : 'reserved', {
    'inventory.skus': skus, 'inventory.sku_count': skus.length,
  }));
  let w = t + 0.2;
  for (const line of o.lines) {
    const q = dbQuery(o, { trace, parent: reserve }, 'inventory', {
      operation: 'UPDATE', table: 'stock', at: w, medianMs: failed && line.sku === PROMO_SKU ? 9 : 2.2,
      statement: 'UPDATE stock SET available = available - $1, reserved = reserved + $1, version = version + 1 WHERE sku = $2 AND warehouse = $3 AND version = $4',
      attrs: { 'db.response.returned_rows': failed && line.sku === PROMO_SKU ? 0 : 1 },
    });
    w = q.endMs + 0.2;
    if (failed && line.sku === PROMO_SKU) break;
  }
  reserve.endMs = w + rng.between(0.2, 0.8);
  if (failed) {
    const message = `deduction failed: concurrent update on sku ${PROMO_SKU}`;
    const type = 'com.acme.inventory.OptimisticLockException';
    const stack = javaStack(type, message, [
      'com.acme.inventory.stock.StockRepository.deduct(StockRepository.java:214)',
      'com.acme.inventory.stock.ReservationService.reserve(ReservationService.java:88)',
      'com.acme.inventory.grpc.StockGrpcService.reserve(StockGrpcService.java:57)',
      'io.grpc.stub.ServerCalls$UnaryServerCallHandler$UnaryServerCallListener.onHalfClose(ServerCalls.java:182)',
    ]);
    o.b.fail(reserve, type, message, stack);
    addLog(o, reserve, 'ERROR', message, { 'exception.type': type, 'exception.message': message, 'exception.stacktrace': stack, 'inventory.sku': PROMO_SKU });
    return { end: reserve.endMs, consumer: null };
  }
  addLog(o, reserve, 'INFO', 'stock reserved', { 'inventory.skus': skus });

  // hand-off to the warehouse over Kafka
  const partition = spec.wmsHandoff === 'stalled' ? STALLED_PARTITION : partitionFor(rng);
  const pub = publish(o, here, 'inventory', TOPICS.fulfilmentRequests, partition, reserve.endMs + 0.3, { 'wms.warehouses': [...new Set(o.lines.map((l) => l.warehouse))] });
  if (spec.wmsHandoff === 'stalled') return { end: pub.producer.endMs, consumer: null };
  const consumer = consume(o, pub, 'wms', pub.producer.endMs + consumerLag(rng), (c, cw) => {
    const tasks = dbQuery(o, { trace, parent: c }, 'wms', { operation: 'INSERT', table: 'pick_tasks', at: cw, statement: 'INSERT INTO pick_tasks (order_id, warehouse, sku, quantity, state) VALUES (?, ?, ?, ?, ?)' });
    addLog(o, c, 'INFO', `fulfilment request accepted; ${o.lines.length} pick task(s) created`, { 'wms.warehouses': [...new Set(o.lines.map((l) => l.warehouse))] }, tasks.endMs);
    return tasks.endMs;
  });
  return { end: pub.producer.endMs, consumer };
}
