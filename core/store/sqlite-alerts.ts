// The AlertStore of the embedded store: alerts.sqlite in the data dir (schema: sqlite-alerts-schema.ts),
// written through its own SqliteWriter thread (group commit; a write resolves once committed, fsynced
// when durability is 'full'), read on the main thread over a read-only connection (WAL).
//
// Versions: every upsert is INSERT … ON CONFLICT DO UPDATE … WHERE excluded.version > version, so
// the row keeps the highest version whatever order writes commit in (equal versions keep the first),
// and a redelivered old row changes nothing. Rule counts are "set" (latest write wins); dead
// letters keep the copy with the most attempts.
import { join } from 'node:path';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Alert, AlertQuery, DeadLetter, OrderRuleState, Silence, StatusProjection } from '../alerts.ts';
import { UnavailableError } from '../errors.ts';
import type { RuleCountRow } from '../stats-assemble.ts';
import { checkWindow } from '../stats.ts';
import { openDatabase } from '../sqlite/open.ts';
import { SqliteWriter, type WriteOp } from '../sqlite/writer.ts';
import type { Durability } from '../sqlite/writer-protocol.ts';
import {
  alertCursor,
  alertFilter,
  type AlertFilter,
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
} from './alert-params.ts';
import type { AlertStore, RuleCount } from './alert-store.ts';
import { checkLimit } from './query.ts';
import { ALERT_MIGRATIONS, ALERTS_DATABASE_FILE } from './sqlite-alerts-schema.ts';
import { migrate } from './sqlite-schema.ts';
import type { Page } from './store.ts';

export interface SqliteAlertStoreOptions {
  /** Directory holding alerts.sqlite (must exist). */
  dataDir: string;
  durability: Durability;
  /** Writes waiting on the writer thread beyond which a write rejects with UnavailableError (default 256). */
  maxPendingWrites?: number;
}

/**
 * `INSERT … ON CONFLICT (key) DO UPDATE` of every column; with `newerThan`, only when the incoming
 * row's value of that column is greater than the stored one.
 */
function upsertSql(table: string, key: string[], columns: string[], newerThan: string | null): string {
  const all = [...key, ...columns];
  const set = columns.map((c) => `${c} = excluded.${c}`).join(', ');
  const guard = newerThan ? ` WHERE excluded.${newerThan} > ${table}.${newerThan}` : '';
  return (
    `INSERT INTO ${table} (${all.join(', ')}) VALUES (${all.map(() => '?').join(', ')}) ` +
    `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${set}${guard}`
  );
}

const UPSERT_ALERT = upsertSql('alerts', ['id'], ['version', 'rule_id', 'order_id', 'state', 'severity', 'fired_at_ms', 'body'], 'version');
const UPSERT_SILENCE = upsertSql('silences', ['id'], ['version', 'ends_at_ms', 'body'], 'version');
const UPSERT_STATE = upsertSql('order_states', ['order_id'], ['version', 'part', 'state'], 'version');
const UPSERT_PROJECTION = upsertSql('status_projections', ['order_id'], ['version', 'body'], 'version');
const UPSERT_COUNT = upsertSql('rule_counts', ['rule_id', 'bucket_ms', 'worker_id'], ['matches'], null);
const UPSERT_DEAD_LETTER = upsertSql('dead_letters', ['id'], ['attempts', 'created_at_ms', 'body'], 'attempts');

/** One page of alerts (limit + 1 rows): an index range walk in page order (see sqlite-alerts-schema.ts). */
export function listAlertsSql(f: AlertFilter): { sql: string; params: SQLInputValue[] } {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  const add = (condition: string, ...values: SQLInputValue[]) => {
    where.push(condition);
    params.push(...values);
  };
  if (f.ruleId !== undefined) add('rule_id = ?', f.ruleId);
  if (f.orderId !== undefined) add('order_id = ?', f.orderId);
  if (f.state !== undefined) add('state = ?', f.state);
  if (f.severity !== undefined) add('severity = ?', f.severity);
  if (f.fromMs !== undefined) add('fired_at_ms >= ?', f.fromMs);
  if (f.toMs !== undefined) add('fired_at_ms < ?', f.toMs);
  // Written as a range on fired_at_ms plus a tie test, so the index range starts at the cursor.
  if (f.after) add('fired_at_ms <= ? AND (fired_at_ms < ? OR id > ?)', f.after.firedAtMs, f.after.firedAtMs, f.after.id);
  const sql =
    `SELECT body FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ` +
    `ORDER BY fired_at_ms DESC, id LIMIT ${f.limit + 1}`;
  return { sql, params };
}

