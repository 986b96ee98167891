// Every SQL text the ClickHouse store runs after init, as pure builder functions (values only through
// sql.ts), so test/clickhouse/chdb-modern.test.ts can run exactly these texts on a current engine.
// All of it is plain SQL that 18.16 and current ClickHouse both accept: PREWHERE, LIMIT n BY,
// IN lists, has(), position(), system.parts, ALTER … DROP PARTITION.
//
// De-duplication happens at query time: a redelivered record is an identical row. Searches keep one
// row per (time, id) in SQL (`LIMIT 1 BY start_ns, trace_id, span_id` / `time_ns, log_id`), so a
// page's ORDER BY … LIMIT and its cursor see each record once; events keep one per event_id
// (`LIMIT 1 BY event_id`). Point reads return only `body` (one column is what keeps them cheap) and
// the store keeps one record per identity (trace+span ID, log ID) in JavaScript.
import { DAY_NS } from './rows.ts';
import { LookupKind, qualified, Table, type DayTable } from './schema.ts';
import { identifier, inList, intLiteral, quoteString, uintLiteral } from './sql.ts';

const q = quoteString;
const u = (v: bigint | number | string) => uintLiteral(v);

/** A time range of one service's rows (a lookup row, or several merged). */
export interface TimeRange {
  day: number;
  service: string;
  lo: string;
  hi: string;
}

/** More ranges than this for one service are read as one [min, max] range. */
export const MAX_RANGES_PER_SERVICE = 64;

export function versionQuery(): string {
  return 'SELECT version() AS version';
}

/** Every lookup row of the keys, as (k, v) — v decoded by lookup-rows.ts decodeLookup; kinds are told apart there. */
export function lookupQuery(database: string, keys: readonly string[]): string {
  return `SELECT k, v FROM ${qualified(database, Table.lookup)} PREWHERE k IN ${inList(keys, q)}`;
}

/**
 * An order's lookup rows (its traces, untraced-log ranges, event days) AND, through a subquery, the
 * span/log ranges of its traces: one round trip instead of two.
 */
export function orderLookupQuery(database: string, orderId: string): string {
  const lookup = qualified(database, Table.lookup);
  const traces = `SELECT target FROM ${lookup} WHERE k = ${q(orderId)} AND kind = ${u(LookupKind.ORDER_TRACE)}`;
  return `SELECT k, v FROM ${lookup} PREWHERE k = ${q(orderId)} OR k IN (${traces})`;
}

/** Ranges per service, overlapping ones merged; too many collapse to one. */
export function mergeRanges(ranges: readonly TimeRange[]): Map<string, Array<[bigint, bigint]>> {
  const byService = new Map<string, Array<[bigint, bigint]>>();
  for (const r of ranges) {
    let list = byService.get(r.service);
    if (!list) byService.set(r.service, (list = []));
    list.push([BigInt(r.lo), BigInt(r.hi)]);
  }
  for (const [service, list] of byService) {
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const merged: Array<[bigint, bigint]> = [];
    for (const [lo, hi] of list) {
      const last = merged[merged.length - 1];
      if (last && lo <= last[1]) {
        if (hi > last[1]) last[1] = hi;
      } else {
        merged.push([lo, hi]);
      }
    }
    byService.set(service, merged.length > MAX_RANGES_PER_SERVICE ? [[merged[0]![0], merged[merged.length - 1]![1]]] : merged);
  }
  return byService;
}

/**
 * `(service = … AND t >= lo AND t <= hi) OR …`: primary-key ranges of (service, time); the time ranges
 * also rule out every part (and day) whose min/max time misses them.
 */
export function rangesCondition(timeColumn: 'start_ns' | 'time_ns', ranges: readonly TimeRange[]): string {
  const terms: string[] = [];
  for (const [service, list] of mergeRanges(ranges)) {
    for (const [lo, hi] of list) terms.push(`(service = ${q(service)} AND ${timeColumn} >= ${u(lo)} AND ${timeColumn} <= ${u(hi)})`);
  }
  if (terms.length === 0) throw new RangeError('rangesCondition needs at least one range');
  return `(${terms.join(' OR ')})`;
}

/** Bodies of the spans of these traces within the ranges the lookup gave (duplicates included). */
export function spansInRangesQuery(database: string, traceIds: readonly string[], ranges: readonly TimeRange[]): string {
  return (
    `SELECT body FROM ${qualified(database, Table.spans)} PREWHERE trace_id IN ${inList(traceIds, q)} ` +
    `WHERE ${rangesCondition('start_ns', ranges)}`
  );
}

