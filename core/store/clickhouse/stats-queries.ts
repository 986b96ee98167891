// Every SQL text of the ClickHouse stats store (the health dashboard, docs/health.md), as pure builders
// (values only through sql.ts), so test/clickhouse/chdb-modern.test.ts runs exactly these texts on a
// current engine. Plain SQL that 18.16 accepts too: uniqExact/uniqExactIf over several columns,
// quantileExact(s), arrayReduce, lambdas over several arrays, ARRAY JOIN of array expressions,
// visitParamExtractString, extract(), ANY LEFT JOIN … USING. No window functions, no CTEs.
//
// Reading by window: spans and logs by start_ns / time_ns (the partition key's column, so parts and
// days outside the window are skipped), events by their `day` partitions and time_ns. The stage and
// index queries then read every event of the orders the window names, through the events table's
// primary key (order_id IN subquery) — a stage may have started days before the window.
//
// De-duplication: a redelivered record is an identical row with the same time, so it lands in the same
// bucket: counts are uniqExact of the record identity (trace_id+span_id, log_id, event_id); the stage,
// index and dependency queries GROUP BY the identity first and take any() of the identical copies.
//
// Stage instances (core/stats-stages.ts is the reference): per order, its events become parallel
// arrays (ts, tys, shs); ARRAY JOIN turns each order into one row per shipment ID ('' when it has
// none); per stage, s/e/f are the first start/end/failOn time that counts for the row — every event of
// the order for a per-order stage, events of the row's shipment or without one for a per-shipment
// stage. 0 stands for "no such event" (arrayReduce('min', []) is 0). A per-order stage is the same on
// every row of its order, so only the order's first row (inst_no = 1) counts it.
import type { StageDef } from '../../stages.ts';
import { TERMINAL_EVENTS } from '../../stages.ts';
import { expectedNs } from '../../stats-stages.ts';
import { PARENT_MARGIN_MS } from '../../stats.ts';
import { DAY_MS } from './rows.ts';
import { qualified, Table } from './schema.ts';
import { quoteString, uintLiteral } from './sql.ts';

const q = quoteString;
const u = (v: bigint | number) => uintLiteral(v);

/** A bucketed window in ms (core/stats.ts StatsQuery). */
export interface StatsWindow {
  fromMs: number;
  toMs: number;
  bucketMs: number;
}

const ns = (ms: number) => BigInt(ms) * 1_000_000n;

/** Bucket start in ms of a nanosecond column (buckets aligned to multiples of bucketMs since the epoch). */
function bucketOf(column: string, w: StatsWindow): string {
  return `intDiv(${column}, ${u(ns(w.bucketMs))}) * ${u(w.bucketMs)}`;
}

function timeWindow(column: string, fromMs: number, toMs: number): string {
  return `${column} >= ${u(ns(fromMs))} AND ${column} < ${u(ns(toMs))}`;
}

/** Events in the window: its day partitions, then the exact time bounds. */
function eventsWindow(w: Pick<StatsWindow, 'fromMs' | 'toMs'>): string {
  return `day >= ${u(Math.floor(w.fromMs / DAY_MS))} AND day <= ${u(Math.floor((w.toMs - 1) / DAY_MS))} AND ${timeWindow('time_ns', w.fromMs, w.toMs)}`;
}

function stringArray(values: readonly string[]): string {
  return `[${values.map(q).join(', ')}]`;
}

// ------------------------------------------------------------------ throughput

/** Spans and error spans per service and bucket of start time (columns service, b, n, err). */
export function spanThroughputQuery(database: string, w: StatsWindow): string {
  return (
    `SELECT service, ${bucketOf('start_ns', w)} AS b, uniqExact(trace_id, span_id) AS n, uniqExactIf(trace_id, span_id, status = 2) AS err ` +
    `FROM ${qualified(database, Table.spans)} WHERE ${timeWindow('start_ns', w.fromMs, w.toMs)} GROUP BY service, b`
  );
}

/** Order events per bucket (columns b, n). */
export function eventCountsQuery(database: string, w: StatsWindow): string {
  return `SELECT ${bucketOf('time_ns', w)} AS b, uniqExact(event_id) AS n FROM ${qualified(database, Table.events)} WHERE ${eventsWindow(w)} GROUP BY b`;
}

/** Log records per bucket (columns b, n). */
export function logCountsQuery(database: string, w: StatsWindow): string {
  return (
    `SELECT ${bucketOf('time_ns', w)} AS b, uniqExact(log_id) AS n FROM ${qualified(database, Table.logs)} ` +
    `WHERE ${timeWindow('time_ns', w.fromMs, w.toMs)} GROUP BY b`
  );
}