/** Live states of one partition after an order ID (params: part, afterOrderId, limit): the partial index's range. */
export const LOAD_STATES_SQL =
  'SELECT order_id, part, version, state FROM order_states WHERE part = ? AND state IS NOT NULL AND order_id > ? ORDER BY order_id LIMIT ?';

export class SqliteAlertStore implements AlertStore {
  private readonly options: SqliteAlertStoreOptions;
  private readonly path: string;
  private writer: SqliteWriter | null = null;
  private reader: DatabaseSync | null = null;
  private readonly statements = new Map<string, StatementSync>();
  private closed = false;

  constructor(options: SqliteAlertStoreOptions) {
    this.options = { ...options };
    this.path = join(options.dataDir, ALERTS_DATABASE_FILE);
  }

  /** Migrates the file and starts its writer thread (SqliteStore.init() calls this). */
  async open(): Promise<void> {
    if (this.closed) throw new UnavailableError('storage is closed');
    const db = openDatabase(this.path, this.options.durability);
    try {
      migrate(db, ALERT_MIGRATIONS);
    } finally {
      db.close();
    }
    this.writer = await SqliteWriter.open({ path: this.path, schema: [], durability: this.options.durability });
    this.reader = openDatabase(this.path, this.options.durability, true);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.reader?.close();
    this.reader = null;
    await this.writer?.close();
    this.writer = null;
  }

  private ready(): { writer: SqliteWriter; reader: DatabaseSync } {
    if (this.closed) throw new UnavailableError('storage is closed');
    if (!this.writer || !this.reader) throw new UnavailableError('storage is not initialised (call init())');
    return { writer: this.writer, reader: this.reader };
  }

  /** Runs one statement per row, in one transaction; resolves once committed. */
  private async write(sql: string, rows: SQLInputValue[][]): Promise<void> {
    const { writer } = this.ready();
    if (rows.length === 0) return;
    if (writer.inFlight >= (this.options.maxPendingWrites ?? 256)) throw new UnavailableError('storage busy: too many writes waiting', 1);
    const op: WriteOp = { sql, rows };
    await writer.write([op]);
  }

  private rows<T>(sql: string, ...params: SQLInputValue[]): T[] {
    const { reader } = this.ready();
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = reader.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared.all(...params) as T[];
  }

