// The StatsStore of the ClickHouse store: each aggregate is computed in SQL (stats-queries.ts) down to
// a few rows per stage/service/bucket, which core/stats-assemble.ts shapes into the response.
// Created by ClickHouseStore, which owns the connection.
import type { DependencyGraph, DependencyNode, OrderHealth, StageStats, StatsQuery, Throughput } from '../../stats.ts';
import { checkStatsQuery } from '../../stats.ts';
import { dependencyGraphOf, orderHealthOf, stageStatsOf, throughputOf, type EdgeRow } from '../../stats-assemble.ts';
import type { StatsStore } from '../stats-store.ts';
import { CompanionStore } from './companion-store.ts';
import {
  dependencyQuery,
  eventCountsQuery,
  logCountsQuery,
  orderHealthQuery,
  serviceHashesQuery,
  spanThroughputQuery,
  stagePointsQuery,
} from './stats-queries.ts';

/** 64-bit integers arrive as decimal strings (JSONEachRow). */
type Int = string | number;

export class ClickHouseStatsStore extends CompanionStore implements StatsStore {
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
    const rows = await this.rows<DependencyRow>(dependencyQuery(this.db, q), 'dependencies');
    // After the spans were read, so every service they name is there.
    const names = rows.length ? await this.rows<{ h: Int; service: string }>(serviceHashesQuery(this.db, q), 'dependencies') : [];
    const { nodes, edges } = dependencyRowsOf(rows, new Map(names.map((r) => [String(r.h), r.service])));
    return dependencyGraphOf(q, nodes, edges);
  }
}

/** A row of dependencyQuery: service hashes (source '0': no edge), span count, errors, p95 in ns. */
export interface DependencyRow {
  source: Int;
  target: Int;
  n: Int;
  err: Int;
  p95: Int;
}

/** Nodes (every row's spans, per target) and edges (rows with a source) by service name. */
export function dependencyRowsOf(rows: readonly DependencyRow[], nameOf: ReadonlyMap<string, string>): { nodes: DependencyNode[]; edges: EdgeRow[] } {
  const name = (hash: Int) => {
    const service = nameOf.get(String(hash));
    if (service === undefined) throw new Error(`dependencies: no service name for hash ${hash}`);
    return service;
  };
  const nodes = new Map<string, DependencyNode>();
  const edges: EdgeRow[] = [];
  for (const r of rows) {
    const target = name(r.target);
    let node = nodes.get(target);
    if (!node) nodes.set(target, (node = { service: target, spans: 0, errors: 0 }));
    node.spans += Number(r.n);
    node.errors += Number(r.err);
    if (String(r.source) !== '0') edges.push({ source: name(r.source), target, calls: Number(r.n), errors: Number(r.err), p95Ns: Number(r.p95) });
  }
  return { nodes: [...nodes.values()], edges };
}
