// Turns the flat rows a store computes (per stage × bucket, service × bucket, …) into the health
// dashboard's responses (core/stats.ts): catalog order, sorting, totals, ns → ms. Both stores hand
// their rows to these functions, so the two cannot differ in shape or order. Also the percentile both
// stores use: ClickHouse's quantileExact, the value at position ⌊p·n⌋ of the sorted values.
import type { StageDef } from './stages.ts';
import type {
  AnomalyStats,
  CountPoint,
  DependencyEdge,
  DependencyGraph,
  DependencyNode,
  OrderHealth,
  StageStats,
  StatsQuery,
  Throughput,
} from './stats.ts';
import { compareText } from './store/query.ts';

const NS_PER_MS = 1e6;

/** Completions of one stage (index in the catalog) ending in one bucket. Durations in ns. */
export interface StagePointRow {
  stageIndex: number;
  tMs: number;
  count: number;
  p50Ns: number;
  p95Ns: number;
  overdue: number;
}

export interface ServicePointRow {
  service: string;
  tMs: number;
  spans: number;
  errors: number;
}

/** Alerts of one rule fired in one bucket (AlertStore.alertTimeline). */
export interface RuleCountRow {
  ruleId: string;
  tMs: number;
  count: number;
}

/** The order health index's counts; started/breached by catalog index. */
export interface OrderHealthCounts {
  orders: number;
  healthy: number;
  started: number[];
  breached: number[];
}

export interface EdgeRow {
  source: string;
  target: string;
  calls: number;
  errors: number;
  p95Ns: number;
}

/** Nearest-rank percentile of ascending values (quantileExact): the value at ⌊p·n⌋, the last for p·n ≥ n. */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('nearestRank of no values');
  return sorted[Math.min(Math.floor(p * sorted.length), sorted.length - 1)]!;
}

const byTime = (a: { tMs: number }, b: { tMs: number }) => a.tMs - b.tMs;

export function stageStatsOf(q: StatsQuery, rows: readonly StagePointRow[]): StageStats {
  return {
    fromMs: q.fromMs,
    toMs: q.toMs,
    bucketMs: q.bucketMs,
    stages: q.stages.map((def, index) => ({
      stageId: def.id,
      title: def.title,
      expectedMs: def.expectedMs,
      points: rows
        .filter((r) => r.stageIndex === index)
        .map((r) => ({ tMs: r.tMs, count: r.count, p50Ms: r.p50Ns / NS_PER_MS, p95Ms: r.p95Ns / NS_PER_MS, overdue: r.overdue }))
        .sort(byTime),
    })),
  };
}

/** Rows of the same key and bucket summed (a store reading day by day may split a bucket), by time. */
export function countsOf(rows: readonly CountPoint[]): CountPoint[] {
  const sums = new Map<number, number>();
  for (const r of rows) sums.set(r.tMs, (sums.get(r.tMs) ?? 0) + r.count);
  return [...sums].map(([tMs, count]) => ({ tMs, count })).sort(byTime);
}

export function throughputOf(q: StatsQuery, services: readonly ServicePointRow[], events: readonly CountPoint[], logs: readonly CountPoint[]): Throughput {
  const byService = new Map<string, Map<number, { tMs: number; spans: number; errors: number }>>();
  for (const r of services) {
    let points = byService.get(r.service);
    if (!points) byService.set(r.service, (points = new Map()));
    const point = points.get(r.tMs);
    if (point) {
      point.spans += r.spans;
      point.errors += r.errors;
    } else {
      points.set(r.tMs, { tMs: r.tMs, spans: r.spans, errors: r.errors });
    }
  }
  const list = [...byService].map(([service, points]) => {
    const sorted = [...points.values()].sort(byTime);
    return { service, total: sorted.reduce((sum, p) => sum + p.spans, 0), points: sorted };
  });
  list.sort((a, b) => b.total - a.total || compareText(a.service, b.service));
  return { fromMs: q.fromMs, toMs: q.toMs, bucketMs: q.bucketMs, services: list, events: countsOf(events), logs: countsOf(logs) };
}

export function anomalyStatsOf(q: Pick<StatsQuery, 'fromMs' | 'toMs' | 'bucketMs'>, rows: readonly RuleCountRow[]): AnomalyStats {
  const byRule = new Map<string, CountPoint[]>();
  for (const r of rows) {
    const points = byRule.get(r.ruleId);
    if (points) points.push({ tMs: r.tMs, count: r.count });
    else byRule.set(r.ruleId, [{ tMs: r.tMs, count: r.count }]);
  }
  const rules = [...byRule].map(([ruleId, points]) => {
    const merged = countsOf(points);
    return { ruleId, total: merged.reduce((sum, p) => sum + p.count, 0), points: merged };
  });
  rules.sort((a, b) => b.total - a.total || compareText(a.ruleId, b.ruleId));
  return { fromMs: q.fromMs, toMs: q.toMs, bucketMs: q.bucketMs, rules };
}

export function orderHealthOf(q: StatsQuery, counts: OrderHealthCounts): OrderHealth {
  return {
    fromMs: q.fromMs,
    toMs: q.toMs,
    nowMs: q.nowMs,
    orders: counts.orders,
    healthy: counts.healthy,
    index: counts.orders === 0 ? null : counts.healthy / counts.orders,
    stages: q.stages.map((def: StageDef, i) => ({ stageId: def.id, title: def.title, started: counts.started[i] ?? 0, breached: counts.breached[i] ?? 0 })),
  };
}

export function dependencyGraphOf(q: StatsQuery, nodes: readonly DependencyNode[], edges: readonly EdgeRow[]): DependencyGraph {
  const edgeList: DependencyEdge[] = edges.map((e) => ({ source: e.source, target: e.target, calls: e.calls, errors: e.errors, p95Ms: e.p95Ns / NS_PER_MS }));
  edgeList.sort((a, b) => b.calls - a.calls || compareText(a.source, b.source) || compareText(a.target, b.target));
  return {
    fromMs: q.fromMs,
    toMs: q.toMs,
    nodes: nodes.map((n) => ({ service: n.service, spans: n.spans, errors: n.errors })).sort((a, b) => compareText(a.service, b.service)),
    edges: edgeList,
  };
}
