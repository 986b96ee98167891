// Sample rows and query texts of the alert store and listEvents for the chDB check
// (chdb-modern.test.ts): rows made by the store's own mappers — superseded versions, tombstones and
// exact copies included — and every builder of alerts-queries.ts and event-list.ts with the row
// count (or `{ n }` value) that only query-time de-duplication gives.
import type { Alert, DeadLetter, OrderRuleState, Silence, StatusProjection } from '../../core/alerts.ts';
import * as alertQueries from '../../core/store/clickhouse/alerts-queries.ts';
import { alertRow, deadLetterRow, orderStateRow, projectionRow, ruleCountRow, silenceRow } from '../../core/store/clickhouse/alerts-rows.ts';
import { AlertTable } from '../../core/store/clickhouse/alerts-schema.ts';
import * as eventList from '../../core/store/clickhouse/event-list.ts';
import { eventRow } from '../../core/store/clickhouse/rows.ts';
import { Table } from '../../core/store/clickhouse/schema.ts';
import type { EventListParams } from '../../core/store/event-list.ts';
import type { OrderEvent } from '../../core/model.ts';
import { alertFixture } from '../helpers/alert-fixtures.ts';

type Expected = number | { n: number } | null;

/** Modules whose every exported *Query builder must have a sample below. */
export const ALERT_SQL_MODULES: Record<string, object> = { alertQueries, eventList };

const T0 = Date.now() - 3_600_000;
const RULE = "rule-'deadline'\\1";
const ORDER = "ORD-'alert'";

function alert(id: string, o: Partial<Alert>): Alert {
  return alertFixture({ id, ruleId: RULE, orderId: ORDER, severity: 'warning', summary: "it's late", firedAtMs: T0, dueMs: null, updatedAtMs: T0, ...o });
}

const A1 = alert('alert-a', {});
const A2 = { ...A1, state: 'resolved' as const, resolution: 'late' as const, version: 2 };
const B1 = alert('alert-b', { firedAtMs: T0 + 1_000, severity: 'critical' });
const C1 = alert('alert-c', { ruleId: 'rule-other', orderId: 'ORD-other', firedAtMs: T0 + 2_000, state: 'acknowledged' });

function silence(id: string, endsAtMs: number, version: number): Silence {
  return { id, ruleId: null, matchers: { team: "o'ps" }, endsAtMs, createdBy: 'a', comment: '', createdAtMs: T0, version };
}

const state = (orderId: string, partition: number, version: number, value: string | null): OrderRuleState => ({ orderId, partition, state: value, version });

function projection(version: number): StatusProjection {
  return { orderId: ORDER, canonical: version > 1 ? 'shipped' : 'paid', canonicalSinceMs: T0, systems: [], updatedAtMs: T0 + version, version };
}

function letter(id: string, attempts: number): DeadLetter {
  return { id, channel: 'slack', payload: '{"text":"x"}', error: 'HTTP 500', attempts, createdAtMs: T0 + attempts };
}

const BUCKET = Math.floor(T0 / 60_000) * 60_000;
/** Events two days back, clear of the day the other samples' events use. */
const EVENT_NS = BigInt(Date.now() - 2 * 86_400_000) * 1_000_000n;
const EVENT_DAY = Number(EVENT_NS / 86_400_000_000_000n);

function event(eventId: string, orderId: string): OrderEvent {
  return {
    eventId,
    orderId,
    type: 'payment.succeeded',
    system: 'payments',
    timeUnixNano: EVENT_NS.toString(),
    status: '',
    traceId: '',
    spanId: '',
    source: 'api',
    attributes: {},
  };
}

const E1 = event("ev-'1'", 'ORD-e1');
const E2 = event('ev-2', 'ORD-e2');

