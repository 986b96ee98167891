import { describe, expect, it } from 'vitest';
import { DEFAULT_STAGES } from './stages.ts';
import { anomalyStatsOf, countsOf, dependencyGraphOf, nearestRank, orderHealthOf, stageStatsOf, throughputOf } from './stats-assemble.ts';
import type { StatsQuery } from './stats.ts';

const Q: StatsQuery = { fromMs: 1_000, toMs: 9_000, bucketMs: 1_000, nowMs: 9_500, stages: DEFAULT_STAGES.slice(0, 3) };

describe('nearestRank', () => {
  it('is the value at ⌊p·n⌋ of the sorted values (ClickHouse quantileExact), the last one at most', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(nearestRank(ten, 0.5)).toBe(6); // the upper median of an even count
    expect(nearestRank(ten, 0.95)).toBe(10);
    expect(nearestRank([1, 2, 3], 0.5)).toBe(2);
    expect(nearestRank([4], 0.95)).toBe(4);
    expect(nearestRank(Array.from({ length: 20 }, (_, i) => i), 0.95)).toBe(19);
    expect(nearestRank(Array.from({ length: 21 }, (_, i) => i), 0.95)).toBe(19);
    expect(nearestRank(ten, 1)).toBe(10);
    expect(() => nearestRank([], 0.5)).toThrow(RangeError);
  });
});

describe('stageStatsOf', () => {
  it('lists every catalog stage in order, its points by time, durations ns → ms', () => {
    const stats = stageStatsOf(Q, [
      { stageIndex: 2, tMs: 3_000, count: 1, p50Ns: 1_500_000, p95Ns: 2_000_001, overdue: 1 },
      { stageIndex: 0, tMs: 5_000, count: 2, p50Ns: 10_000_000, p95Ns: 20_000_000, overdue: 0 },
      { stageIndex: 0, tMs: 2_000, count: 4, p50Ns: 1_000_000, p95Ns: 3_000_000, overdue: 0 },
    ]);
    expect(stats).toEqual({
      fromMs: 1_000,
      toMs: 9_000,
      bucketMs: 1_000,
      stages: [
        {
          stageId: 'payment',
          title: 'Payment',
          expectedMs: DEFAULT_STAGES[0]!.expectedMs,
          points: [
            { tMs: 2_000, count: 4, p50Ms: 1, p95Ms: 3, overdue: 0 },
            { tMs: 5_000, count: 2, p50Ms: 10, p95Ms: 20, overdue: 0 },
          ],
        },
        { stageId: 'stock_lock', title: 'Stock lock', expectedMs: DEFAULT_STAGES[1]!.expectedMs, points: [] },
        { stageId: 'packing', title: 'Pick & pack', expectedMs: DEFAULT_STAGES[2]!.expectedMs, points: [{ tMs: 3_000, count: 1, p50Ms: 1.5, p95Ms: 2.000001, overdue: 1 }] },
      ],
    });
  });
});

describe('throughputOf', () => {
  it('sums split buckets, orders services by total then name, and points by time', () => {
    const t = throughputOf(
      Q,
      [
        { service: 'b', tMs: 2_000, spans: 2, errors: 0 },
        { service: 'a', tMs: 3_000, spans: 1, errors: 1 },
        { service: 'c', tMs: 4_000, spans: 5, errors: 0 },
        { service: 'a', tMs: 1_000, spans: 1, errors: 0 },
        { service: 'a', tMs: 3_000, spans: 2, errors: 0 },
      ],
      [{ tMs: 4_000, count: 1 }, { tMs: 2_000, count: 3 }, { tMs: 4_000, count: 2 }],
      [],
    );
    expect(t.services.map((s) => [s.service, s.total])).toEqual([['c', 5], ['a', 4], ['b', 2]]);
    expect(t.services[1]!.points).toEqual([{ tMs: 1_000, spans: 1, errors: 0 }, { tMs: 3_000, spans: 3, errors: 1 }]);
    expect(t.events).toEqual([{ tMs: 2_000, count: 3 }, { tMs: 4_000, count: 3 }]);
    expect(t.logs).toEqual([]);
    expect(countsOf([])).toEqual([]);
  });
});

describe('anomalyStatsOf', () => {
  it('groups per rule with totals, by total then rule ID', () => {
    const a = anomalyStatsOf(Q, [
      { ruleId: 'z', tMs: 2_000, count: 2 },
      { ruleId: 'b', tMs: 3_000, count: 1 },
      { ruleId: 'a', tMs: 1_000, count: 1 },
      { ruleId: 'z', tMs: 1_000, count: 1 },
    ]);
    expect(a).toEqual({
      fromMs: 1_000,
      toMs: 9_000,
      bucketMs: 1_000,
      rules: [
        { ruleId: 'z', total: 3, points: [{ tMs: 1_000, count: 1 }, { tMs: 2_000, count: 2 }] },
        { ruleId: 'a', total: 1, points: [{ tMs: 1_000, count: 1 }] },
        { ruleId: 'b', total: 1, points: [{ tMs: 3_000, count: 1 }] },
      ],
    });
  });
});

describe('orderHealthOf', () => {
  it('divides healthy by orders, null without orders, and names the catalog stages', () => {
    const h = orderHealthOf(Q, { orders: 8, healthy: 6, started: [8, 5, 1], breached: [1, 1, 0] });
    expect(h).toMatchObject({ fromMs: 1_000, toMs: 9_000, nowMs: 9_500, orders: 8, healthy: 6, index: 0.75 });
    expect(h.stages).toEqual([
      { stageId: 'payment', title: 'Payment', started: 8, breached: 1 },
      { stageId: 'stock_lock', title: 'Stock lock', started: 5, breached: 1 },
      { stageId: 'packing', title: 'Pick & pack', started: 1, breached: 0 },
    ]);
    expect(orderHealthOf(Q, { orders: 0, healthy: 0, started: [], breached: [] })).toMatchObject({ index: null, stages: [{ started: 0 }, { started: 0 }, { started: 0 }] });
  });
});

describe('dependencyGraphOf', () => {
  it('sorts nodes by name and edges by calls, then source, then target; p95 in ms', () => {
    const g = dependencyGraphOf(
      Q,
      [{ service: 'web', spans: 3, errors: 0 }, { service: 'api', spans: 5, errors: 1 }],
      [
        { source: 'web', target: 'api', calls: 2, errors: 0, p95Ns: 5_000_000 },
        { source: 'api', target: 'db', calls: 2, errors: 1, p95Ns: 250_000 },
        { source: 'api', target: 'cache', calls: 2, errors: 0, p95Ns: 1 },
        { source: 'api', target: 'queue', calls: 7, errors: 0, p95Ns: 3_000_000 },
      ],
    );
    expect(g.nodes.map((n) => n.service)).toEqual(['api', 'web']);
    expect(g.edges.map((e) => `${e.source}>${e.target}`)).toEqual(['api>queue', 'api>cache', 'api>db', 'web>api']);
    expect(g.edges.map((e) => e.p95Ms)).toEqual([3, 0.000001, 0.25, 5]);
    expect(g).not.toHaveProperty('bucketMs');
  });
});
