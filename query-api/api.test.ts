// The query API over a real SQLite store holding a realistic order, driven with inject().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord, Span } from '../core/model.ts';
import {
  ALL_LOGS, ALL_SPANS, ORDER, ORDER_EVENTS, ORDER_LOGS, ORDER_SPANS, OTHER_ORDER, PAYMENT_REF, RETURN_ID, SHIPMENT, T0, TRACE_CHECKOUT,
  TRACE_OTHER, TRACE_RETURN, TRACKING, at, byStart, charge, chargedLog, checkout, deductFailed, deductionLog, heartbeatLog, lockedLog,
  newestLogFirst, newestSpanFirst, otherCharge, otherCheckout, otherLog, packed, pickedUp, returnLog,
} from './test-fixture.ts';
import { openTestApi, type TestApi } from './test-store.ts';

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
});
afterAll(async () => {
  await api?.close();
});

async function get(url: string) {
  const response = await api.app.inject({ method: 'GET', url });
  return { status: response.statusCode, headers: response.headers, body: response.json() as Record<string, unknown> & { items: unknown[]; nextCursor: string | null } };
}

async function expectError(url: string, status: number, code: string, message?: string | RegExp) {
  const { status: got, headers, body } = await get(url);
  expect({ url, status: got, code: body.code }).toEqual({ url, status, code });
  expect(headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(body).sort()).toEqual(['code', 'message']);
  if (message !== undefined) expect(body.message).toMatch(message);
  return body.message as string;
}

const spanIds = (items: unknown[]) => (items as Span[]).map((s) => s.spanId);
const logIds = (items: unknown[]) => (items as LogRecord[]).map((l) => l.logId);
const ids = (spans: Span[]) => spans.map((s) => s.spanId);

describe('GET /api/v1/traces/{traceId}', () => {
  it('returns the exact spans (start order) and logs (time order) of the trace', async () => {
    const { status, body } = await get(`/api/v1/traces/${TRACE_CHECKOUT}`);
    expect(status).toBe(200);
    const spans = ALL_SPANS.filter((s) => s.traceId === TRACE_CHECKOUT).sort(byStart);
    expect(body).toEqual({ traceId: TRACE_CHECKOUT, spans, logs: [chargedLog, deductionLog, lockedLog] });
    // Nanosecond timestamps stay exact strings; typed attribute values survive serialization.
    const first = (body.spans as Span[])[0]!;
    expect(first.startTimeUnixNano).toBe('1772359200123456789');
    expect(first.attributes['http.response.status_code']).toEqual({ int: '201' });
    expect(first.attributes['order.total']).toBe(149.95);
    expect((body.spans as Span[]).find((s) => s.spanId === deductFailed.spanId)!.links[0]!.traceState).toBe('k=v');
  });

  it('accepts an uppercase Trace ID', async () => {
    const { status, body } = await get(`/api/v1/traces/${TRACE_RETURN.toUpperCase()}`);
    expect(status).toBe(200);
    expect(body.traceId).toBe(TRACE_RETURN);
    expect(spanIds(body.spans as Span[])).toEqual(['8888888888888888']);
    expect(body.logs).toEqual([returnLog]);
  });

  it('rejects what is not a Trace ID and reports unknown ones', async () => {
    await expectError('/api/v1/traces/xyz', 400, 'OT_ERR_BAD_PARAMETER', 'traceId must be 32 hexadecimal characters, got "xyz"');
    await expectError(`/api/v1/traces/${TRACE_CHECKOUT}0`, 400, 'OT_ERR_BAD_PARAMETER', /^traceId must be 32 hexadecimal characters/);
    await expectError('/api/v1/traces/ffffffffffffffffffffffffffffffff', 404, 'OT_ERR_TRACE_NOT_FOUND', /ffffffffffffffffffffffffffffffff/);
  });
});