/** INSERT statements (built by the caller's `insert(table, rows)`), newer versions first where it matters. */
export function alertSampleInserts(insert: (table: string, rows: object[]) => string): string[] {
  return [
    insert(AlertTable.alerts, [A2, B1, C1].map(alertRow)),
    insert(AlertTable.alerts, [A1, A2, B1].map(alertRow)),
    insert(AlertTable.silences, [silence('sil-1', T0 + 86_400_000, 1), silence('sil-2', T0 + 86_400_000, 1)].map(silenceRow)),
    insert(AlertTable.silences, [silence('sil-1', T0 - 1, 2)].map(silenceRow)),
    insert(AlertTable.orderStates, [state('O1', 0, 1, '{"a":1}'), state('O2', 0, 1, '{"b":1}'), state('O3', 1, 1, '{"c":1}')].map(orderStateRow)),
    insert(AlertTable.orderStates, [state('O1', 0, 2, null), state('O2', 0, 1, '{"b":1}'), state('O3', 2, 2, '{"c":2}')].map(orderStateRow)),
    insert(AlertTable.statusProjections, [projection(2), projection(1)].map(projectionRow)),
    insert(AlertTable.ruleCounts, [
      ruleCountRow({ ruleId: RULE, bucketMs: BUCKET, workerId: 'w1', count: 2 }, 1),
      ruleCountRow({ ruleId: RULE, bucketMs: BUCKET, workerId: 'w2', count: 3 }, 1),
      ruleCountRow({ ruleId: RULE, bucketMs: BUCKET + 60_000, workerId: 'w1', count: 4 }, 1),
    ]),
    insert(AlertTable.ruleCounts, [ruleCountRow({ ruleId: RULE, bucketMs: BUCKET, workerId: 'w1', count: 5 }, 2)]),
    insert(AlertTable.deadLetters, [letter('dl-1', 1), letter('dl-2', 1)].map(deadLetterRow)),
    insert(AlertTable.deadLetters, [letter('dl-1', 3), letter('dl-2', 1)].map(deadLetterRow)),
    insert(Table.events, [E1, E2, E1].map(eventRow)),
  ];
}

const params = (p: Partial<EventListParams>): EventListParams => ({
  fromNs: undefined,
  toNs: undefined,
  orderId: undefined,
  limit: 10,
  after: undefined,
  ...p,
});

/** Builder name → [SQL, expected row count / `{ n }` / null]. */
export function alertQuerySamples(db: string): Record<string, Array<[string, Expected]>> {
  return {
    listAlertsQuery: [
      [alertQueries.listAlertsQuery(db, { limit: 10 }), 3],
      [alertQueries.listAlertsQuery(db, { ruleId: RULE, state: 'firing', limit: 10 }), 1], // A's latest is resolved
      [alertQueries.listAlertsQuery(db, { ruleId: RULE, orderId: ORDER, state: 'resolved', severity: 'warning', limit: 10 }), 1],
      [alertQueries.listAlertsQuery(db, { fromMs: T0, toMs: T0 + 2_000, limit: 1, after: { firedAtMs: T0 + 1_000, id: 'alert-b' } }), 1],
    ],
    getAlertQuery: [[alertQueries.getAlertQuery(db, 'alert-a'), 1]],
    countAlertsQuery: [[alertQueries.countAlertsQuery(db, T0), 3]],
    // One row per rule (a day's bucket): A's latest version and B for RULE, C for the other rule.
    alertTimelineQuery: [[alertQueries.alertTimelineQuery(db, T0, T0 + 3_000, 86_400_000), 2]],
    activeSilencesQuery: [[alertQueries.activeSilencesQuery(db, T0), 1]],
    getSilenceQuery: [[alertQueries.getSilenceQuery(db, 'sil-1'), 1]],
    orderStateCandidatesQuery: [[alertQueries.orderStateCandidatesQuery(db, [0, 1], '', 10), { n: 4 }]],
    orderStatesRangeQuery: [[alertQueries.orderStatesRangeQuery(db, [0, 1], '', 'O3'), 1]], // O1 tombstoned, O3 moved
    getStatusProjectionQuery: [[alertQueries.getStatusProjectionQuery(db, ORDER), 1]],
    sumRuleCountsQuery: [[alertQueries.sumRuleCountsQuery(db, RULE, BUCKET, BUCKET + 60_000), { n: 8 }]],
    listDeadLettersQuery: [[alertQueries.listDeadLettersQuery(db, 10), 2]],
    eventsPageQuery: [
      [eventList.eventsPageQuery(db, { day: EVENT_DAY }, params({})), 2],
      [eventList.eventsPageQuery(db, { fromDay: EVENT_DAY - 1, toDay: EVENT_DAY }, params({ orderId: E1.orderId, fromNs: EVENT_NS })), 1],
      [eventList.eventsPageQuery(db, { day: EVENT_DAY }, params({ toNs: EVENT_NS + 1n, after: { timeNs: EVENT_NS, eventId: E1.eventId } })), 1],
    ],
  };
}