// ------------------------------------------------------------------ dependencies

/** Spans and error spans per service in the window (columns service, n, err). */
export function dependencyNodesQuery(database: string, w: Pick<StatsWindow, 'fromMs' | 'toMs'>): string {
  return (
    `SELECT service, uniqExact(trace_id, span_id) AS n, uniqExactIf(trace_id, span_id, status = 2) AS err ` +
    `FROM ${qualified(database, Table.spans)} WHERE ${timeWindow('start_ns', w.fromMs, w.toMs)} GROUP BY service`
  );
}

/** parentSpanId from a span body: the compact array starts [1,"traceId","spanId","parentSpanId", … (core/compact-records.ts). */
const PARENT_OF_BODY = `extract(body, ${q('^\\[1,"[^"]*","[^"]*","([^"]*)"')})`;

/**
 * Calls between services (columns source, target, calls, err, p95 in ns): spans starting in the window
 * whose parent span (same trace, found among spans starting within PARENT_MARGIN_MS around the window)
 * is another service's. The parent ID is only in the span body, so the window's bodies are read.
 */
export function dependencyEdgesQuery(database: string, w: Pick<StatsWindow, 'fromMs' | 'toMs'>): string {
  const spans = qualified(database, Table.spans);
  const children =
    `SELECT trace_id, span_id, any(service) AS target, any(status = 2) AS failed, any(dur_ns) AS dur, any(${PARENT_OF_BODY}) AS parent_id ` +
    `FROM ${spans} WHERE ${timeWindow('start_ns', w.fromMs, w.toMs)} GROUP BY trace_id, span_id`;
  const parents =
    `SELECT trace_id, span_id AS parent_id, service AS source FROM ${spans} ` +
    `WHERE ${timeWindow('start_ns', Math.max(0, w.fromMs - PARENT_MARGIN_MS), w.toMs + PARENT_MARGIN_MS)}`;
  // ANY LEFT JOIN: every child row once, with one of its parent's (identical) copies, on every version —
  // current servers' ANY INNER JOIN keeps one row per key, which would merge a parent's children.
  return (
    `SELECT source, target, count() AS calls, countIf(failed = 1) AS err, quantileExact(0.95)(dur) AS p95 ` +
    `FROM (SELECT trace_id, parent_id, target, failed, dur FROM (${children}) WHERE parent_id != '') AS child ` +
    `ANY LEFT JOIN (${parents}) AS parent USING (trace_id, parent_id) WHERE source != '' AND source != target GROUP BY source, target`
  );
}

// ------------------------------------------------------------------ stages and the order health index

/** Order events carry their type (and attributes) in the JSON body; type precedes attributes there, so the first "type" key is the event's. */
const EVENT_TYPE = `visitParamExtractString(body, 'type')`;
const EVENT_SHIPMENT = `visitParamExtractString(body, 'shipment.id')`;

/** One row per order of the scope: first event time, its events as parallel arrays, its shipment IDs. */
function ordersOf(database: string, scope: string, having?: string): string {
  const events =
    `SELECT order_id, event_id, any(time_ns) AS t, any(${EVENT_TYPE}) AS ty, any(${EVENT_SHIPMENT}) AS sh ` +
    `FROM ${qualified(database, Table.events)} WHERE order_id IN (${scope}) GROUP BY order_id, event_id`;
  return (
    `SELECT order_id, min(t) AS first_ns, groupArray(t) AS ts, groupArray(ty) AS tys, groupArray(sh) AS shs, ` +
    `arrayFilter(x -> x != '', groupUniqArray(sh)) AS ships FROM (${events}) GROUP BY order_id${having ? ` HAVING ${having}` : ''}`
  );
}

/** The first time of an event of these types counting for the row's instance, 0 when none. */
function firstOf(types: readonly string[], def: StageDef): string {
  if (types.length === 0) return 'toUInt64(0)';
  const test = types.length === 1 ? `x_ty = ${q(types[0]!)}` : `has(${stringArray(types)}, x_ty)`;
  return def.per === 'shipment'
    ? `arrayReduce('min', arrayFilter((x_t, x_ty, x_sh) -> ${test} AND (x_sh = '' OR x_sh = inst), ts, tys, shs))`
    : `arrayReduce('min', arrayFilter((x_t, x_ty) -> ${test}, ts, tys))`;
}

