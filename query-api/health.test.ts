// The health dashboard routes over a real SQLite store holding the fixture orders (test-fixture.ts),
// driven with inject(): the JSON contract, the window/bucket rules and their 400s.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '../core/model.ts';
import { DEFAULT_STAGES } from '../core/stages.ts';
import type { AnomalyStats, DependencyGraph, OrderHealth, StageStats, Throughput } from '../core/stats.ts';
import { alertFixture } from '../test/helpers/alert-fixtures.ts';
import { ALL_SPANS, NOW_MS, T0, charge, checkout, otherCharge, otherCheckout, returnLog, returnRequested } from './test-fixture.ts';
import { openTestApi, type TestApi } from './test-store.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0_MS = Number(T0 / 1_000_000n);
const msOf = (ns: string) => Number(BigInt(ns) / 1_000_000n);
const bucketOf = (tMs: number, bucketMs: number) => Math.floor(tMs / bucketMs) * bucketMs;
/** The fixture's first day: checkout to delivery. */
const FIRST_DAYS = `from=${T0_MS}&to=${T0_MS + 2 * DAY}`;

let api: TestApi;
beforeAll(async () => {
  api = await openTestApi();
});
afterAll(async () => {
  await api?.close();
});

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await api.app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() as T };
}

async function expectBadParameter(url: string, message: RegExp): Promise<void> {
  const { status, body } = await get<{ code: string; message: string }>(url);
  expect({ url, status, code: body.code }).toEqual({ url, status: 400, code: 'OT_ERR_BAD_PARAMETER' });
  expect(body.message).toMatch(message);
}

describe('window and bucket', () => {
  it('defaults to the last 24 hours ending now, in hour buckets (the first of 1m…1d giving at most 48)', async () => {
    const { status, body } = await get<Throughput>('/api/v1/health/throughput');
    expect(status).toBe(200);
    expect(body).toMatchObject({ fromMs: NOW_MS - DAY, toMs: NOW_MS, bucketMs: HOUR });
    // Only the return, an hour before now, is that recent.
    const returnMs = msOf(returnRequested.startTimeUnixNano);
    expect(body.services).toEqual([{ service: 'returns', total: 1, points: [{ tMs: bucketOf(returnMs, HOUR), spans: 1, errors: 0 }] }]);
    expect(body.logs).toEqual([{ tMs: bucketOf(msOf(returnLog.timeUnixNano), HOUR), count: 1 }]);
    expect(body.events).toEqual([{ tMs: bucketOf(msOf(returnRequested.endTimeUnixNano), HOUR), count: 1 }]);
  });

  it('takes from/to as RFC 3339 or ms, rounds them up to whole ms, and a bucket like 15m, 6h, 1d', async () => {
    const from = new Date(T0_MS).toISOString().replace('.000Z', '.000000001Z');
    const { body } = await get<Throughput>(`/api/v1/health/throughput?from=${from}&to=${T0_MS + 6 * HOUR}&bucket=15m`);
    expect(body).toMatchObject({ fromMs: T0_MS + 1, toMs: T0_MS + 6 * HOUR, bucketMs: 15 * MIN });
    expect((await get<Throughput>(`/api/v1/health/throughput?${FIRST_DAYS}`)).body.bucketMs).toBe(HOUR); // 48 h / 48
    expect((await get<Throughput>(`/api/v1/health/throughput?from=${T0_MS}&to=${T0_MS + 7 * DAY}`)).body.bucketMs).toBe(6 * HOUR);
    expect((await get<Throughput>(`/api/v1/health/throughput?${FIRST_DAYS}&bucket=1d`)).body.bucketMs).toBe(DAY);
    expect((await get<Throughput>(`/api/v1/health/throughput?to=${T0_MS + DAY}`)).body).toMatchObject({ fromMs: T0_MS, toMs: T0_MS + DAY });
  });

  it('answers 400 OT_ERR_BAD_PARAMETER for a bad bucket, bad or reversed bounds, too many buckets and unknown parameters', async () => {
    for (const path of ['stages', 'throughput', 'anomalies', 'index', 'dependencies']) {
      const url = `/api/v1/health/${path}`;
      await expectBadParameter(`${url}?bucket=abc`, /bucket must be a positive whole number of s, m, h or d .*"abc"/);
      await expectBadParameter(`${url}?bucket=0m`, /bucket must be/);
      await expectBadParameter(`${url}?bucket=5x`, /bucket must be/);
      await expectBadParameter(`${url}?bucket=1s`, /86400 buckets; at most 500/);
      await expectBadParameter(`${url}?from=yesterday`, /from must be an RFC 3339 timestamp .* got "yesterday"/);
      await expectBadParameter(`${url}?from=${T0_MS + HOUR}&to=${T0_MS}`, /from must be earlier than to/);
      await expectBadParameter(`${url}?from=${NOW_MS + HOUR}`, /from must be earlier than to, .*\(now\)/);
      await expectBadParameter(`${url}?bukcet=1h`, /unknown query parameter "bukcet" \(did you mean "bucket"\?\)/);
      await expectBadParameter(`${url}?bucket=1h&bucket=1d`, /bucket must be given at most once/);
    }
  });
});