describe('GET /api/v1/orders/{key}', () => {
  it('returns the journey: events, stages, statuses, spans and logs', async () => {
    const { status, body } = await get(`/api/v1/orders/${ORDER}`);
    expect(status).toBe(200);
    expect(body.orderId).toBe(ORDER);
    expect(body.key).toBe(ORDER);
    expect(body.matchedBy).toBe('order.id');
    expect([...(body.traceIds as string[])].sort()).toEqual([TRACE_RETURN, TRACE_CHECKOUT].sort());
    expect(body.events).toEqual(ORDER_EVENTS);
    expect(body.cancelled).toBe(false);
    expect(body.furthestStageId).toBe('return_approval');
    const stages = body.stages as Array<Record<string, unknown>>;
    expect(stages.map((s) => [s.stageId, s.shipmentId, s.state])).toEqual([
      ['payment', null, 'done'],
      ['stock_lock', null, 'done'],
      ['packing', SHIPMENT, 'done'],
      ['pickup', SHIPMENT, 'done'],
      ['delivery', SHIPMENT, 'done'],
      ['return_approval', null, 'in_progress'],
      ['return_transit', null, 'pending'],
      ['return_qc', null, 'pending'],
      ['refund', null, 'pending'],
    ]);
    expect(stages[1]).toEqual({
      stageId: 'stock_lock', title: 'Stock lock', system: 'inventory', shipmentId: null, state: 'done',
      startNs: charge.endTimeUnixNano, endNs: at(40n * 60_000_000_000n), dueNs: (BigInt(charge.endTimeUnixNano) + 7_200_000_000_000n).toString(),
      expectedMs: 7_200_000, durationMs: 2_369_999, startEventId: ORDER_EVENTS[1]!.eventId, endEventId: ORDER_EVENTS[2]!.eventId,
    });
    expect(stages[6]).toMatchObject({ startNs: null, endNs: null, dueNs: null, durationMs: null, startEventId: null });
    expect(body.statuses).toEqual([
      { system: 'carrier', status: 'delivered', timeNs: ORDER_EVENTS[5]!.timeUnixNano, eventType: 'delivery.signed' },
      { system: 'inventory', status: 'locked', timeNs: ORDER_EVENTS[2]!.timeUnixNano, eventType: 'inventory.locked' },
      { system: 'payment', status: 'paid', timeNs: ORDER_EVENTS[1]!.timeUnixNano, eventType: 'payment.succeeded' },
      { system: 'returns', status: 'return_requested', timeNs: ORDER_EVENTS[6]!.timeUnixNano, eventType: 'return.requested' },
      { system: 'shop', status: 'created', timeNs: ORDER_EVENTS[0]!.timeUnixNano, eventType: 'order.created' },
      { system: 'wms', status: 'packed', timeNs: ORDER_EVENTS[3]!.timeUnixNano, eventType: 'package.packed' },
    ]);
    // Complete spans (attributes, links, resource) and logs, in time order.
    expect(body.spans).toEqual([...ORDER_SPANS].sort(byStart));
    expect(body.logs).toEqual(ORDER_LOGS);
  });

  it.each([
    ['return ID', RETURN_ID, 'return.id'],
    ['tracking number', TRACKING, 'shipment.tracking_number'],
    ['payment reference', PAYMENT_REF, 'payment.reference'],
    ['checkout Trace ID', TRACE_CHECKOUT, 'trace.id'],
    ['return Trace ID', TRACE_RETURN, 'trace.id'],
    ['uppercase Trace ID', TRACE_RETURN.toUpperCase(), 'trace.id'],
  ])('resolves a %s to the order', async (_what, key, how) => {
    const { status, body } = await get(`/api/v1/orders/${encodeURIComponent(key)}`);
    expect(status).toBe(200);
    expect({ orderId: body.orderId, key: body.key, matchedBy: body.matchedBy }).toEqual({ orderId: ORDER, key, matchedBy: how });
    expect((body.stages as unknown[]).length).toBe(9);
  });

  it('shows where a stuck order waits', async () => {
    const { body } = await get(`/api/v1/orders/${OTHER_ORDER}`);
    const stages = body.stages as Array<{ stageId: string; state: string; system: string }>;
    expect(stages.map((s) => [s.stageId, s.state])).toEqual([
      ['payment', 'done'], ['stock_lock', 'overdue'], ['packing', 'pending'], ['pickup', 'pending'], ['delivery', 'pending'],
    ]);
    expect(body.furthestStageId).toBe('stock_lock');
    expect(body.traceIds).toEqual([TRACE_OTHER]);
  });

  it('reports keys that match nothing', async () => {
    await expectError('/api/v1/orders/NO-SUCH-ORDER', 404, 'OT_ERR_ORDER_NOT_FOUND', /"NO-SUCH-ORDER"/);
    await expectError('/api/v1/orders/ffffffffffffffffffffffffffffffff', 404, 'OT_ERR_ORDER_NOT_FOUND');
    await expectError('/api/v1/orders/', 400, 'OT_ERR_BAD_PARAMETER', 'key must not be empty, got ""');
    await expectError(`/api/v1/orders/${'x'.repeat(600)}`, 400, 'OT_ERR_BAD_PARAMETER', /^key must be at most 512 characters/);
  });
});

