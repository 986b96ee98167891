// The health dashboard's aggregates (docs/health.md): the query each store answers and the JSON
// shapes the query API returns for GET /api/v1/health/{stages,throughput,anomalies,index,dependencies}.
// These shapes are a contract with the UI; change them only together.
import { OrdertraceError } from './errors.ts';
import type { StageDef } from './stages.ts';
import { bucketCount, MAX_BUCKETS } from './stats-buckets.ts';

/** A window [fromMs, toMs) of the health dashboard, cut into buckets aligned to multiples of bucketMs. */
export interface StatsQuery {
  /** Inclusive, ms since the epoch. */
  fromMs: number;
  /** Exclusive, ms since the epoch. */
  toMs: number;
  /** Bucket width, ms; bucket starts are multiples of it since the epoch. Ignored by orderHealth and dependencies. */
  bucketMs: number;
  /** The clock open stages are measured against (orderHealth). */
  nowMs: number;
  /** The stage catalog, in display order. */
  stages: StageDef[];
}

/**
 * The dependency graph finds a span's parent among spans starting up to this long before the window
 * or after it (besides those inside it), so a call whose caller started just before `from` still
 * counts without reading the whole history.
 */
export const PARENT_MARGIN_MS = 3_600_000;

export interface StagePoint {
  /** Bucket start, ms. */
  tMs: number;
  /** Stage completions whose end event falls in the bucket. */
  count: number;
  /** Median and 95th percentile duration, ms (nearest rank: the value at position ⌊p·count⌋ of the sorted durations). */
  p50Ms: number;
  p95Ms: number;
  /** Completions that took longer than expectedMs. */
  overdue: number;
}

export interface StageSeries {
  stageId: string;
  title: string;
  expectedMs: number;
  /** By tMs ascending; buckets without completions are left out. */
  points: StagePoint[];
}

export interface StageStats {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  /** Catalog order. */
  stages: StageSeries[];
}

export interface ThroughputPoint {
  tMs: number;
  spans: number;
  /** Spans with status error. */
  errors: number;
}

export interface ServiceThroughput {
  service: string;
  total: number;
  points: ThroughputPoint[];
}

export interface CountPoint {
  tMs: number;
  count: number;
}

export interface Throughput {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  /** By total descending, then service name. */
  services: ServiceThroughput[];
  /** Order events per bucket. */
  events: CountPoint[];
  /** Log records per bucket. */
  logs: CountPoint[];
}

export interface RuleAnomalies {
  ruleId: string;
  total: number;
  points: CountPoint[];
}

export interface AnomalyStats {
  fromMs: number;
  toMs: number;
  bucketMs: number;
  /** By total descending, then rule ID. */
  rules: RuleAnomalies[];
}

export interface StageHealth {
  stageId: string;
  title: string;
  /** Population orders that started the stage. */
  started: number;
  /** Population orders with the stage breached. */
  breached: number;
}

export interface OrderHealth {
  fromMs: number;
  toMs: number;
  nowMs: number;
  /** Orders whose first order event is in [fromMs, toMs). */
  orders: number;
  /** Of those, orders with no breached stage. */
  healthy: number;
  /** healthy / orders; null when orders = 0. */
  index: number | null;
  /** Catalog order. */
  stages: StageHealth[];
}

export interface DependencyNode {
  service: string;
  spans: number;
  errors: number;
}

export interface DependencyEdge {
  source: string;
  target: string;
  /** Spans of `target` whose parent span belongs to `source`. */
  calls: number;
  errors: number;
  /** 95th percentile duration of those spans, ms (nearest rank). */
  p95Ms: number;
}

export interface DependencyGraph {
  fromMs: number;
  toMs: number;
  /** By service name. */
  nodes: DependencyNode[];
  /** By calls descending, then source, then target. */
  edges: DependencyEdge[];
}

function bad(message: string): OrdertraceError {
  return new OrdertraceError('OT_ERR_BAD_PARAMETER', message);
}

function wholeMs(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw bad(`${what} must be a non-negative integer of ms, got ${String(value)}`);
  return value;
}

/** A bucketed window's check (stores check what they are given; the API checks first, with friendlier messages). */
export function checkWindow(fromMs: number, toMs: number, bucketMs: number): void {
  wholeMs(fromMs, 'fromMs');
  wholeMs(toMs, 'toMs');
  wholeMs(bucketMs, 'bucketMs');
  if (fromMs >= toMs) throw bad(`fromMs must be less than toMs, got ${fromMs} and ${toMs}`);
  if (bucketMs < 1) throw bad('bucketMs must be at least 1');
  if (bucketCount(toMs - fromMs, bucketMs) > MAX_BUCKETS) throw bad(`a window cut into buckets of ${bucketMs} ms has more than ${MAX_BUCKETS} of them`);
}

export function checkStatsQuery(q: StatsQuery): StatsQuery {
  checkWindow(q.fromMs, q.toMs, q.bucketMs);
  wholeMs(q.nowMs, 'nowMs');
  if (!Array.isArray(q.stages)) throw bad('stages must be a stage catalog');
  return q;
}