/** One row per order × shipment instance: s<k>, e<k>, f<k> per stage k, cancelled, inst_no. */
function instancesOf(orders: string, stages: readonly StageDef[]): string {
  const columns = stages.flatMap((def, k) => [`${firstOf([def.start], def)} AS s${k}`, `${firstOf([def.end], def)} AS e${k}`, `${firstOf(def.failOn, def)} AS f${k}`]);
  const cancelled = TERMINAL_EVENTS.length ? `arrayExists(x_ty -> has(${stringArray(TERMINAL_EVENTS)}, x_ty), tys)` : '0';
  const instances = `if(empty(ships), [''], ships)`;
  return (
    `SELECT order_id, inst_no, ${[...columns, `${cancelled} AS cancelled`].join(', ')} FROM (${orders}) ` +
    `ARRAY JOIN ${instances} AS inst, arrayEnumerate(${instances}) AS inst_no`
  );
}

/** End event types of the catalog, each once. */
function endTypes(stages: readonly StageDef[]): string[] {
  return [...new Set(stages.map((s) => s.end))];
}

/**
 * Stage completions per stage index and bucket of the end time (columns k, b, n, q = [p50, p95] in ns,
 * late): instances whose first end falls in the window, at or after their first start. Orders are
 * those with an end event in the window. Needs a non-empty catalog.
 */
export function stagePointsQuery(database: string, w: StatsWindow, stages: readonly StageDef[]): string {
  if (stages.length === 0) throw new RangeError('stagePointsQuery needs at least one stage');
  const scope = `SELECT order_id FROM ${qualified(database, Table.events)} WHERE ${eventsWindow(w)} AND has(${stringArray(endTypes(stages))}, ${EVENT_TYPE})`;
  const list = (item: (k: number, def: StageDef) => string) => `[${stages.map((def, k) => item(k, def)).join(', ')}]`;
  const unpivot =
    `SELECT k, s, e, late_flag FROM (${instancesOf(ordersOf(database, scope), stages)}) ` +
    `ARRAY JOIN ${list((k) => String(k))} AS k, ${list((k) => `s${k}`)} AS s, ${list((k) => `e${k}`)} AS e, ` +
    `${list((_, def) => (def.per === 'shipment' ? '1' : 'inst_no = 1'))} AS counted, ` +
    `${list((k, def) => `e${k} > s${k} + ${u(expectedNs(def))}`)} AS late_flag ` +
    `WHERE counted = 1 AND s > 0 AND s <= e AND ${timeWindow('e', w.fromMs, w.toMs)}`;
  return (
    `SELECT k, ${bucketOf('e', w)} AS b, count() AS n, quantilesExact(0.5, 0.95)(e - s) AS q, sum(late_flag) AS late ` +
    `FROM (${unpivot}) GROUP BY k, b`
  );
}

/** Breached (core/stats-stages.ts isBreached) for stage k of an instance row, as of nowMs. */
function breached(k: number, def: StageDef, nowMs: number): string {
  const due = `s${k} + ${u(expectedNs(def))}`;
  const open = [`f${k} = 0`, ...(def.flow === 'forward' ? ['cancelled = 0'] : []), `${u(ns(nowMs))} > ${due}`].join(' AND ');
  return `s${k} > 0 AND if(e${k} > 0, e${k} > ${due}, ${open})`;
}

/**
 * The order health index (one row: orders, healthy, and per stage k ns<k> started / nb<k> breached):
 * orders whose first event is in the window, each stage started or breached when any of its instances is.
 */
export function orderHealthQuery(database: string, w: Pick<StatsWindow, 'fromMs' | 'toMs'>, stages: readonly StageDef[], nowMs: number): string {
  const scope = `SELECT order_id FROM ${qualified(database, Table.events)} WHERE ${eventsWindow(w)}`;
  const orders = ordersOf(database, scope, `first_ns >= ${u(ns(w.fromMs))}`);
  if (stages.length === 0) return `SELECT count() AS orders, count() AS healthy FROM (${orders})`;
  const perOrder =
    `SELECT order_id, ${stages.flatMap((def, k) => [`max(s${k} > 0) AS os${k}`, `max(${breached(k, def, nowMs)}) AS ob${k}`]).join(', ')} ` +
    `FROM (${instancesOf(orders, stages)}) GROUP BY order_id`;
  const sums = stages.flatMap((_, k) => [`sum(os${k}) AS ns${k}`, `sum(ob${k}) AS nb${k}`]);
  return (
    `SELECT count() AS orders, countIf(${stages.map((_, k) => `ob${k}`).join(' + ')} = 0) AS healthy, ${sums.join(', ')} ` +
    `FROM (${perOrder})`
  );
}
