// Every SQL text the ClickHouse alert store runs, as pure builders (values only through sql.ts), so
// test/clickhouse/chdb-modern.test.ts runs exactly these texts on a current engine. Plain SQL that
// 18.16 accepts too: argMax, GROUP BY, IN subqueries on tuples, LIMIT n BY, PREWHERE.
//
// De-duplication at query time, never by merges: an inner query keeps each key's highest version
// (max(version), argMax(column, version) … GROUP BY key) and the filters apply to THAT row — filtering
// before de-duplicating would let an old copy (firing) match after the alert was resolved. Large
// columns (body, state) are then read only for the chosen (key, version) pairs:
// `PREWHERE (key, version) IN (…)`; identical copies of one version are dropped by LIMIT 1 BY key.
//
// Aliases of aggregates never reuse a column name (`argMax(state, version) AS state` would make old
// servers read the alias inside the aggregate).
import type { AlertFilter } from '../alert-params.ts';
import { AlertTable } from './alerts-schema.ts';
import { qualified } from './schema.ts';
import { inList, intLiteral, quoteString, uintLiteral } from './sql.ts';

const q = quoteString;
const i = (v: number) => intLiteral(v);
const u = (v: number) => uintLiteral(v);

function where(conditions: string[]): string {
  return conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
}

/** Each alert's latest version: id, v, and its filter columns as r_id, o_id, st, sev, fired. */
function latestAlerts(database: string, conditions: string[]): string {
  return (
    `SELECT id, max(version) AS v, argMax(rule_id, version) AS r_id, argMax(order_id, version) AS o_id, ` +
    `argMax(state, version) AS st, argMax(severity, version) AS sev, argMax(fired_at_ms, version) AS fired ` +
    `FROM ${qualified(database, AlertTable.alerts)}${where(conditions)} GROUP BY id`
  );
}

/**
 * One page of alerts (limit + 1 rows, to tell whether there is more), newest fired first, ties by id.
 * rule_id and order_id are part of an alert's identity (its id hashes them), so they also narrow the
 * rows read before de-duplication.
 */
export function listAlertsQuery(database: string, f: AlertFilter): string {
  const pre: string[] = [];
  if (f.ruleId !== undefined) pre.push(`rule_id = ${q(f.ruleId)}`);
  if (f.orderId !== undefined) pre.push(`order_id = ${q(f.orderId)}`);
  const post: string[] = [];
  if (f.ruleId !== undefined) post.push(`r_id = ${q(f.ruleId)}`);
  if (f.orderId !== undefined) post.push(`o_id = ${q(f.orderId)}`);
  if (f.state !== undefined) post.push(`st = ${q(f.state)}`);
  if (f.severity !== undefined) post.push(`sev = ${q(f.severity)}`);
  if (f.fromMs !== undefined) post.push(`fired >= ${i(f.fromMs)}`);
  if (f.toMs !== undefined) post.push(`fired < ${i(f.toMs)}`);
  if (f.after) post.push(`(fired < ${i(f.after.firedAtMs)} OR (fired = ${i(f.after.firedAtMs)} AND id > ${q(f.after.id)}))`);
  const page = `SELECT id, v FROM (${latestAlerts(database, pre)})${where(post)} ORDER BY fired DESC, id LIMIT ${u(f.limit + 1)}`;
  return (
    `SELECT body FROM ${qualified(database, AlertTable.alerts)} PREWHERE (id, version) IN (${page}) ` +
    `ORDER BY fired_at_ms DESC, id LIMIT 1 BY id`
  );
}

export function getAlertQuery(database: string, id: string): string {
  return `SELECT argMax(body, version) AS b FROM ${qualified(database, AlertTable.alerts)} WHERE id = ${q(id)} GROUP BY id`;
}

/** Latest-version alerts fired at or after sinceMs, counted per rule and state (columns r_id, st, n). */
export function countAlertsQuery(database: string, sinceMs: number): string {
  return `SELECT r_id, st, count() AS n FROM (${latestAlerts(database, [])}) WHERE fired >= ${i(sinceMs)} GROUP BY r_id, st ORDER BY r_id, st`;
}

/**
 * Latest-version alerts fired in [fromMs, toMs), counted per rule and bucket of bucketMs (columns r_id,
 * b = bucket start in ms, n). The alerts table is ordered by id, not time: every alert's light columns
 * are read to find its latest version, as countAlertsQuery does.
 */
