// The StatsStore of the embedded store: counts in SQL per day partition of the window (its time
// indexes), stage and index evaluation in JavaScript with the reference rules of core/stats-stages.ts
// over each named order's events (read by the events tables' (order_id, event_id) key), then the shared
// assembly of core/stats-assemble.ts. Embedded volumes make reading those rows into memory affordable.
//
// De-duplication: spans and logs are stored as often as they were delivered, so counts group by the
// record identity (trace_id+span_id, log_id) first; events are unique per (order, eventId) at write time
// and counted distinct by event_id. A record's copies share its time, hence its day table and bucket.
import type { SQLInputValue } from 'node:sqlite';
import type { OrderEvent } from '../model.ts';
import type { CountPoint, DependencyGraph, OrderHealth, StageStats, StatsQuery, Throughput } from '../stats.ts';
import { checkStatsQuery, PARENT_MARGIN_MS } from '../stats.ts';
import { dependencyGraphOf, nearestRank, orderHealthOf, stageStatsOf, throughputOf, type EdgeRow, type ServicePointRow } from '../stats-assemble.ts';
import { completionOf, orderStageHealth, stageInstances, stagePointRows, type Completion } from '../stats-stages.ts';
import { DAY_MS, tableName } from './sqlite-schema.ts';
import type { StatsStore } from './stats-store.ts';

export interface SqliteStatsSource {
  /** Rows of a query on the store's read connection (throws when the store is closed or not ready). */
  rows<T>(sql: string, ...params: SQLInputValue[]): T[];
  /** Day partitions readable now, any order. */
  days(): readonly number[];
}

const NS_PER_MS = 1_000_000n;

const ns = (ms: number) => BigInt(ms) * NS_PER_MS;

export class SqliteStatsStore implements StatsStore {
  private readonly source: SqliteStatsSource;

  constructor(source: SqliteStatsSource) {
    this.source = source;
  }

  /** The days holding records with times in [fromMs, toMs), oldest first. */
  private daysOf(fromMs: number, toMs: number): number[] {
    const first = Math.floor(fromMs / DAY_MS);
    const last = Math.floor((toMs - 1) / DAY_MS);
    return this.source.days().filter((d) => d >= first && d <= last).sort((a, b) => a - b);
  }

  /** One query per day of the window; `params` gets the window in ns. Rows of every day, concatenated. */
  private perDay<T>(fromMs: number, toMs: number, sql: (day: number) => string, params: (fromNs: bigint, toNs: bigint) => SQLInputValue[]): T[] {
    const args = params(ns(fromMs), ns(toMs));
    return this.daysOf(fromMs, toMs).flatMap((day) => this.source.rows<T>(sql(day), ...args));
  }

  /** Every stored event of the orders, each once, grouped by order. */
  private eventsOf(orderIds: ReadonlySet<string>): Map<string, OrderEvent[]> {
    const byOrder = new Map<string, Map<string, OrderEvent>>();
    if (orderIds.size === 0) return new Map();
    const ids = JSON.stringify([...orderIds]);
    for (const day of this.source.days()) {
      const rows = this.source.rows<{ body: string }>(`SELECT body FROM ${tableName('events', day)} WHERE order_id IN (SELECT value FROM json_each(?))`, ids);
      for (const row of rows) {
        const event = JSON.parse(row.body) as OrderEvent;
        let events = byOrder.get(event.orderId);
        if (!events) byOrder.set(event.orderId, (events = new Map()));
        events.set(event.eventId, event);
      }
    }
    return new Map([...byOrder].map(([orderId, events]) => [orderId, [...events.values()]]));
  }

  /** Orders with an event in [fromMs, toMs), of one of the types when given. */
  private ordersIn(fromMs: number, toMs: number, types?: readonly string[]): Set<string> {
    const typed = types ? ` AND json_extract(body, '$.type') IN (SELECT value FROM json_each(?))` : '';
    const rows = this.perDay<{ order_id: string }>(
      fromMs,
      toMs,
      (day) => `SELECT DISTINCT order_id FROM ${tableName('events', day)} WHERE time_ns >= ? AND time_ns < ?${typed}`,
      (from, to) => [from, to, ...(types ? [JSON.stringify(types)] : [])],
    );
    return new Set(rows.map((r) => r.order_id));
  }

  async stageStats(query: StatsQuery): Promise<StageStats> {
    const q = checkStatsQuery(query);
    if (q.stages.length === 0) return stageStatsOf(q, []);
    const orders = this.ordersIn(q.fromMs, q.toMs, [...new Set(q.stages.map((s) => s.end))]);
    const from = ns(q.fromMs);
    const to = ns(q.toMs);
    const completions: Completion[] = [];
    for (const events of this.eventsOf(orders).values()) {
      for (const instance of stageInstances(events, q.stages)) {
        const done = completionOf(instance);
        if (done && done.endNs >= from && done.endNs < to) completions.push(done);
      }
    }
    return stageStatsOf(q, stagePointRows(completions, q.stages, q.bucketMs));
  }

