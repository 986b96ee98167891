// The StatsStore of the ClickHouse store: each aggregate is computed in SQL (stats-queries.ts) down to
// a few rows per stage/service/bucket, which core/stats-assemble.ts shapes into the response.
// Created by ClickHouseStore, which owns the connection.
import type { DependencyGraph, OrderHealth, StageStats, StatsQuery, Throughput } from '../../stats.ts';
import { checkStatsQuery } from '../../stats.ts';
import { dependencyGraphOf, orderHealthOf, stageStatsOf, throughputOf } from '../../stats-assemble.ts';
import type { StatsStore } from '../stats-store.ts';
import type { Connection } from './connection.ts';
import {
  dependencyEdgesQuery,
  dependencyNodesQuery,
  eventCountsQuery,
  logCountsQuery,
  orderHealthQuery,
  spanThroughputQuery,
  stagePointsQuery,
} from './stats-queries.ts';

/** 64-bit integers arrive as decimal strings (JSONEachRow). */
type Int = string | number;

export class ClickHouseStatsStore implements StatsStore {
  private readonly conn: Connection;
  private readonly db: string;
  private readonly ready: () => void;

  /** `ready` throws when the owning store is closed or not initialised yet. */
  constructor(conn: Connection, database: string, ready: () => void) {
    this.conn = conn;
    this.db = database;
    this.ready = ready;
  }

  private rows<T>(sql: string, what: string): Promise<T[]> {
    this.ready();
    return this.conn.rows<T>(sql, what);
  }

  async stageStats(query: StatsQuery): Promise<StageStats> {
    const q = checkStatsQuery(query);
    if (q.stages.length === 0) return stageStatsOf(q, []);
    const rows = await this.rows<{ k: Int; b: Int; n: Int; q: Int[]; late: Int }>(stagePointsQuery(this.db, q, q.stages), 'stageStats');
    return stageStatsOf(
      q,
      rows.map((r) => ({ stageIndex: Number(r.k), tMs: Number(r.b), count: Number(r.n), p50Ns: Number(r.q[0]), p95Ns: Number(r.q[1]), overdue: Number(r.late) })),
    );
  }

  async throughput(query: StatsQuery): Promise<Throughput> {
    const q = checkStatsQuery(query);
    const [spans, events, logs] = await Promise.all([
      this.rows<{ service: string; b: Int; n: Int; err: Int }>(spanThroughputQuery(this.db, q), 'throughput'),
      this.rows<{ b: Int; n: Int }>(eventCountsQuery(this.db, q), 'throughput'),
      this.rows<{ b: Int; n: Int }>(logCountsQuery(this.db, q), 'throughput'),
    ]);
    const counts = (rows: Array<{ b: Int; n: Int }>) => rows.map((r) => ({ tMs: Number(r.b), count: Number(r.n) }));
    return throughputOf(
      q,
      spans.map((r) => ({ service: r.service, tMs: Number(r.b), spans: Number(r.n), errors: Number(r.err) })),
      counts(events),
      counts(logs),
    );
  }

  async orderHealth(query: StatsQuery): Promise<OrderHealth> {
    const q = checkStatsQuery(query);
    const [row] = await this.rows<Record<string, Int>>(orderHealthQuery(this.db, q, q.stages, q.nowMs), 'orderHealth');
    const n = (column: string) => Number(row?.[column] ?? 0);
    return orderHealthOf(q, {
      orders: n('orders'),
      healthy: n('healthy'),
      started: q.stages.map((_, k) => n(`ns${k}`)),
      breached: q.stages.map((_, k) => n(`nb${k}`)),
    });
  }

  async dependencies(query: StatsQuery): Promise<DependencyGraph> {
    const q = checkStatsQuery(query);
    const [nodes, edges] = await Promise.all([
      this.rows<{ service: string; n: Int; err: Int }>(dependencyNodesQuery(this.db, q), 'dependencies'),
      this.rows<{ source: string; target: string; calls: Int; err: Int; p95: Int }>(dependencyEdgesQuery(this.db, q), 'dependencies'),
    ]);
    return dependencyGraphOf(
      q,
      nodes.map((r) => ({ service: r.service, spans: Number(r.n), errors: Number(r.err) })),
      edges.map((r) => ({ source: r.source, target: r.target, calls: Number(r.calls), errors: Number(r.err), p95Ns: Number(r.p95) })),
    );
  }
}
