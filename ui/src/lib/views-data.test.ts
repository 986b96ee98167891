// Pure helpers behind the views: waterfall rows, status comparison, trace summaries, histogram,
// search parameters, severity names.
import { describe, expect, it } from 'vitest';
import { SEVERITY_NAMES as API_SEVERITY_NAMES } from '../../../query-api/schemas.ts';
import { ns, order, span, stage, T0_MS } from './fixtures.ts';
import type { Order } from './api-types.ts';
import { durationHistogram } from './histogram.ts';
import { apiParams, emptyForm, formFromParams, isoToLocalInput, localInputToIso, paramsFromForm } from './search-params.ts';
import { SEVERITY_NAMES, severityName } from './severity.ts';
import { compareStatuses } from './status-rows.ts';
import { traceSummaries } from './trace-summary.ts';
import { waterfall } from './waterfall.ts';

describe('waterfall', () => {
  it('lists parents before children, siblings by start, with depth and axis positions', () => {
    const w = waterfall([
      span({ spanId: 'c2', parentSpanId: 'root', start: 50, end: 100 }),
      span({ spanId: 'root', start: 0, end: 100 }),
      span({ spanId: 'c1', parentSpanId: 'root', start: 10, end: 40 }),
      span({ spanId: 'g1', parentSpanId: 'c1', start: 20, end: 30 }),
      span({ spanId: 'lost', parentSpanId: 'never-recorded', start: 60, end: 70, service: 'crm' }),
    ]);
    expect(w.rows.map((r) => [r.span.spanId, r.depth])).toEqual([['root', 0], ['c1', 1], ['g1', 2], ['c2', 1], ['lost', 0]]);
    expect(w.rows[1]).toMatchObject({ left: 0.1, width: 0.3, durationMs: 30, orphan: false });
    expect(w.rows.find((r) => r.span.spanId === 'lost')!.orphan).toBe(true);
    expect(w.durationMs).toBe(100);
    expect(w.services).toEqual(['crm', 'shop']);
    expect(w.rows.filter((r) => r.onCriticalPath).map((r) => r.span.spanId)).toEqual(['root', 'c1', 'g1', 'c2']);
  });

  it('handles an empty trace and a trace of 5000 spans in one deep chain', () => {
    expect(waterfall([]).rows).toEqual([]);
    const chain = Array.from({ length: 5000 }, (_, i) => span({ spanId: `s${i}`, parentSpanId: i === 0 ? '' : `s${i - 1}`, start: i, end: 10_000 - i }));
    const w = waterfall(chain);
    expect(w.rows).toHaveLength(5000);
    expect(w.rows.at(-1)!.depth).toBe(4999);
  });
});

describe('compareStatuses', () => {
  const events = [
    { eventId: 'e1', type: 'order.created', system: 'shop', timeUnixNano: ns(0) },
    { eventId: 'e2', type: 'payment.succeeded', system: 'payment', timeUnixNano: ns(10) },
  ].map((e) => ({ ...e, orderId: 'A-1', status: '', traceId: '', spanId: '', source: 'span' as const, attributes: {} }));
  const stages = [
    stage({ stageId: 'payment', title: 'Payment', system: 'payment', state: 'done', startNs: ns(0), endNs: ns(10), startEventId: 'e1', endEventId: 'e2' }),
    stage({ stageId: 'stock_lock', title: 'Stock lock', system: 'inventory', state: 'in_progress', startNs: ns(10), startEventId: 'e2' }),
  ];

  const paidButShopPending = [
    { system: 'payment', status: 'paid', timeNs: ns(10), eventType: 'payment.succeeded' },
    { system: 'shop', status: 'pending_payment', timeNs: ns(0), eventType: 'order.created' },
  ];
  const compare = (statuses: Order['statuses'], extra: Partial<Order> = {}) => compareStatuses(order({ events, stages, furthestStageId: 'stock_lock', statuses, ...extra }));

  it('flags a system still reporting an earlier stage than the order reached', () => {
    const c = compare(paidButShopPending);
    expect(c.canonicalStage?.stageId).toBe('stock_lock');
    expect(c.rows.map((r) => [r.system, r.stage?.stageId, r.verdict])).toEqual([
      ['payment', 'stock_lock', 'agrees'],
      ['shop', 'payment', 'behind'],
    ]);
  });

  it('does not flag a system whose own stage is finished, nor events outside the stages', () => {
    const c = compare([
      { system: 'payment', status: 'captured', timeNs: ns(0), eventType: 'order.created' },
      { system: 'crm', status: 'vip', timeNs: ns(5), eventType: 'customer.tagged' },
    ]);
    expect(c.rows.map((r) => r.verdict)).toEqual(['agrees', 'unknown']);
  });

  it('uses the server’s status projection when there is one', () => {
    const c = compare(paidButShopPending, {
      statusProjection: { canonical: 'paid', systems: [{ system: 'payment', status: 'paid', mapped: 'paid', sinceMs: 0 }, { system: 'shop', status: 'pending_payment', mapped: 'created', sinceMs: 0 }] },
    });
    expect(c.canonicalStatus).toBe('paid');
    expect(c.rows.map((r) => [r.mapped, r.verdict])).toEqual([['paid', 'agrees'], ['created', 'mismatch']]);
  });
});