export function alertTimelineQuery(database: string, fromMs: number, toMs: number, bucketMs: number): string {
  return (
    `SELECT r_id, intDiv(fired, ${u(bucketMs)}) * ${u(bucketMs)} AS b, count() AS n FROM (${latestAlerts(database, [])}) ` +
    `WHERE fired >= ${i(fromMs)} AND fired < ${i(toMs)} GROUP BY r_id, b`
  );
}

// ------------------------------------------------------------------ silences

export function activeSilencesQuery(database: string, nowMs: number): string {
  return (
    `SELECT b AS body FROM (SELECT id, argMax(body, version) AS b, argMax(ends_at_ms, version) AS ends ` +
    `FROM ${qualified(database, AlertTable.silences)} GROUP BY id) WHERE ends > ${i(nowMs)} ORDER BY ends, id`
  );
}

export function getSilenceQuery(database: string, id: string): string {
  return `SELECT argMax(body, version) AS b FROM ${qualified(database, AlertTable.silences)} WHERE id = ${q(id)} GROUP BY id`;
}

// ------------------------------------------------------------------ order rule states

/**
 * Paging step 1: how many of the next `limit` rows (order ID order, after `afterOrderId`) with a live
 * copy in the partitions there are, and the last one's order ID (columns n, last). Every order whose
 * latest version is live there has such a row, so the orders up to `last` are this page.
 */
export function orderStateCandidatesQuery(database: string, partitions: readonly number[], afterOrderId: string, limit: number): string {
  return (
    `SELECT count() AS n, max(order_id) AS last FROM (SELECT order_id FROM ${qualified(database, AlertTable.orderStates)} ` +
    `WHERE order_id > ${q(afterOrderId)} AND deleted = 0 AND part IN ${inList(partitions, u)} ORDER BY order_id LIMIT ${u(limit)})`
  );
}

/**
 * Paging step 2: the latest version of every order in (afterOrderId, lastOrderId], kept when it is
 * live and in the partitions (an order that moved partition, or was tombstoned since, drops out).
 * Columns order_id, p, v, s.
 */
export function orderStatesRangeQuery(database: string, partitions: readonly number[], afterOrderId: string, lastOrderId: string): string {
  return (
    `SELECT order_id, p, v, s FROM (SELECT order_id, argMax(part, version) AS p, max(version) AS v, ` +
    `argMax(deleted, version) AS gone, argMax(state, version) AS s FROM ${qualified(database, AlertTable.orderStates)} ` +
    `WHERE order_id > ${q(afterOrderId)} AND order_id <= ${q(lastOrderId)} GROUP BY order_id) ` +
    `WHERE gone = 0 AND p IN ${inList(partitions, u)} ORDER BY order_id`
  );
}

// ------------------------------------------------------------------ status projections

export function getStatusProjectionQuery(database: string, orderId: string): string {
  return (
    `SELECT argMax(body, version) AS b FROM ${qualified(database, AlertTable.statusProjections)} ` +
    `WHERE order_id = ${q(orderId)} GROUP BY order_id`
  );
}

// ------------------------------------------------------------------ rule counts

/** Sum over workers of each (bucket, worker)'s latest count, buckets in [fromMs, toMs) (column n). */
export function sumRuleCountsQuery(database: string, ruleId: string, fromMs: number, toMs: number): string {
  return (
    `SELECT sum(c) AS n FROM (SELECT argMax(matches, version) AS c FROM ${qualified(database, AlertTable.ruleCounts)} ` +
    `WHERE rule_id = ${q(ruleId)} AND bucket_ms >= ${i(fromMs)} AND bucket_ms < ${i(toMs)} GROUP BY bucket_ms, worker_id)`
  );
}

// ------------------------------------------------------------------ dead letters

/** Newest first (ties: id), each letter's copy with the most attempts. */
export function listDeadLettersQuery(database: string, limit: number): string {
  const table = qualified(database, AlertTable.deadLetters);
  const page =
    `SELECT id, a FROM (SELECT id, max(attempts) AS a, argMax(created_at_ms, attempts) AS created FROM ${table} GROUP BY id) ` +
    `ORDER BY created DESC, id LIMIT ${u(limit)}`;
  return `SELECT body FROM ${table} PREWHERE (id, attempts) IN (${page}) ORDER BY created_at_ms DESC, id LIMIT 1 BY id`;
}
