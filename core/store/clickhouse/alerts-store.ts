// The AlertStore of the ClickHouse store: plain JSONEachRow inserts (an upsert is a new row with its
// version), and reads that keep each key's highest version in SQL (alerts-queries.ts), so results and
// counts are exact however many copies, in whatever order, the tables hold before merges.
// Created by ClickHouseStore, which owns the connection and runs the migrations.
import type { Alert, AlertQuery, DeadLetter, OrderRuleState, Silence, StatusProjection } from '../../alerts.ts';
import {
  alertCursor,
  alertFilter,
  checkAlert,
  checkDeadLetter,
  checkMillis,
  checkOrderState,
  checkPartitions,
  checkProjection,
  checkRuleCount,
  checkSilence,
  decodeCursor,
  encodeCursor,
  pageOf,
} from '../alert-params.ts';
import type { AlertStore, RuleCount } from '../alert-store.ts';
import type { RuleCountRow } from '../../stats-assemble.ts';
import { checkWindow } from '../../stats.ts';
import { checkLimit } from '../query.ts';
import type { Page } from '../store.ts';
import {
  activeSilencesQuery,
  alertTimelineQuery,
  countAlertsQuery,
  getAlertQuery,
  getSilenceQuery,
  getStatusProjectionQuery,
  listAlertsQuery,
  listDeadLettersQuery,
  orderStateCandidatesQuery,
  orderStatesRangeQuery,
  sumRuleCountsQuery,
} from './alerts-queries.ts';
import {
  alertRow,
  deadLetterRow,
  orderStateFromRow,
  orderStateRow,
  projectionRow,
  ruleCountRow,
  silenceRow,
  writeVersion,
  type OrderStateRow,
} from './alerts-rows.ts';
import { AlertTable } from './alerts-schema.ts';
import { CompanionStore } from './companion-store.ts';
import { qualified } from './schema.ts';

export class ClickHouseAlertStore extends CompanionStore implements AlertStore {
  private async insert(table: string, rows: object[], what: string): Promise<void> {
    this.ready();
    await this.conn.insert(qualified(this.db, table), rows, what);
  }

  /** The `b` column of a single-row point read, parsed. */
  private async first<T>(sql: string, what: string): Promise<T | null> {
    this.ready();
    const [row] = await this.conn.rows<{ b: string }>(sql, what);
    return row ? (JSON.parse(row.b) as T) : null;
  }

  /** The `body` column of every row, parsed. */
  private async list<T>(sql: string, what: string): Promise<T[]> {
    this.ready();
    return (await this.conn.rows<{ body: string }>(sql, what)).map((r) => JSON.parse(r.body) as T);
  }

  // ---------------------------------------------------------------- alerts

  async upsertAlerts(alerts: Alert[]): Promise<void> {
    await this.insert(AlertTable.alerts, alerts.map(checkAlert).map(alertRow), 'upsert alerts');
  }

  async getAlert(id: string): Promise<Alert | null> {
    return this.first<Alert>(getAlertQuery(this.db, String(id)), 'getAlert');
  }

  async listAlerts(query: AlertQuery): Promise<Page<Alert>> {
    const f = alertFilter(query);
    return pageOf(await this.list<Alert>(listAlertsQuery(this.db, f), 'listAlerts'), f.limit, alertCursor);
  }

  async countAlerts(sinceMs: number): Promise<{ ruleId: string; state: Alert['state']; count: number }[]> {
    this.ready();
    const rows = await this.conn.rows<{ r_id: string; st: Alert['state']; n: string }>(
      countAlertsQuery(this.db, checkMillis(sinceMs, 'sinceMs')),
      'countAlerts',
    );
    return rows.map((r) => ({ ruleId: r.r_id, state: r.st, count: Number(r.n) }));
  }

