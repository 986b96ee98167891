// Every SQL text of the ClickHouse stats store (the health dashboard, docs/health.md), as pure builders
// (values only through sql.ts), so test/clickhouse/chdb-modern.test.ts runs exactly these texts on a
// current engine. Plain SQL that 18.16 accepts too: uniqExact/uniqExactIf over several columns,
// quantileExact(s), arrayReduce, lambdas over several arrays, arrayEnumerateDense/Uniq, ARRAY JOIN of
// array expressions, UNION ALL and PREWHERE in a subquery, visitParamExtractString, extract(),
// cityHash64. No window functions, no CTEs, no joins. (Seen on 18.16: a column that a subquery level
// uses only inside a lambda can be reported unknown — select it at that level outside the lambda too.)
//
// Reading by window: spans and logs by start_ns / time_ns (the partition key's column, so parts and
// days outside the window are skipped), events by their `day` partitions and time_ns. The stage and
// index queries then read every event of the orders the window names, through the events table's
// primary key (order_id IN subquery) — a stage may have started days before the window.
//
// De-duplication: a redelivered record is an identical row with the same time, so it lands in the same
// bucket and slot: counts are uniqExact of the record identity (trace_id+span_id, log_id, event_id)
// per 100 ms slot, summed; the dependency map keeps the first copy of each span ID in its trace; the
// stage and index queries need only first times, which copies do not change.
//
// Measured on 18.16 with 3M spans (195k orders) in a 24 h window, on the 2-core development VM: the
// endpoints answer in ~0.3 s (throughput), ~0.8 s (dependencies), ~0.6 s (stages), ~0.8 s (index);
// before these queries, 0.7, 6.9, 1.0 and 0.9 s.
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

/**
 * Copies of a record share its time, hence its slot of DEDUP_SLOT_NS: distinct records counted per
 * slot and summed are exact, and many small sets are built much faster than one large one (measured on
 * 18.16 with 3M spans: 0.28 s instead of 0.65 s).
 */
const DEDUP_SLOT_NS = 100_000_000;

/**
 * Distinct counts per bucket of `time` (and per `by` columns) over `rows` (`table WHERE …`):
 * columns by…, b, and one per `counts` entry (name → uniqExact… of the record identity).
 */
function countsPerBucket(rows: string, time: string, w: StatsWindow, by: readonly string[], counts: Readonly<Record<string, string>>): string {
  const names = Object.keys(counts);
  const perSlot =
    `SELECT ${[...by, `intDiv(${time}, ${u(DEDUP_SLOT_NS)}) AS slot`, `${bucketOf(time, w)} AS b`, ...names.map((n) => `${counts[n]} AS ${n}_slot`)].join(', ')} ` +
    `FROM ${rows} GROUP BY ${[...by, 'slot', 'b'].join(', ')}`;
  const keys = [...by, 'b'].join(', ');
  return `SELECT ${keys}, ${names.map((n) => `sum(${n}_slot) AS ${n}`).join(', ')} FROM (${perSlot}) GROUP BY ${keys}`;
}

/** Spans and error spans per service and bucket of start time (columns service, b, n, err). */
export function spanThroughputQuery(database: string, w: StatsWindow): string {
  const rows = `${qualified(database, Table.spans)} WHERE ${timeWindow('start_ns', w.fromMs, w.toMs)}`;
  return countsPerBucket(rows, 'start_ns', w, ['service'], { n: 'uniqExact(trace_id, span_id)', err: 'uniqExactIf(trace_id, span_id, status = 2)' });
}

/** Order events per bucket (columns b, n). */
export function eventCountsQuery(database: string, w: StatsWindow): string {
  return countsPerBucket(`${qualified(database, Table.events)} WHERE ${eventsWindow(w)}`, 'time_ns', w, [], { n: 'uniqExact(event_id)' });
}

/** Log records per bucket (columns b, n). */
export function logCountsQuery(database: string, w: StatsWindow): string {
  return countsPerBucket(`${qualified(database, Table.logs)} WHERE ${timeWindow('time_ns', w.fromMs, w.toMs)}`, 'time_ns', w, [], { n: 'uniqExact(log_id)' });
}

// ------------------------------------------------------------------ dependencies
//
// A span's parent is in its own trace, so the map is one pass over the spans starting in the window
// ± PARENT_MARGIN_MS grouped by trace: each trace's spans become parallel arrays, and every lookup
// happens inside the trace with O(n) array functions — the parent of a child through
// arrayEnumerateDense over [span IDs…, parent IDs…] (a parent ID gets the dense number of the span
// with that ID), de-duplication through arrayEnumerateUniq of the span IDs. No hash join over every
// span of the window: measured on 18.16 with 3M spans, 0.7 s and 0.6 GB instead of 6.4 s and 1.7 GB.
// Memory grows with the spans of the window (their light columns are held, ~200 bytes each).
// IDs and service names are compared as cityHash64 values (integers are far cheaper to group, sort
// and look up than strings): two span IDs collide only within one trace, two names only among the
// services, both at odds of about n²/2^64.

/** Bits of a span's flags in the dependency arrays. */
const FAILED = 1;
const IN_WINDOW = 2;
const HAS_PARENT = 4;

/** parentSpanId from a span body: the compact array starts [1,"traceId","spanId","parentSpanId", … (core/compact-records.ts). */
const PARENT_OF_BODY = `extract(body, ${q('^\\[1,"[^"]*","[^"]*","([^"]*)"')})`;