  async throughput(query: StatsQuery): Promise<Throughput> {
    const q = checkStatsQuery(query);
    const width = [ns(q.bucketMs), BigInt(q.bucketMs)];
    const services = this.perDay<ServicePointRow>(
      q.fromMs,
      q.toMs,
      (day) =>
        `SELECT service, b AS tMs, count(*) AS spans, sum(failed) AS errors FROM (SELECT service, (start_ns / ?) * ? AS b, max(status = 2) AS failed ` +
        `FROM ${tableName('spans', day)} WHERE start_ns >= ? AND start_ns < ? GROUP BY service, b, trace_id, span_id) GROUP BY service, b`,
      (from, to) => [...width, from, to],
    );
    const counted = (table: 'events' | 'logs', id: string) =>
      this.perDay<CountPoint>(
        q.fromMs,
        q.toMs,
        (day) => `SELECT (time_ns / ?) * ? AS tMs, count(DISTINCT ${id}) AS count FROM ${tableName(table, day)} WHERE time_ns >= ? AND time_ns < ? GROUP BY tMs`,
        (from, to) => [...width, from, to],
      );
    return throughputOf(q, services, counted('events', 'event_id'), counted('logs', 'log_id'));
  }

  async orderHealth(query: StatsQuery): Promise<OrderHealth> {
    const q = checkStatsQuery(query);
    const from = ns(q.fromMs);
    const now = ns(q.nowMs);
    const counts = { orders: 0, healthy: 0, started: q.stages.map(() => 0), breached: q.stages.map(() => 0) };
    for (const events of this.eventsOf(this.ordersIn(q.fromMs, q.toMs)).values()) {
      // The population: orders whose first event is in the window (none before it).
      if (events.some((e) => BigInt(e.timeUnixNano) < from)) continue;
      const health = orderStageHealth(events, q.stages, now);
      counts.orders++;
      if (!health.breached.includes(true)) counts.healthy++;
      health.started.forEach((started, k) => started && counts.started[k]!++);
      health.breached.forEach((breached, k) => breached && counts.breached[k]!++);
    }
    return orderHealthOf(q, counts);
  }

  async dependencies(query: StatsQuery): Promise<DependencyGraph> {
    const q = checkStatsQuery(query);
    const nodes = new Map<string, { service: string; spans: number; errors: number }>();
    const children: Array<{ traceId: string; parent: string; target: string; failed: boolean; durNs: number }> = [];
    // One pass over the window ± the parent margin: every span may be a parent; those in the window are
    // the children. Spans by trace, then span ID: two lookups of the IDs as read, no joined key to build.
    const traces = new Map<string, Map<string, string>>();
    // c: 0 = only a possible parent (in the margin), 1 = in the window, 2 = in the window and failed.
    const rows = this.perDay<{ trace_id: string; span_id: string; service: string; c: number; dur_ns: number; parent: string }>(
      Math.max(0, q.fromMs - PARENT_MARGIN_MS),
      q.toMs + PARENT_MARGIN_MS,
      (day) =>
        `SELECT trace_id, span_id, service, (start_ns >= ? AND start_ns < ?) * (1 + (status = 2)) AS c, dur_ns, json_extract(body, '$[0]') AS parent ` +
        `FROM ${tableName('spans', day)} WHERE start_ns >= ? AND start_ns < ?`,
      (from, to) => [ns(q.fromMs), ns(q.toMs), from, to],
    );
    for (const r of rows) {
      let spans = traces.get(r.trace_id);
      if (!spans) traces.set(r.trace_id, (spans = new Map()));
      if (spans.has(r.span_id)) continue; // a redelivered copy
      spans.set(r.span_id, r.service);
      if (r.c === 0) continue;
      const failed = r.c === 2;
      children.push({ traceId: r.trace_id, parent: r.parent, target: r.service, failed, durNs: r.dur_ns });
      let node = nodes.get(r.service);
      if (!node) nodes.set(r.service, (node = { service: r.service, spans: 0, errors: 0 }));
      node.spans++;
      if (failed) node.errors++;
    }
    const edges = new Map<string, { source: string; target: string; errors: number; durations: number[] }>();
    for (const c of children) {
      const source = c.parent === '' ? undefined : traces.get(c.traceId)!.get(c.parent);
      if (source === undefined || source === c.target) continue;
      const key = `${source}\0${c.target}`;
      let edge = edges.get(key);
      if (!edge) edges.set(key, (edge = { source, target: c.target, errors: 0, durations: [] }));
      edge.durations.push(c.durNs);
      if (c.failed) edge.errors++;
    }
    const edgeRows: EdgeRow[] = [...edges.values()].map((e) => ({
      source: e.source,
      target: e.target,
      calls: e.durations.length,
      errors: e.errors,
      p95Ns: nearestRank(e.durations.sort((a, b) => a - b), 0.95),
    }));
    return dependencyGraphOf(q, [...nodes.values()], edgeRows);
  }
}