/** Bodies of the logs of these traces — or, with `untracedOf`, the order's logs without a trace — within the ranges. */
export function logsInRangesQuery(
  database: string,
  match: { traceIds: readonly string[] } | { untracedOf: string },
  ranges: readonly TimeRange[],
): string {
  const pre = 'traceIds' in match ? `trace_id IN ${inList(match.traceIds, q)}` : `order_id = ${q(match.untracedOf)} AND trace_id = ''`;
  return (
    `SELECT body FROM ${qualified(database, Table.logs)} PREWHERE ${pre} WHERE ${rangesCondition('time_ns', ranges)}`
  );
}

/** An order's events, one per event ID, from the days its lookup rows name (so it runs alongside the lookup). */
export function eventsQuery(database: string, orderId: string): string {
  const days = `SELECT day FROM ${qualified(database, Table.lookup)} WHERE k = ${q(orderId)} AND kind = ${u(LookupKind.ORDER_EVENTS)}`;
  return (
    `SELECT body FROM ${qualified(database, Table.events)} WHERE day IN (${days}) AND order_id = ${q(orderId)} ` +
    `ORDER BY time_ns, event_id LIMIT 1 BY event_id`
  );
}

export function servicesQuery(database: string): string {
  return `SELECT service, kind, name FROM ${qualified(database, Table.operations)} GROUP BY service, kind, name`;
}

/** Day partitions holding data, per table. */
export function partitionsQuery(database: string, tables: readonly DayTable[]): string {
  return (
    `SELECT DISTINCT table, partition FROM system.parts ` +
    `WHERE database = ${q(database)} AND table IN ${inList(tables, q)} AND active`
  );
}

/** Time column of the tables partitioned by intDiv(time, 1 day); the others have a `day` column. */
const TIME_PARTITIONED: Partial<Record<DayTable, string>> = { spans: 'start_ns', logs: 'time_ns' };

/** Rows of a table in the given day partitions. */
export function countInDaysQuery(database: string, table: DayTable, days: Iterable<number>): string {
  const time = TIME_PARTITIONED[table];
  const where = time
    ? [...days].map((d) => `(${time} >= ${u(BigInt(d) * DAY_NS)} AND ${time} < ${u((BigInt(d) + 1n) * DAY_NS)})`).join(' OR ')
    : `day IN ${inList(days, u)}`;
  if (!where) throw new RangeError('countInDaysQuery needs at least one day');
  return `SELECT count() AS n FROM ${qualified(database, table)} WHERE ${where}`;
}

export function dropPartitionStatement(database: string, table: DayTable, day: number): string {
  return `ALTER TABLE ${qualified(database, table)} DROP PARTITION ${u(day)}`;
}

export function dropDatabaseStatement(database: string): string {
  return `DROP DATABASE IF EXISTS ${identifier(database)}`;
}

// ------------------------------------------------------------------ search

/** Bounds common to a search step: a half-open time window [from, to) and how many keys. */
export interface SearchWindow {
  fromNs: bigint;
  /** Exclusive. */
  toNs: bigint;
  limit: number;
}

export interface SpanSearchFilter {
  service?: string;
  name?: string;
  status?: number;
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  /** attrs elements that must all be present (rows.ts attrTerm). */
  attrTerms: readonly string[];
}

/** Cursor position: records strictly after it in newest-first order. */
export interface SpanPosition {
  t: string;
  traceId: string;
  spanId: string;
}

export interface LogPosition {
  t: string;
  logId: string;
}

function windowConditions(timeColumn: string, w: SearchWindow): string[] {
  return [`${timeColumn} >= ${u(w.fromNs)}`, `${timeColumn} < ${u(w.toNs)}`];
}

function attrConditions(terms: readonly string[]): string[] {
  return terms.map((term) => `has(attrs, ${q(term)})`);
}