/**
 * Spans starting in [fromMs, toMs) with their parent span ID (columns trace_id, span_id, parent,
 * service, status, dur_ns, start_ns). Rows stored before schema version 3 have neither parent_span_id
 * nor kind (''/0): their parent is read from the body. PREWHERE reads `body` only for granules holding
 * such a row, which new rows are only as a root span of unspecified kind.
 */
function spansWithParents(database: string, fromMs: number, toMs: number): string {
  const spans = qualified(database, Table.spans);
  const time = timeWindow('start_ns', fromMs, toMs);
  const legacy = `kind = 0 AND parent_span_id = ''`;
  const columns = (parent: string) => `trace_id, span_id, ${parent} AS parent, service, status, dur_ns, start_ns`;
  return (
    `SELECT ${columns('parent_span_id')} FROM ${spans} WHERE ${time} AND NOT (${legacy}) UNION ALL ` +
    `SELECT ${columns(PARENT_OF_BODY)} FROM ${spans} PREWHERE ${legacy} WHERE ${time}`
  );
}

/**
 * Spans of the window per (source, target) service hash (columns source, target, n, err, p95 in ns):
 * source is the service hash of the span's parent when that is another service (an edge), else 0 (a
 * root, a parent of the same service or not found). Summed per target, the rows are the nodes; the
 * rows with a source are the edges, p95 of their durations. Each span counts once.
 */
export function dependencyQuery(database: string, w: Pick<StatsWindow, 'fromMs' | 'toMs'>): string {
  const from = u(ns(w.fromMs));
  const to = u(ns(w.toMs));
  const flags = `toUInt8((status = 2) * ${FAILED} + (start_ns >= ${from} AND start_ns < ${to}) * ${IN_WINDOW} + (parent != '') * ${HAS_PARENT})`;
  const traces =
    `SELECT groupArray(cityHash64(span_id)) AS ids, groupArray(cityHash64(parent)) AS parents, groupArray(cityHash64(service)) AS svcs, ` +
    `groupArray(${flags}) AS fls, groupArray(dur_ns) AS durs ` +
    `FROM (${spansWithParents(database, Math.max(0, w.fromMs - PARENT_MARGIN_MS), w.toMs + PARENT_MARGIN_MS)}) GROUP BY cityHash64(trace_id)`;
  // owner_svcs[d]: the service of the d-th distinct span ID, which is also the dense number
  // arrayEnumerateDense gives that ID among [ids…, parents…] (ids come first).
  const lookedUp =
    `SELECT svcs, fls, durs, arrayEnumerateUniq(ids) AS firsts, arrayFilter((x_s, x_u) -> x_u = 1, svcs, firsts) AS owner_svcs, ` +
    `arrayMap(x_d -> owner_svcs[x_d], arraySlice(arrayEnumerateDense(arrayConcat(ids, parents)), length(ids) + 1)) AS parent_svcs FROM (${traces})`;
  const edge = `bitAnd(f, ${HAS_PARENT}) != 0 AND p != 0 AND p != t`;
  return (
    `SELECT if(${edge}, p, 0) AS source, t AS target, count() AS n, countIf(bitAnd(f, ${FAILED}) != 0) AS err, quantileExactIf(0.95)(d, ${edge}) AS p95 ` +
    `FROM (${lookedUp}) ARRAY JOIN parent_svcs AS p, svcs AS t, fls AS f, durs AS d, firsts AS first ` +
    `WHERE first = 1 AND bitAnd(f, ${IN_WINDOW}) != 0 GROUP BY source, target`
  );
}

/** The services of spans starting in the window ± PARENT_MARGIN_MS with their hash in dependencyQuery (columns h, service). */
export function serviceHashesQuery(database: string, w: Pick<StatsWindow, 'fromMs' | 'toMs'>): string {
  return (
    `SELECT cityHash64(service) AS h, service FROM ${qualified(database, Table.spans)} ` +
    `WHERE ${timeWindow('start_ns', Math.max(0, w.fromMs - PARENT_MARGIN_MS), w.toMs + PARENT_MARGIN_MS)} GROUP BY service`
  );
}

// ------------------------------------------------------------------ stages and the order health index

/** Order events carry their type (and attributes) in the JSON body; type precedes attributes there, so the first "type" key is the event's. */
const EVENT_TYPE = `visitParamExtractString(body, 'type')`;
const EVENT_SHIPMENT = `visitParamExtractString(body, 'shipment.id')`;

/**
 * One row per order of the scope: first event time, its events as parallel arrays, its shipment IDs.
 * A redelivered event is left in: a stage only needs first times (and whether a type occurred), which
 * copies do not change — saving a GROUP BY of every event by its ID.
 */
function ordersOf(database: string, scope: string, having?: string): string {
  return (
    `SELECT order_id, min(time_ns) AS first_ns, groupArray(time_ns) AS ts, groupArray(${EVENT_TYPE}) AS tys, groupArray(${EVENT_SHIPMENT}) AS shs, ` +
    `arrayFilter(x -> x != '', groupUniqArray(${EVENT_SHIPMENT})) AS ships FROM ${qualified(database, Table.events)} ` +
    `WHERE order_id IN (${scope}) GROUP BY order_id${having ? ` HAVING ${having}` : ''}`
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