describe('traceSummaries', () => {
  it('summarises each trace, oldest first, including traces without spans', () => {
    const t1 = 'a'.repeat(32);
    const t2 = 'b'.repeat(32);
    const s = traceSummaries(
      [t2, t1, 'c'.repeat(32)],
      [
        span({ traceId: t2, spanId: 'x1', start: 1000, end: 3000, name: 'POST /returns', service: 'returns' }),
        span({ traceId: t1, spanId: 'y2', parentSpanId: 'y1', start: 5, end: 20, status: { code: 2, message: 'x' }, service: 'payment' }),
        span({ traceId: t1, spanId: 'y1', start: 0, end: 50, name: 'POST /api/orders' }),
      ],
    );
    expect(s.map((x) => [x.traceId[0], x.name, x.spanCount, x.errorCount, x.durationMs])).toEqual([
      ['a', 'POST /api/orders', 2, 1, 50],
      ['b', 'POST /returns', 1, 0, 2000],
      ['c', '', 0, 0, null],
    ]);
    expect(s[0]!.services).toEqual(['payment', 'shop']);
    expect(s[0]!.startMs).toBe(T0_MS);
  });
});

describe('durationHistogram', () => {
  it('puts durations in log-spaced buckets that count every span once', () => {
    const buckets = durationHistogram([1, 10, 100, 1000, 1000, 5], 3);
    expect(buckets.map((b) => b.count)).toEqual([2, 1, 3]);
    expect(buckets[0]!.fromMs).toBe(1);
    expect(buckets[2]!.toMs).toBe(1000);
    expect(buckets[1]!.fromMs).toBeCloseTo(10, 6);
  });

  it('copes with nothing, one value and zero durations', () => {
    expect(durationHistogram([])).toEqual([]);
    expect(durationHistogram([7, 7])).toEqual([{ fromMs: 7, toMs: 7, count: 2 }]);
    expect(durationHistogram([0, 0.5]).reduce((n, b) => n + b.count, 0)).toBe(2);
  });
});

describe('search parameters', () => {
  it('round-trips a span search through the URL', () => {
    const form = { ...emptyForm('spans'), service: 'inventory', status: 'error', minDurationMs: ' 10 ', since: '1h', attrs: [{ key: 'order.id', value: 'A 1' }, { key: '', value: 'ignored' }], q: 'not a span field' };
    const params = paramsFromForm(form);
    expect(params).toEqual({ kind: 'spans', service: 'inventory', status: 'error', minDurationMs: '10', since: '1h', 'attr.order.id': 'A 1' });
    expect(formFromParams(params)).toMatchObject({ kind: 'spans', service: 'inventory', status: 'error', minDurationMs: '10', since: '1h', attrs: [{ key: 'order.id', value: 'A 1' }] });
  });

  it('turns a relative range into `from` at search time and drops UI-only parameters', () => {
    expect(apiParams({ kind: 'logs', q: 'x', since: '15m' }, Date.UTC(2026, 2, 1, 10, 0, 0))).toEqual({ q: 'x', from: '2026-03-01T09:45:00.000Z' });
    expect(apiParams({ kind: 'spans', from: '2026-03-01T00:00:00Z', cursor: 'c' }, 0)).toEqual({ from: '2026-03-01T00:00:00Z', cursor: 'c' });
  });

  it('keeps a custom time range', () => {
    const params = paramsFromForm({ ...emptyForm('logs'), since: 'custom', from: '2026-03-01T00:00:00.000Z', to: '' });
    expect(params).toEqual({ kind: 'logs', from: '2026-03-01T00:00:00.000Z' });
    expect(formFromParams(params).since).toBe('custom');
    expect(localInputToIso(isoToLocalInput('2026-03-01T10:20:30.000Z'))).toBe('2026-03-01T10:20:30.000Z');
  });
});

describe('severity', () => {
  it('matches the API’s severity table', () => {
    expect(SEVERITY_NAMES).toEqual(API_SEVERITY_NAMES);
    expect([1, 9, 12, 17, 24, 0].map(severityName)).toEqual(['TRACE', 'INFO', 'INFO', 'ERROR', 'FATAL', '']);
  });
});


describe('visibleRange', () => {
  it('renders the rows in view plus a margin, within bounds', async () => {
    const { visibleRange, OVERSCAN } = await import('./virtual-rows.ts');
    expect(visibleRange(1000, 0, 220)).toEqual({ first: 0, last: 10 + OVERSCAN });
    expect(visibleRange(1000, 2200, 220)).toEqual({ first: 100 - OVERSCAN, last: 110 + OVERSCAN });
    expect(visibleRange(5, 0, 220)).toEqual({ first: 0, last: 5 });
    expect(visibleRange(1000, 0, 0).last).toBe(40 + OVERSCAN);
    expect(visibleRange(0, 500, 220)).toEqual({ first: 0, last: 0 });
  });
});
