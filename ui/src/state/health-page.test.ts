import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { T0 } from '../../../query-api/test-fixture.ts';
import { Api, ApiError } from '../lib/api.ts';
import { anomalyStats, dependencyGraph, HEALTH_WINDOW, hour, orderHealth, ScriptedApi, stageStats, throughput } from '../lib/fixtures.ts';
import { HEALTH_PARTS, HealthPage } from './health-page.svelte.ts';
import { startApi, type LiveApi } from './test-api.ts';

const NOW = HEALTH_WINDOW.toMs;
const ANSWERS: Record<string, unknown> = {
  stages: stageStats([{ stageId: 'payment', title: 'Payment', expectedMs: 900_000, points: [{ tMs: hour(1), count: 3, p50Ms: 1000, p95Ms: 5000, overdue: 0 }] }]),
  throughput: throughput({ services: [{ service: 'shop', total: 4, points: [{ tMs: hour(0), spans: 4, errors: 1 }] }] }),
  anomalies: anomalyStats([{ ruleId: 'stock-lock-overdue', total: 2, points: [{ tMs: hour(2), count: 2 }] }]),
  index: orderHealth({ orders: 4, healthy: 3, index: 0.75 }),
  dependencies: dependencyGraph({ nodes: [{ service: 'shop', spans: 4, errors: 1 }] }),
};
const notFound = (path: string) => new ApiError(404, 'OT_ERR_NOT_FOUND', `no route GET "${path}"`);

/** Which health part a path asks for, and its query. */
function parse(path: string): { part: string; query: URLSearchParams } {
  const url = new URL(path, 'http://x');
  return { part: url.pathname.replace('/api/v1/health/', ''), query: url.searchParams };
}

/** Answers the health routes from ANSWERS unless `fail` gives an error for the part. */
function scripted(fail: (part: string, path: string) => ApiError | null = () => null): ScriptedApi {
  return new ScriptedApi((path) => {
    const { part } = parse(path);
    const error = fail(part, path);
    if (error) throw error;
    if (!(part in ANSWERS)) throw notFound(path);
    return ANSWERS[part];
  });
}

describe('HealthPage', () => {
  it('loads every part over one window ending at the page clock', async () => {
    const api = scripted();
    const page = new HealthPage(api, () => NOW);
    const showing = page.show({ since: '6h' });
    expect(page.parts.index.loading).toBe(true);
    await showing;
    expect(api.asked.map((p) => parse(p).part).sort()).toEqual([...HEALTH_PARTS].sort());
    const windows = new Set(api.asked.map((p) => parse(p).query.toString()));
    expect([...windows]).toEqual([new URLSearchParams({ from: new Date(NOW - 6 * 3_600_000).toISOString(), to: new Date(NOW).toISOString() }).toString()]);
    expect(page.parts.index.data?.index).toBe(0.75);
    expect(page.parts.anomalies.data?.rules[0]?.ruleId).toBe('stock-lock-overdue');
    expect(page.range).toEqual({ kind: 'since', since: '6h' });
    expect(page.window).toEqual(HEALTH_WINDOW);
    expect(page.unavailable).toBe(false);
  });

  it('passes a fixed window and the bucket width through, and keeps the bucket when the range changes', async () => {
    const api = scripted();
    const page = new HealthPage(api, () => NOW);
    await page.show({ from: '2026-03-01T10:00:00Z', to: '2026-03-01T16:00:00Z', bucket: '15m' });
    expect(Object.fromEntries(parse(api.asked[0]!).query)).toEqual({ from: '2026-03-01T10:00:00Z', to: '2026-03-01T16:00:00Z', bucket: '15m' });
    expect(page.range).toEqual({ kind: 'custom', from: '2026-03-01T10:00:00Z', to: '2026-03-01T16:00:00Z' });
    expect(page.withRange({ kind: 'since', since: '7d' })).toEqual({ since: '7d', bucket: '15m' });
    expect(page.errorSpans('inventory')).toEqual({ kind: 'spans', service: 'inventory', status: 'error', from: '2026-03-01T10:00:00Z', to: '2026-03-01T16:00:00Z' });
  });

  it('shows a failed part’s error and retries that part alone over the same window', async () => {
    let down = true;
    const api = scripted((part) => (part === 'throughput' && down ? new ApiError(503, 'OT_ERR_STORE_UNAVAILABLE', 'store is busy') : null));
    let clock = NOW;
    const page = new HealthPage(api, () => clock);
    await page.show({});
    expect(page.parts.throughput.error?.code).toBe('OT_ERR_STORE_UNAVAILABLE');
    expect(page.parts.stages.data).not.toBeNull();
    const asked = api.asked.length;
    down = false;
    clock += 60_000;
    await page.reload('throughput');
    expect(api.asked.slice(asked)).toEqual([api.asked.find((p) => p.includes('/throughput'))]);
    expect(page.parts.throughput.data?.services[0]?.service).toBe('shop');
    expect(page.parts.throughput.error).toBeNull();
  });

  it('is unavailable only when the server has none of the dashboard routes', async () => {
    const older = new HealthPage(scripted((_, path) => notFound(path)), () => NOW);
    await older.show({});
    expect(older.unavailable).toBe(true);

    const partial = new HealthPage(scripted((part, path) => (part === 'dependencies' ? notFound(path) : null)), () => NOW);
    await partial.show({});
    expect(partial.unavailable).toBe(false);
    expect(partial.parts.dependencies.error?.routeMissing).toBe(true);
    expect(partial.parts.index.error).toBeNull();
  });
});