/** Search step 1: the keys of the newest matching spans in the window (light columns only). */
export function spanSearchKeysQuery(database: string, w: SearchWindow, f: SpanSearchFilter, after?: SpanPosition): string {
  const where = windowConditions('start_ns', w);
  if (f.service !== undefined) where.push(`service = ${q(f.service)}`);
  if (f.name !== undefined) where.push(`name = ${q(f.name)}`);
  if (f.status !== undefined) where.push(`status = ${u(f.status)}`);
  if (f.minDurationNs !== undefined) where.push(`dur_ns >= ${intLiteral(f.minDurationNs)}`);
  if (f.maxDurationNs !== undefined) where.push(`dur_ns <= ${intLiteral(f.maxDurationNs)}`);
  where.push(...attrConditions(f.attrTerms));
  if (after) {
    const t = u(after.t);
    where.push(
      `start_ns <= ${t}`,
      `(start_ns < ${t} OR trace_id < ${q(after.traceId)} OR (trace_id = ${q(after.traceId)} AND span_id < ${q(after.spanId)}))`,
    );
  }
  return (
    `SELECT start_ns, trace_id, span_id, service FROM ${qualified(database, Table.spans)} WHERE ${where.join(' AND ')} ` +
    `ORDER BY start_ns DESC, trace_id DESC, span_id DESC LIMIT 1 BY start_ns, trace_id, span_id LIMIT ${u(w.limit)}`
  );
}

export interface SpanKey {
  start_ns: string;
  trace_id: string;
  span_id: string;
  service: string;
}

/** `t >= min AND t <= max` of the times: prunes parts by their min/max time. */
function timeBounds(column: string, times: readonly string[]): string {
  let min = BigInt(times[0]!);
  let max = min;
  for (const t of times) {
    const n = BigInt(t);
    if (n < min) min = n;
    if (n > max) max = n;
  }
  return `${column} >= ${u(min)} AND ${column} <= ${u(max)}`;
}

/** Search step 2: the bodies of those keys' rows (a superset; the caller matches them exactly). */
export function spansByKeysQuery(database: string, keys: readonly SpanKey[]): string {
  return (
    `SELECT body FROM ${qualified(database, Table.spans)} PREWHERE span_id IN ${inList(new Set(keys.map((k) => k.span_id)), q)} ` +
    `WHERE ${timeBounds('start_ns', keys.map((k) => k.start_ns))} AND service IN ${inList(new Set(keys.map((k) => k.service)), q)} ` +
    `AND start_ns IN ${inList(new Set(keys.map((k) => k.start_ns)), u)}`
  );
}

export interface LogSearchFilter {
  service?: string;
  traceId?: string;
  /** With traceId: the trace's log ranges from the lookup (keeps the read to them). */
  traceRanges?: readonly TimeRange[];
  spanId?: string;
  minSeverity?: number;
  /** Lower-cased needle for body_lower. */
  needle?: string;
  attrTerms: readonly string[];
}

export function logSearchKeysQuery(database: string, w: SearchWindow, f: LogSearchFilter, after?: LogPosition): string {
  const where = windowConditions('time_ns', w);
  if (f.service !== undefined) where.push(`service = ${q(f.service)}`);
  if (f.traceId !== undefined) where.push(`trace_id = ${q(f.traceId)}`);
  if (f.traceRanges !== undefined) where.push(`(${rangesCondition('time_ns', f.traceRanges)})`);
  if (f.spanId !== undefined) where.push(`span_id = ${q(f.spanId)}`);
  if (f.minSeverity !== undefined) where.push(`severity >= ${intLiteral(f.minSeverity)}`);
  if (f.needle) where.push(`position(body_lower, ${q(f.needle)}) > 0`);
  where.push(...attrConditions(f.attrTerms));
  if (after) {
    const t = u(after.t);
    where.push(`time_ns <= ${t}`, `(time_ns < ${t} OR log_id < ${q(after.logId)})`);
  }
  return (
    `SELECT time_ns, log_id, service FROM ${qualified(database, Table.logs)} WHERE ${where.join(' AND ')} ` +
    `ORDER BY time_ns DESC, log_id DESC LIMIT 1 BY time_ns, log_id LIMIT ${u(w.limit)}`
  );
}

export interface LogKey {
  time_ns: string;
  log_id: string;
  service: string;
}

export function logsByKeysQuery(database: string, keys: readonly LogKey[]): string {
  return (
    `SELECT body FROM ${qualified(database, Table.logs)} PREWHERE log_id IN ${inList(new Set(keys.map((k) => k.log_id)), q)} ` +
    `WHERE ${timeBounds('time_ns', keys.map((k) => k.time_ns))} AND service IN ${inList(new Set(keys.map((k) => k.service)), q)} ` +
    `AND time_ns IN ${inList(new Set(keys.map((k) => k.time_ns)), u)}`
  );
}
