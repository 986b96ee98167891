// Sample rows and query texts of the stats store (the health dashboard) for the chDB check
// (chdb-modern.test.ts): one order's milestones and one call chain — web → api (→ api) → orders
// (PRODUCER) → billing (CONSUMER) → ledger (a row as stored before schema version 3) — four days back, clear of the other samples' days, each inserted
// twice; every builder of stats-queries.ts with the rows (or first-row values) that only query-time
// de-duplication and the stage rules give.
import type { OrderEvent, Span } from '../../core/model.ts';
import { DEFAULT_STAGES } from '../../core/stages.ts';
import { eventRow, spanRow } from '../../core/store/clickhouse/rows.ts';
import { Table } from '../../core/store/clickhouse/schema.ts';
import * as statsQueries from '../../core/store/clickhouse/stats-queries.ts';
import { spanRecord } from '../helpers/records.ts';

/** Modules whose every exported *Query builder must have a sample below. */
export const STATS_SQL_MODULES: Record<string, object> = { statsQueries };

const HOUR = 3_600_000;
const MIN = 60_000;
/** Five minutes into an hour four days back: the samples' events all fall in that hour. */
const T_MS = Math.floor((Date.now() - 4 * 86_400_000) / HOUR) * HOUR + 5 * MIN;
const ns = (ms: number) => BigInt(ms) * 1_000_000n;
const TRACE = 'c'.repeat(32);
const ORDER = "ORD-'stats'";

function span(spanId: string, parentSpanId: string, service: string, offsetMs: number, o: Partial<Span> = {}): Span {
  return spanRecord({ traceId: TRACE, spanId, parentSpanId, service, kind: 2, startMs: T_MS + offsetMs, durationMs: 3, ...o });
}

const SPANS = [
  span('1000000000000001', '', 'web', 0),
  span('1000000000000002', '1000000000000001', 'api', 1, { status: { code: 2, message: 'boom' } }),
  span('1000000000000003', '1000000000000002', 'api', 2), // same service: no edge
  span('1000000000000004', '1000000000000002', 'orders', 3, { kind: 4 }),
  span('1000000000000005', '1000000000000004', 'billing', 1_000, { kind: 5 }),
  span('1000000000000006', '1000000000000001', 'api', 4), // web's second call to api
];
/** Stored before schema version 3 (no parent_span_id, no kind): its parent comes from the body. */
const LEGACY_SPAN = span('1000000000000007', '1000000000000005', 'ledger', 1_001);

/** The row an ordertrace before schema version 3 wrote (the two columns left to their defaults). */
function legacySpanRow(s: Span): object {
  const { parent_span_id: _parent, kind: _kind, ...row } = spanRow(s);
  return row;
}

function event(eventId: string, type: string, offsetMs: number, attributes: Record<string, string> = {}): OrderEvent {
  return { eventId, orderId: ORDER, type, system: 'shop', timeUnixNano: ns(T_MS + offsetMs).toString(), status: '', traceId: '', spanId: '', source: 'api', attributes };
}

const EVENTS = [
  event('st-1', 'order.created', 0),
  event('st-2', 'payment.succeeded', 5 * MIN),
  event('st-3', 'inventory.locked', 6 * MIN),
  event('st-4', 'package.packed', 10 * MIN, { 'shipment.id': 'S1' }),
  event('st-5', 'package.packed', 20 * MIN, { 'shipment.id': 'S2' }),
];

export function statsSampleInserts(insert: (table: string, rows: object[]) => string): string[] {
  const spans = insert(Table.spans, SPANS.map(spanRow));
  const legacy = insert(Table.spans, [legacySpanRow(LEGACY_SPAN)]);
  const events = insert(Table.events, EVENTS.map(eventRow));
  return [spans, legacy, events, spans, legacy, events];
}

const WINDOW = { fromMs: T_MS - HOUR, toMs: T_MS + HOUR, bucketMs: HOUR };

/** Builder name → [SQL, expected row count / first-row values / null]. */
export function statsQuerySamples(db: string, logWindow: { fromMs: number; toMs: number }): Record<string, Array<[string, number | Record<string, number> | null]>> {
  return {
    // web, api, orders, billing, ledger: one bucket each; seven spans, one an error.
    spanThroughputQuery: [
      [statsQueries.spanThroughputQuery(db, WINDOW), 5],
      [`SELECT sum(n) AS n, sum(err) AS err FROM (${statsQueries.spanThroughputQuery(db, WINDOW)})`, { n: SPANS.length + 1, err: 1 }],
    ],
    eventCountsQuery: [[statsQueries.eventCountsQuery(db, WINDOW), { n: EVENTS.length }]],
    // The shared samples' two logs, each stored twice.
    logCountsQuery: [[statsQueries.logCountsQuery(db, { ...logWindow, bucketMs: 86_400_000 }), { n: 2 }]],
    // Per (source, target): web and api without a parent of another service (the root; api's call to
    // itself), web → api (two calls, one an error), api → orders, orders → billing, and billing →
    // ledger, whose parent is only in its (legacy) body: seven spans, five calls.
    dependencyQuery: [
      [statsQueries.dependencyQuery(db, WINDOW), 6],
      [
        `SELECT sum(n) AS spans, sumIf(n, source != 0) AS calls, maxIf(n, source != 0) AS most, sum(err) AS errors FROM (${statsQueries.dependencyQuery(db, WINDOW)})`,
        { spans: SPANS.length + 1, calls: 5, most: 2, errors: 1 },
      ],
    ],
    serviceHashesQuery: [[statsQueries.serviceHashesQuery(db, WINDOW), 5]],
    // payment, stock lock, packing (two shipments, one bucket): four completions, none late.
    stagePointsQuery: [
      [statsQueries.stagePointsQuery(db, WINDOW, DEFAULT_STAGES), 3],
      [`SELECT sum(n) AS n, sum(late) AS late FROM (${statsQueries.stagePointsQuery(db, WINDOW, DEFAULT_STAGES)})`, { n: 4, late: 0 }],
    ],
    // 30 h on, the pick-up of both parcels (started when packed) is past its 24 h.
    orderHealthQuery: [[statsQueries.orderHealthQuery(db, WINDOW, DEFAULT_STAGES, T_MS + 30 * HOUR), { orders: 1, healthy: 0, ns2: 1, nb2: 0, ns3: 1, nb3: 1 }]],
  };
}
