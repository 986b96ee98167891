// The reverse flow, always in new traces (weeks after the order): request via the shop, an agent's
// decision in the CRM, receipt at the warehouse dock, quality check, refund through payment.
import type { PlannedSpan } from './plan.ts';
import { addLog, consume, consumerLag, dbQuery, externalCall, httpCall, inbound, internal, publish, type Place } from './calls.ts';
import { milestone } from './semconv.ts';
import * as ids from './ids.ts';
import { CURRENCY, EXTERNAL, PUBLIC_HOSTS, SERVICE_INFO, TOPICS, WAREHOUSES } from './world.ts';
import { partitionFor, refund, round2, type Order, type ReturnSpec } from './order.ts';


export function returnFlow(o: Order, r: ReturnSpec, linkTo: PlannedSpan | null): void {
  const { rng } = o;
  const rid = ids.returnId(r.requestedMs, r.seq);
  o.returnIds.push(rid);
  const lines = o.lines.slice(0, Math.max(1, Math.ceil(o.lines.length / 2)));
  const amount = round2(lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0));
  const ret = { 'return.id': rid, 'return.type': r.type, 'return.amount': amount, 'return.currency': CURRENCY };
  // Returns always arrive as new traces (weeks later, from a new customer session).
  const newTrace = (label: string, link: PlannedSpan | null): Place => ({ trace: o.b.trace(`${label} ${rid}`), parent: null, links: link ? [link] : [] });
  const needsTier2 = amount >= 250;

  // 1. request (customer, via the shop)
  let place = newTrace('return requested', linkTo);
  let trace = place.trace;
  const reqRoute = '/api/orders/:orderId/returns';
  const reqRoot = inbound(o, place, 'shop', {
    method: 'POST', route: reqRoute, path: `/api/orders/${o.orderId}/returns`, status: 201, host: PUBLIC_HOSTS.shop, at: r.requestedMs - rng.between(20, 60),
    attrs: { 'enduser.id': o.customerId, ...ret },
  });
  let requested: PlannedSpan | null = null;
  const reqCall = httpCall(o, { trace, parent: reqRoot }, {
    from: 'shop', to: 'returns', method: 'POST', route: '/v1/returns', path: '/v1/returns', status: 201, at: reqRoot.startMs + 1, serverAttrs: ret,
    work: (server, w) => {
      const ins = dbQuery(o, { trace, parent: server }, 'returns', { operation: 'INSERT', table: 'returns', at: w, statement: 'INSERT INTO returns (id, order_id, type, amount, currency, state) VALUES ($1, $2, $3, $4, $5, $6)' });
      requested = internal(o, { trace, parent: server }, 'returns', 'create return', Math.max(ins.endMs + 0.2, r.requestedMs - 2), rng.between(0.5, 2),
        milestone(o.orderId, 'return.requested', 'returns', 'requested', { ...ret, 'return.reason': r.type === 'quality' ? 'defective' : 'changed_mind' }));
      addLog(o, requested, 'INFO', `return ${rid} requested (${r.type}, ${amount.toFixed(2)} ${CURRENCY})`, ret);
      const pub = publish(o, { trace, parent: server }, 'returns', TOPICS.returnApprovals, partitionFor(rng), requested.endMs + 0.3, ret);
      consume(o, pub, 'crm', pub.producer.endMs + consumerLag(rng), (c, cw) => {
        const queue = needsTier2 ? 'returns-tier-2' : 'returns-tier-1';
        addLog(o, c, 'INFO', `return ${rid} queued for approval in ${queue}`, { ...ret, 'crm.queue': queue }, cw + 1);
        return cw + rng.latency(4);
      });
      return pub.producer.endMs;
    },
  });
  reqRoot.endMs = reqCall.end + rng.between(0.5, 2);
  let prev: PlannedSpan = requested ?? reqRoot;
  if (r.outcome === 'awaiting_approval' || r.approvedMs === undefined) return;

  // 2. decision by a support agent in the CRM
  const approve = r.outcome !== 'rejected';
  place = newTrace(approve ? 'return approved' : 'return rejected', prev);
  trace = place.trace;
  const approvedMs = r.approvedMs;
  const decRoot = inbound(o, place, 'crm', {
    method: 'POST', route: '/crm/api/returns/:returnId/decision', path: `/crm/api/returns/${rid}/decision`, status: 200, host: PUBLIC_HOSTS.crm,
    at: approvedMs - rng.between(30, 120), attrs: { 'crm.agent_id': `AGT-${rng.int(100, 999)}`, ...ret },
  });
  let decided: PlannedSpan | null = null;
  const decision = approve ? 'approve' : 'reject';
  const dec = httpCall(o, { trace, parent: decRoot }, {
    from: 'crm', to: 'returns', method: 'POST', route: `/v1/returns/:returnId/${decision}`, path: `/v1/returns/${rid}/${decision}`, status: 200, at: decRoot.startMs + 1, serverAttrs: ret,
    work: (server, w) => {
      const upd = dbQuery(o, { trace, parent: server }, 'returns', { operation: 'UPDATE', table: 'returns', at: w, statement: 'UPDATE returns SET state = $1, decided_by = $2, decided_at = now() WHERE id = $3' });
      decided = internal(o, { trace, parent: server }, 'returns', `${decision} return`, Math.max(upd.endMs + 0.2, approvedMs - 2), rng.between(0.5, 2),
        milestone(o.orderId, approve ? 'return.approved' : 'return.rejected', 'returns', approve ? 'approved' : 'rejected', ret));
      addLog(o, decided, 'INFO', approve ? `return ${rid} approved; return label issued` : `return ${rid} rejected: outside the 7-day window`, ret);
      let end = decided.endMs;
      if (approve) {
        end = externalCall(o, { trace, parent: server }, 'returns', { host: EXTERNAL.ups, method: 'POST', route: '/api/shipments/v2409/ship', path: '/api/shipments/v2409/ship', status: 200, at: end + 0.3, durationMs: rng.latency(480), attrs: { 'return.id': rid } }).endMs;
      }
      return end;
    },
  });
  decRoot.endMs = dec.end + rng.between(0.5, 2);
  prev = decided ?? decRoot;
  if (!approve || r.receivedMs === undefined) return;

  // 3. parcel received at the warehouse dock, 4. quality check (+ refund)
  const dock = (label: string, atMs: number, route: string, link: PlannedSpan, event: string, status: string, after?: (server: PlannedSpan, w: number, trace: number) => number): PlannedSpan => {
    const pl = newTrace(label, link);
    const root = inbound(o, pl, 'wms', {
      method: 'POST', route: `/wms/v1/returns/:returnId/${route}`, path: `/wms/v1/returns/${rid}/${route}`, status: 200,
      host: SERVICE_INFO.wms.host, port: SERVICE_INFO.wms.port, scheme: 'http', at: atMs - rng.between(200, 600),
      attrs: { 'wms.warehouse': WAREHOUSES[0], ...ret },
    });
    let ms: PlannedSpan | null = null;
    const call = httpCall(o, { trace: pl.trace, parent: root }, {
      from: 'wms', to: 'returns', method: 'POST', route: `/v1/returns/:returnId/${route}`, path: `/v1/returns/${rid}/${route}`, status: 200, at: root.startMs + 1, serverAttrs: ret,
      work: (server, w) => {
        const upd = dbQuery(o, { trace: pl.trace, parent: server }, 'returns', { operation: 'UPDATE', table: 'returns', at: w, statement: 'UPDATE returns SET state = $1, updated_at = now() WHERE id = $2' });
        ms = internal(o, { trace: pl.trace, parent: server }, 'returns', `${route} return`, Math.max(upd.endMs + 0.2, atMs - 2), rng.between(0.5, 2), milestone(o.orderId, event, 'returns', status, ret));
        return after ? after(server, ms.endMs + 0.3, pl.trace) : ms.endMs;
      },
    });
    root.endMs = call.end + rng.between(0.5, 2);
    return ms ?? root;
  };
  const received = dock('return received', r.receivedMs, 'receipt', prev, 'return.received', 'received');
  addLog(o, received, 'INFO', `return parcel for ${rid} received at ${WAREHOUSES[0]}`, ret);
  if (r.inspectedMs === undefined) return;
  const passed = r.outcome === 'refunded';
  const inspected = dock('return inspected', r.inspectedMs, 'inspection', received, passed ? 'return.qc_passed' : 'return.qc_failed', passed ? 'qc_passed' : 'qc_failed',
    passed ? (server, w, tr) => refund(o, tr, { trace: tr, parent: server }, 'returns', w, amount, { id: rid, attrs: ret }) : undefined);
  if (passed) addLog(o, inspected, 'INFO', `quality check passed for ${rid}; refund requested`, ret);
  else addLog(o, inspected, 'WARN', `quality check failed for ${rid}: item damaged after delivery; no refund`, { ...ret, 'return.qc_reason': 'customer_damage' });
}