  async alertTimeline(fromMs: number, toMs: number, bucketMs: number): Promise<RuleCountRow[]> {
    this.ready();
    checkWindow(fromMs, toMs, bucketMs);
    const rows = await this.conn.rows<{ r_id: string; b: string; n: string }>(alertTimelineQuery(this.db, fromMs, toMs, bucketMs), 'alertTimeline');
    return rows.map((r) => ({ ruleId: r.r_id, tMs: Number(r.b), count: Number(r.n) }));
  }

  // ---------------------------------------------------------------- silences

  async upsertSilence(silence: Silence): Promise<void> {
    await this.insert(AlertTable.silences, [silenceRow(checkSilence(silence))], 'upsert silence');
  }

  async activeSilences(nowMs: number): Promise<Silence[]> {
    return this.list<Silence>(activeSilencesQuery(this.db, checkMillis(nowMs, 'nowMs')), 'activeSilences');
  }

  async getSilence(id: string): Promise<Silence | null> {
    return this.first<Silence>(getSilenceQuery(this.db, String(id)), 'getSilence');
  }

  // ---------------------------------------------------------------- order rule states

  async saveOrderStates(states: OrderRuleState[]): Promise<void> {
    await this.insert(AlertTable.orderStates, states.map(checkOrderState).map(orderStateRow), 'save order states');
  }

  /**
   * Pages by order ID (the cursor is the last order ID looked at). A page holds up to pageSize states;
   * it can hold fewer and still have a next cursor, when orders in its range moved or were tombstoned.
   */
  async loadOrderStates(partitions: number[], pageSize: number, cursor?: string): Promise<Page<OrderRuleState>> {
    this.ready();
    const parts = checkPartitions(partitions);
    const limit = checkLimit(pageSize);
    const after = cursor === undefined ? '' : (decodeCursor(cursor, ['string'])[0] as string);
    if (parts.length === 0) return { items: [], nextCursor: null };
    const [candidates] = await this.conn.rows<{ n: string; last: string }>(
      orderStateCandidatesQuery(this.db, parts, after, limit),
      'loadOrderStates',
    );
    const n = Number(candidates?.n ?? 0);
    if (n === 0) return { items: [], nextCursor: null };
    const last = candidates!.last;
    const rows = await this.conn.rows<OrderStateRow>(orderStatesRangeQuery(this.db, parts, after, last), 'loadOrderStates');
    return { items: rows.map(orderStateFromRow), nextCursor: n < limit ? null : encodeCursor([last]) };
  }

  // ---------------------------------------------------------------- status projections

  async saveStatusProjections(projections: StatusProjection[]): Promise<void> {
    await this.insert(AlertTable.statusProjections, projections.map(checkProjection).map(projectionRow), 'save status projections');
  }

  async getStatusProjection(orderId: string): Promise<StatusProjection | null> {
    return this.first<StatusProjection>(getStatusProjectionQuery(this.db, String(orderId)), 'getStatusProjection');
  }

  // ---------------------------------------------------------------- rule counts

  async saveRuleCounts(counts: RuleCount[]): Promise<void> {
    const rows = counts.map(checkRuleCount).map((c) => ruleCountRow(c, writeVersion()));
    await this.insert(AlertTable.ruleCounts, rows, 'save rule counts');
  }

  async sumRuleCounts(ruleId: string, fromMs: number, toMs: number): Promise<number> {
    this.ready();
    const sql = sumRuleCountsQuery(this.db, String(ruleId), checkMillis(fromMs, 'fromMs'), checkMillis(toMs, 'toMs'));
    const [row] = await this.conn.rows<{ n: string }>(sql, 'sumRuleCounts');
    return Number(row?.n ?? 0);
  }

  // ---------------------------------------------------------------- dead letters

  async addDeadLetter(letter: DeadLetter): Promise<void> {
    await this.insert(AlertTable.deadLetters, [deadLetterRow(checkDeadLetter(letter))], 'add dead letter');
  }

  /** Newest first (ties: id). */
  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    return this.list<DeadLetter>(listDeadLettersQuery(this.db, checkLimit(limit)), 'listDeadLetters');
  }
}