describe('GET /api/v1/health/stages', () => {
  it('lists the catalog stages; payment durations of both orders from their order.created and payment.succeeded', async () => {
    const { status, body } = await get<StageStats>(`/api/v1/health/stages?${FIRST_DAYS}`);
    expect(status).toBe(200);
    expect(body.stages.map((s) => s.stageId)).toEqual(DEFAULT_STAGES.map((s) => s.id));
    // Fixture events happen when their span ends.
    const payments = [
      [checkout, charge],
      [otherCheckout, otherCharge],
    ].map(([created, paid]) => ({ tMs: bucketOf(msOf(paid!.endTimeUnixNano), HOUR), ms: Number(BigInt(paid!.endTimeUnixNano) - BigInt(created!.endTimeUnixNano)) / 1e6 }));
    expect(body.stages[0]!.points).toEqual(payments.map((p) => ({ tMs: p.tMs, count: 1, p50Ms: p.ms, p95Ms: p.ms, overdue: 0 })));
    expect(body.stages.find((s) => s.stageId === 'return_approval')!.points).toEqual([]);
  });
});

describe('GET /api/v1/health/anomalies', () => {
  it('counts the alerts fired per rule and bucket, rules by total then ID', async () => {
    const fired = (ruleId: string, orderId: string, firedAtMs: number) => alertFixture({ ruleId, orderId, firedAtMs, dueMs: firedAtMs, updatedAtMs: firedAtMs });
    await api.store.alerts.upsertAlerts([
      fired('zz-rule', 'A', NOW_MS - 3 * HOUR),
      fired('zz-rule', 'B', NOW_MS - 3 * HOUR + MIN),
      fired('zz-rule', 'C', NOW_MS - HOUR),
      fired('aa-rule', 'A', NOW_MS - 2 * HOUR),
      fired('mm-rule', 'A', NOW_MS - 5 * MIN),
      fired('aa-rule', 'old', NOW_MS - 2 * DAY),
    ]);
    const { status, body } = await get<AnomalyStats>('/api/v1/health/anomalies');
    expect(status).toBe(200);
    const point = (ms: number, count: number) => ({ tMs: bucketOf(ms, HOUR), count });
    expect(body).toEqual({
      fromMs: NOW_MS - DAY,
      toMs: NOW_MS,
      bucketMs: HOUR,
      rules: [
        { ruleId: 'zz-rule', total: 3, points: [point(NOW_MS - 3 * HOUR, 2), point(NOW_MS - HOUR, 1)].sort((a, b) => a.tMs - b.tMs) },
        { ruleId: 'aa-rule', total: 1, points: [point(NOW_MS - 2 * HOUR, 1)] },
        { ruleId: 'mm-rule', total: 1, points: [point(NOW_MS - 5 * MIN, 1)] },
      ],
    });
  });
});

describe('GET /api/v1/health/index', () => {
  it('evaluates the orders first seen in the window at the API clock; bucket is accepted and has no effect', async () => {
    const url = `/api/v1/health/index?from=${T0_MS}&to=${T0_MS + DAY}`;
    const { status, body } = await get<OrderHealth>(url);
    expect(status).toBe(200);
    // Both fixture orders start that day. A-1002 was paid but its stock never locked: at NOW_MS (10 days on) that stage is far past its 2 h.
    // A-1001 completed every stage in time, and its return (an hour before NOW_MS) is within its 24 h approval.
    expect(body).toMatchObject({ fromMs: T0_MS, toMs: T0_MS + DAY, nowMs: NOW_MS, orders: 2, healthy: 1, index: 0.5 });
    const stage = (id: string) => body.stages.find((s) => s.stageId === id)!;
    expect(stage('stock_lock')).toEqual({ stageId: 'stock_lock', title: 'Stock lock', started: 2, breached: 1 });
    expect(stage('return_approval')).toMatchObject({ started: 1, breached: 0 });
    expect((await get<OrderHealth>(`${url}&bucket=6h`)).body).toEqual(body);
  });
});

describe('GET /api/v1/health/dependencies', () => {
  it('links each span to its parent’s service when they differ', async () => {
    const { status, body } = await get<DependencyGraph>(`/api/v1/health/dependencies?${FIRST_DAYS}`);
    expect(status).toBe(200);
    const inWindow = ALL_SPANS.filter((s) => msOf(s.startTimeUnixNano) < T0_MS + 2 * DAY);
    const byId = new Map(ALL_SPANS.map((s) => [s.spanId, s]));
    const calls = new Map<string, Span[]>();
    for (const s of inWindow) {
      const parent = byId.get(s.parentSpanId);
      if (parent && parent.service !== s.service) calls.set(`${parent.service}>${s.service}`, [...(calls.get(`${parent.service}>${s.service}`) ?? []), s]);
    }
    expect(Object.fromEntries(body.edges.map((e) => [`${e.source}>${e.target}`, [e.calls, e.errors]]))).toEqual(
      Object.fromEntries([...calls].map(([key, spans]) => [key, [spans.length, spans.filter((s) => s.status.code === 2).length]])),
    );
    expect(body.edges.map((e) => e.calls)).toEqual([...body.edges.map((e) => e.calls)].sort((a, b) => b - a));
    expect(body.nodes.map((n) => n.service)).toEqual([...new Set(inWindow.map((s) => s.service))].sort());
    expect(body.edges.some((e) => e.source === e.target)).toBe(false);
  });
});

describe('OpenAPI', () => {
  it('documents the five routes with from, to and bucket', async () => {
    const { body } = await get<{ paths: Record<string, { get: { parameters: Array<{ name: string }>; responses: Record<string, unknown> } }> }>('/api/openapi.json');
    for (const path of ['stages', 'throughput', 'anomalies', 'index', 'dependencies']) {
      const op = body.paths[`/api/v1/health/${path}`]!.get;
      expect(op.parameters.map((p) => p.name)).toEqual(['from', 'to', 'bucket']);
      expect(Object.keys(op.responses).sort()).toEqual(['200', '400', '500', '503']);
    }
  });
});