describe('GET /api/v1/spans', () => {
  it('searches without any filter, newest first, with complete spans', async () => {
    const { status, body } = await get('/api/v1/spans?limit=1000');
    expect(status).toBe(200);
    expect(body).toEqual({ items: [...ALL_SPANS].sort(newestSpanFirst), nextCursor: null });
  });

  it.each<[string, Span[]]>([
    ['service=payment', [otherCharge, charge]],
    ['name=charge%20card', [otherCharge, charge]],
    ['status=error', [deductFailed]],
    ['status=OK&service=shop', [otherCheckout, checkout]],
    ['status=unset', ALL_SPANS.filter((s) => s.status.code === 0)],
    ['minDurationMs=1500&maxDurationMs=50000', [otherCharge, pickedUp, charge, checkout]],
    ['minDurationMs=2.499999&maxDurationMs=2.500001', [deductFailed]],
    ['minDurationMs=3000000', [packed]],
    [`attr.order.id=${OTHER_ORDER}`, [otherCharge, otherCheckout]],
    [`attr.payment.reference=${PAYMENT_REF}`, [charge]],
    ['attr.http.response.status_code=201', [checkout]],
    ['attr.deployment.environment=prod&service=wms', [packed]],
    // from is inclusive, to exclusive (pickedUp starts exactly at T0+6h); both formats.
    [`from=2026-03-01T11:00:00Z&to=${Number((T0 + 6n * 3_600_000_000_000n) / 1_000_000n)}`, [packed, otherCharge, otherCheckout]],
    ['from=2026-03-01T12:00:00%2B02:00&to=2026-03-01T10:00:31Z', [charge, checkout]],
    ['service=inventory&name=deduct%20stock&status=error', [deductFailed]],
    ['service=nobody', []],
  ])('filters by %s', async (query, expected) => {
    const { status, body } = await get(`/api/v1/spans?${query}`);
    expect(status).toBe(200);
    expect(spanIds(body.items)).toEqual(ids([...expected].sort(newestSpanFirst)));
    expect(body.nextCursor).toBeNull();
  });

  it('paginates with an opaque cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let url = '/api/v1/spans?limit=3';
    for (let page = 0; page < 10; page++) {
      const { status, body } = await get(url);
      expect(status).toBe(200);
      sizes.push(body.items.length);
      seen.push(...spanIds(body.items));
      if (body.nextCursor === null) break;
      expect(typeof body.nextCursor).toBe('string');
      url = `/api/v1/spans?limit=3&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(seen).toEqual(ids([...ALL_SPANS].sort(newestSpanFirst)));
    expect(sizes.slice(0, 3)).toEqual([3, 3, 3]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ALL_SPANS.length);
  });

  it('paginates a filtered search', async () => {
    const first = await get(`/api/v1/spans?service=inventory&limit=1`);
    expect(spanIds(first.body.items)).toEqual(['3333333333333333']);
    expect(first.body.nextCursor).not.toBeNull();
    const second = await get(`/api/v1/spans?service=inventory&limit=1&cursor=${encodeURIComponent(first.body.nextCursor!)}`);
    expect(spanIds(second.body.items)).toEqual([deductFailed.spanId]);
    if (second.body.nextCursor !== null) {
      const third = await get(`/api/v1/spans?service=inventory&limit=1&cursor=${encodeURIComponent(second.body.nextCursor)}`);
      expect(third.body).toEqual({ items: [], nextCursor: null });
    }
  });

  it.each([
    ['minDurationMs=abc', 'minDurationMs must be a non-negative number, got "abc"'],
    ['maxDurationMs=-5', 'maxDurationMs must be a non-negative number, got "-5"'],
    ['minDurationMs=10&maxDurationMs=1', /^maxDurationMs must not be less than minDurationMs/],
    ['status=failed', 'status must be one of unset, ok, error, got "failed"'],
    ['limit=0', 'limit must be an integer from 1 to 1000, got "0"'],
    ['limit=1001', 'limit must be an integer from 1 to 1000, got "1001"'],
    ['limit=ten', 'limit must be an integer from 1 to 1000, got "ten"'],
    ['from=yesterday', /^from must be an RFC 3339 timestamp .* or milliseconds since the epoch, got "yesterday"$/],
    ['to=2026-02-30T00:00:00Z', 'to must be a real calendar date and time, got "2026-02-30T00:00:00Z"'],
    ['from=1772359200000000000', /^from is too large for milliseconds since the epoch/],
    ['from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', /^from must be earlier than to/],
    ['service=a&service=b', 'service must be given at most once, got 2 values ["a","b"]'],
    ['serivce=payment', /^unknown query parameter "serivce" \(did you mean "service"\?\)/],
    ['q=failed', /^unknown query parameter "q"/],
    ['attr.=x', /^attr\. needs an attribute name/],
  ])('rejects %s with OT_ERR_BAD_PARAMETER', async (query, message) => {
    await expectError(`/api/v1/spans?${query}`, 400, 'OT_ERR_BAD_PARAMETER', message);
  });
});

describe('GET /api/v1/logs', () => {
  it('searches without any filter, newest first, with complete records', async () => {
    const { status, body } = await get('/api/v1/logs');
    expect(status).toBe(200);
    expect(body).toEqual({ items: [...ALL_LOGS].sort(newestLogFirst), nextCursor: null });
  });

  it.each<[string, LogRecord[]]>([
    ['q=deduction%20failed', [deductionLog]],
    ['q=CARD%20CHARGED', [otherLog, chargedLog]],
    ['q=card%20charged&service=payment&attr.order.id=A-1001', [chargedLog]],
    [`traceId=${TRACE_RETURN.toUpperCase()}`, [returnLog]],
    [`traceId=${TRACE_CHECKOUT}&spanId=${deductFailed.spanId}`, [deductionLog]],
    ['minSeverity=warn', [returnLog, deductionLog]],
    ['minSeverity=17', [deductionLog]],
    ['service=inventory', [heartbeatLog, lockedLog, deductionLog]],
    [`attr.order.id=${ORDER}`, ORDER_LOGS],
    ['attr.return.id=R-555', [returnLog]],
    ['from=2026-03-01T10:00:30Z&to=2026-03-01T11:00:00Z', [lockedLog, deductionLog]],
    ['q=no%20such%20text', []],
  ])('filters by %s', async (query, expected) => {
    const { status, body } = await get(`/api/v1/logs?${query}`);
    expect(status).toBe(200);
    expect(logIds(body.items)).toEqual([...expected].sort(newestLogFirst).map((l) => l.logId));
  });

  it('paginates', async () => {
    const seen: string[] = [];
    let url = '/api/v1/logs?limit=2';
    for (let page = 0; page < 10; page++) {
      const { body } = await get(url);
      seen.push(...logIds(body.items));
      if (body.nextCursor === null) break;
      url = `/api/v1/logs?limit=2&cursor=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(seen).toEqual([...ALL_LOGS].sort(newestLogFirst).map((l) => l.logId));
  });

  it.each([
    ['traceId=abc', 'traceId must be 32 hexadecimal characters, got "abc"'],
    ['spanId=xyz', 'spanId must be 16 hexadecimal characters, got "xyz"'],
    ['minSeverity=loud', /^minSeverity must be an integer from 1 to 24 or one of trace, debug, info, warn, error, fatal, got "loud"$/],
    ['minSeverity=0', /^minSeverity must be/],
    ['status=error', /^unknown query parameter "status"/],
    ['limit=5000', 'limit must be an integer from 1 to 1000, got "5000"'],
    ['to=soon', /^to must be an RFC 3339 timestamp/],
  ])('rejects %s with OT_ERR_BAD_PARAMETER', async (query, message) => {
    await expectError(`/api/v1/logs?${query}`, 400, 'OT_ERR_BAD_PARAMETER', message);
  });
});

