// The stats-store seam: the health dashboard's aggregates over a time window (docs/health.md),
// implemented beside each Store (sqlite-stats.ts, clickhouse/stats-store.ts) and covered by
// test/contract/stats-store.contract.ts. Alerts per rule over time come from the alert store
// (AlertStore.alertTimeline).
//
// Contract highlights:
// - redelivered duplicates are invisible: one span per traceId+spanId, one log per logId, one order
//   event per eventId, in every count and percentile;
// - records are read by their time window (the stage and index aggregates also read every stored event
//   of the orders the window names, by order ID); percentiles are nearest rank (core/stats-assemble.ts);
// - results are already in the response shape and order of core/stats.ts.
import type { DependencyGraph, OrderHealth, StageStats, StatsQuery, Throughput } from '../stats.ts';

export interface StatsStore {
  /** Stage durations per stage and bucket of the end event's time, for completions ending in the window. */
  stageStats(query: StatsQuery): Promise<StageStats>;
  /** Spans (and errors) per service, order events and log records, per bucket. */
  throughput(query: StatsQuery): Promise<Throughput>;
  /** The order health index of orders whose first event is in the window, as of query.nowMs. */
  orderHealth(query: StatsQuery): Promise<OrderHealth>;
  /** Services and the calls between them (child spans whose parent is another service's span). */
  dependencies(query: StatsQuery): Promise<DependencyGraph>;
}