describe('HealthPage against a query API', () => {
  let live: LiveApi;
  beforeAll(async () => {
    live = await startApi();
  });
  afterAll(() => live.close());

  it('loads readiness and the rules in force, and names rules by their titles', async () => {
    const page = new HealthPage(live.api, () => NOW);
    await page.loadStatus();
    expect(page.ready.data).toEqual({ status: 'ready' });
    expect(page.rules.data?.rules).toEqual([]);
    expect(page.ruleTitles.size).toBe(0);
  });

  it('loads the dashboard over the fixture’s orders', async () => {
    const page = new HealthPage(live.api, () => NOW);
    const day = 86_400_000;
    const t0 = Number(T0 / 1_000_000n);
    await page.show({ from: new Date(t0 - day).toISOString(), to: new Date(t0 + 30 * day).toISOString() });
    expect(HEALTH_PARTS.map((part) => page.parts[part].error)).toEqual(HEALTH_PARTS.map(() => null));
    // Both fixture orders began in the window; each started payment, and payment completed twice.
    const index = page.parts.index.data!;
    expect(index.orders).toBe(2);
    expect(index.stages.find((s) => s.stageId === 'payment')).toMatchObject({ started: 2 });
    const payment = page.parts.stages.data!.stages.find((s) => s.stageId === 'payment')!;
    expect(payment.points.reduce((n, p) => n + p.count, 0)).toBe(2);
    expect(page.window?.bucketMs).toBe(day);
    // The inventory deduction failed: an error span, and an error edge into inventory.
    const inventory = page.parts.throughput.data!.services.find((s) => s.service === 'inventory')!;
    expect(inventory.points.some((p) => p.errors > 0)).toBe(true);
    const edges = page.parts.dependencies.data!.edges;
    expect(edges.find((e) => e.target === 'inventory')).toMatchObject({ source: 'payment', errors: 1 });
  });

  it('reads a server’s "no such route" answer as a missing part', async () => {
    // A path prefix the server does not serve: its real 404 answer, whatever routes it has.
    const page = new HealthPage(new Api(`${live.url}/not-here`), () => NOW);
    await page.show({});
    expect(page.parts.index.error).toMatchObject({ status: 404, code: 'OT_ERR_NOT_FOUND' });
    expect(page.unavailable).toBe(true);
  });
});