describe('GET /api/v1/services', () => {
  it('lists every service with its operations', async () => {
    const { status, body } = await get('/api/v1/services');
    expect(status).toBe(200);
    const services = (body.services as Array<{ service: string; operations: string[] }>).map((s) => ({ service: s.service, operations: [...s.operations].sort() }));
    expect(services.sort((a, b) => a.service.localeCompare(b.service))).toEqual([
      { service: 'carrier', operations: ['carrier scan', 'delivery signed'] },
      { service: 'inventory', operations: ['deduct stock', 'lock stock'] },
      { service: 'payment', operations: ['charge card'] },
      { service: 'returns', operations: ['POST /returns'] },
      { service: 'shop', operations: ['POST /checkout'] },
      { service: 'wms', operations: ['pack parcel'] },
    ]);
  });
});

describe('health and errors', () => {
  it('answers liveness and readiness', async () => {
    expect((await get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect({ status: ready.status, body: ready.body }).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('answers unknown routes and methods with OT_ERR_NOT_FOUND', async () => {
    await expectError('/api/v1/nope', 404, 'OT_ERR_NOT_FOUND', /^no route GET "\/api\/v1\/nope"/);
    await expectError('/', 404, 'OT_ERR_NOT_FOUND');
    const post = await api.app.inject({ method: 'POST', url: '/api/v1/spans', payload: {} });
    expect({ status: post.statusCode, code: post.json().code }).toEqual({ status: 404, code: 'OT_ERR_NOT_FOUND' });
  });

  it('rejects malformed percent-encoding', async () => {
    await expectError('/api/v1/orders/%E0%A4%A', 400, 'OT_ERR_BAD_PARAMETER', /not valid percent-encoding/);
  });
});

describe('failures', () => {
  it('passes a cursor the store did not issue back as OT_ERR_BAD_PARAMETER', async () => {
    await expectError('/api/v1/spans?cursor=not-a-cursor', 400, 'OT_ERR_BAD_PARAMETER', /cursor/);
    await expectError('/api/v1/logs?cursor=not-a-cursor', 400, 'OT_ERR_BAD_PARAMETER', /cursor/);
  });

  it('answers 503 with Retry-After when the store is unavailable', async () => {
    const down = await openTestApi();
    await down.store.close();
    try {
      for (const url of ['/readyz', `/api/v1/orders/${ORDER}`, `/api/v1/traces/${TRACE_CHECKOUT}`, '/api/v1/spans', '/api/v1/logs', '/api/v1/services']) {
        const response = await down.app.inject(url);
        expect({ url, status: response.statusCode, code: response.json().code }).toEqual({ url, status: 503, code: 'OT_ERR_STORE_UNAVAILABLE' });
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect((await down.app.inject('/healthz')).statusCode).toBe(200); // alive, just not ready
    } finally {
      await down.close();
    }
  });

  it('answers unexpected errors with OT_ERR_INTERNAL and no stack trace', async () => {
    // A catalog no config loader would accept: computeJourney cannot turn NaN into nanoseconds.
    const broken = await openTestApi({ stages: [{ id: 'x', title: 'X', start: 'order.created', end: 'payment.succeeded', failOn: [], system: 'payment', expectedMs: Number.NaN, per: 'order', flow: 'forward' }] });
    try {
      const response = await broken.app.inject(`/api/v1/orders/${ORDER}`);
      expect(response.statusCode).toBe(500);
      const body = response.json();
      expect(Object.keys(body).sort()).toEqual(['code', 'message']);
      expect(body.code).toBe('OT_ERR_INTERNAL');
      expect(body.message).toMatch(/^internal error \(request [^)]+\); the server log has the details$/);
      expect(response.body).not.toMatch(/RangeError|at .*\.ts|stack/);
    } finally {
      await broken.close();
    }
  });
});