  private bodies<T>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.rows<{ body: string }>(sql, ...params).map((r) => JSON.parse(r.body) as T);
  }

  // ---------------------------------------------------------------- alerts

  async upsertAlerts(alerts: Alert[]): Promise<void> {
    const rows = alerts.map(checkAlert).map((a) => [a.id, a.version, a.ruleId, a.orderId, a.state, a.severity, a.firedAtMs, JSON.stringify(a)]);
    await this.write(UPSERT_ALERT, rows);
  }

  async getAlert(id: string): Promise<Alert | null> {
    return this.bodies<Alert>('SELECT body FROM alerts WHERE id = ?', String(id))[0] ?? null;
  }

  async listAlerts(query: AlertQuery): Promise<Page<Alert>> {
    this.ready();
    const f = alertFilter(query);
    const { sql, params } = listAlertsSql(f);
    return pageOf(this.bodies<Alert>(sql, ...params), f.limit, alertCursor);
  }

  async countAlerts(sinceMs: number): Promise<{ ruleId: string; state: Alert['state']; count: number }[]> {
    const since = checkMillis(sinceMs, 'sinceMs');
    return this.rows<{ rule_id: string; state: Alert['state']; n: number }>(
      'SELECT rule_id, state, count(*) AS n FROM alerts WHERE fired_at_ms >= ? GROUP BY rule_id, state ORDER BY rule_id, state',
      since,
    ).map((r) => ({ ruleId: r.rule_id, state: r.state, count: r.n }));
  }

  /** Reads the covering (fired_at_ms, rule_id, state) index over the window; a row is an alert's latest version. */
  async alertTimeline(fromMs: number, toMs: number, bucketMs: number): Promise<RuleCountRow[]> {
    checkWindow(fromMs, toMs, bucketMs);
    const bucket = BigInt(bucketMs);
    return this.rows<{ rule_id: string; b: number; n: number }>(
      'SELECT rule_id, (fired_at_ms / ?) * ? AS b, count(*) AS n FROM alerts WHERE fired_at_ms >= ? AND fired_at_ms < ? GROUP BY rule_id, b',
      bucket,
      bucket,
      BigInt(fromMs),
      BigInt(toMs),
    ).map((r) => ({ ruleId: r.rule_id, tMs: r.b, count: r.n }));
  }

  // ---------------------------------------------------------------- silences

  async upsertSilence(silence: Silence): Promise<void> {
    const s = checkSilence(silence);
    await this.write(UPSERT_SILENCE, [[s.id, s.version, s.endsAtMs, JSON.stringify(s)]]);
  }

  async activeSilences(nowMs: number): Promise<Silence[]> {
    return this.bodies<Silence>('SELECT body FROM silences WHERE ends_at_ms > ? ORDER BY ends_at_ms, id', checkMillis(nowMs, 'nowMs'));
  }

  async getSilence(id: string): Promise<Silence | null> {
    return this.bodies<Silence>('SELECT body FROM silences WHERE id = ?', String(id))[0] ?? null;
  }

  // ---------------------------------------------------------------- order rule states

  async saveOrderStates(states: OrderRuleState[]): Promise<void> {
    await this.write(UPSERT_STATE, states.map(checkOrderState).map((s) => [s.orderId, s.version, s.partition, s.state]));
  }

  /** Pages walk the partitions in ascending order, each by order ID (the cursor is [partition, orderId]). */
  async loadOrderStates(partitions: number[], pageSize: number, cursor?: string): Promise<Page<OrderRuleState>> {
    this.ready();
    const parts = checkPartitions(partitions);
    const limit = checkLimit(pageSize);
    const [afterPart, afterOrder] = cursor === undefined ? [-1, ''] : (decodeCursor(cursor, ['number', 'string']) as [number, string]);
    const found: OrderRuleState[] = [];
    for (const part of parts) {
      if (part < afterPart) continue;
      const rows = this.rows<{ order_id: string; part: number; version: number; state: string }>(
        LOAD_STATES_SQL,
        part,
        part === afterPart ? afterOrder : '',
        limit + 1 - found.length,
      );
      for (const r of rows) found.push({ orderId: r.order_id, partition: r.part, state: r.state, version: r.version });
      if (found.length > limit) break;
    }
    return pageOf(found, limit, (s) => encodeCursor([s.partition, s.orderId]));
  }

  // ---------------------------------------------------------------- status projections

  async saveStatusProjections(projections: StatusProjection[]): Promise<void> {
    await this.write(UPSERT_PROJECTION, projections.map(checkProjection).map((p) => [p.orderId, p.version, JSON.stringify(p)]));
  }

  async getStatusProjection(orderId: string): Promise<StatusProjection | null> {
    return this.bodies<StatusProjection>('SELECT body FROM status_projections WHERE order_id = ?', String(orderId))[0] ?? null;
  }

  // ---------------------------------------------------------------- rule counts

  async saveRuleCounts(counts: RuleCount[]): Promise<void> {
    await this.write(UPSERT_COUNT, counts.map(checkRuleCount).map((c) => [c.ruleId, c.bucketMs, c.workerId, c.count]));
  }

  async sumRuleCounts(ruleId: string, fromMs: number, toMs: number): Promise<number> {
    const [row] = this.rows<{ n: number }>(
      'SELECT coalesce(sum(matches), 0) AS n FROM rule_counts WHERE rule_id = ? AND bucket_ms >= ? AND bucket_ms < ?',
      String(ruleId),
      checkMillis(fromMs, 'fromMs'),
      checkMillis(toMs, 'toMs'),
    );
    return row?.n ?? 0;
  }

  // ---------------------------------------------------------------- dead letters

  async addDeadLetter(letter: DeadLetter): Promise<void> {
    const d = checkDeadLetter(letter);
    await this.write(UPSERT_DEAD_LETTER, [[d.id, d.attempts, d.createdAtMs, JSON.stringify(d)]]);
  }

  /** Newest first (ties: id). */
  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    return this.bodies<DeadLetter>('SELECT body FROM dead_letters ORDER BY created_at_ms DESC, id LIMIT ?', checkLimit(limit));
  }
}
