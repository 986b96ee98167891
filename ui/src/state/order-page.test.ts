import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER, PAYMENT_REF, TRACE_CHECKOUT, TRACE_RETURN, chargedLog, charge } from '../../../query-api/test-fixture.ts';
import { span } from '../lib/fixtures.ts';
import type { Route } from '../lib/route.ts';
import { OrderPage } from './order-page.svelte.ts';
import { startApi, type LiveApi } from './test-api.ts';

let live: LiveApi;
const ORPHAN_TRACE = 'c0ffee00c0ffee00c0ffee00c0ffee00';

beforeAll(async () => {
  live = await startApi();
  // A trace that belongs to no order (a health check, a batch job).
  await live.store.write({ spans: [span({ traceId: ORPHAN_TRACE, spanId: 'aaaaaaaaaaaaaaaa', start: 0, end: 5 })] });
});
afterAll(() => live.close());

function page() {
  const redirects: Route[] = [];
  return { page: new OrderPage(live.api, (r) => redirects.push(r)), redirects };
}

describe('OrderPage', () => {
  it('loads the journey and derives the Gantt, statuses and trace list', async () => {
    const { page: p } = page();
    const opening = p.open(ORDER);
    expect(p.order.loading).toBe(true);
    await opening;
    expect(p.order.loading).toBe(false);
    expect(p.order.data?.orderId).toBe(ORDER);
    expect(p.gantt?.rows.map((r) => r.stage.stageId)).toContain('stock_lock');
    expect(p.traces.map((t) => t.traceId).sort()).toEqual([TRACE_CHECKOUT, TRACE_RETURN].sort());
    expect(p.statuses?.rows.length).toBeGreaterThan(0);
    // Two traces: none is opened until the user picks one.
    expect(p.trace.traceId).toBeNull();
  });

  it('opens a trace and a span with its correlated logs', async () => {
    const { page: p } = page();
    await p.open(ORDER, TRACE_CHECKOUT, charge.spanId);
    expect(p.trace.remote.data?.traceId).toBe(TRACE_CHECKOUT);
    expect(p.trace.selectedRow?.span.name).toBe(charge.name);
    expect(p.trace.selectedLogs.map((l) => l.logId)).toEqual([chargedLog.logId]);
    expect(p.trace.layout?.path.spanIds.size).toBeGreaterThan(0);
    // Choosing another span of the same trace does not fetch it again.
    const data = p.trace.remote.data;
    await p.open(ORDER, TRACE_CHECKOUT, null);
    expect(p.trace.remote.data).toBe(data);
    expect(p.trace.selectedRow).toBeNull();
  });

  it('finds the order by a business key', async () => {
    const { page: p } = page();
    await p.open(PAYMENT_REF);
    expect(p.order.data?.orderId).toBe(ORDER);
    expect(p.order.data?.matchedBy).toBe('payment.reference');
  });

  it('reports an unknown key with the API error code', async () => {
    const { page: p, redirects } = page();
    await p.open('NO-SUCH-ORDER');
    expect(p.order.data).toBeNull();
    expect(p.order.error?.code).toBe('OT_ERR_ORDER_NOT_FOUND');
    expect(p.order.error?.message).toContain('NO-SUCH-ORDER');
    expect(redirects).toEqual([]);
  });

  it('sends a Trace ID that belongs to no order to the trace view', async () => {
    const { page: p, redirects } = page();
    await p.open(ORPHAN_TRACE.toUpperCase());
    expect(redirects).toEqual([{ name: 'trace', traceId: ORPHAN_TRACE, span: null }]);
    // A 32-hex key that is neither order nor trace stays "not found".
    const other = page();
    await other.page.open('ffffffffffffffffffffffffffffffff');
    expect(other.redirects).toEqual([]);
    expect(other.page.order.error?.code).toBe('OT_ERR_ORDER_NOT_FOUND');
  });

  it('shows the server being down as a network error', async () => {
    const { Api } = await import('../lib/api.ts');
    const p = new OrderPage(new Api('http://127.0.0.1:9'), () => {});
    await p.open(ORDER);
    expect(p.order.error?.code).toBe('NETWORK');
  });
});
