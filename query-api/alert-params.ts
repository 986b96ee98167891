// Pure parsing of the alert and worklist query strings, and of the actor who acts on an alert.
// Problems are OT_ERR_BAD_PARAMETER naming the parameter (params.ts conventions).
import type { AlertQuery } from '../core/alerts.ts';
import { ACTOR_HEADER, ALERT_QUERY_SCHEMA, ALERT_STATES, SEVERITIES, WORKLIST_FORMATS, WORKLIST_QUERY_SCHEMA } from './alert-schemas.ts';
import { badParameter, knownNames, parseEnum, parseLimit, parseTimeRange, rejectUnknown, single, type RawQuery } from './params.ts';
import type { JsonSchema } from './schema-kit.ts';

const NS_PER_MS = 1_000_000n;

/** Nanoseconds → the smallest whole millisecond at or after them (alert times are whole ms). */
export function ceilMs(ns: string): number {
  return Number((BigInt(ns) + NS_PER_MS - 1n) / NS_PER_MS);
}

/** What the alert list and the worklist share: rule, state, page size and cursor. */
function parseAlertFilter(raw: RawQuery, schema: JsonSchema): Pick<AlertQuery, 'ruleId' | 'state' | 'limit' | 'cursor'> {
  rejectUnknown(raw, knownNames(schema), false);
  const query: Pick<AlertQuery, 'ruleId' | 'state' | 'limit' | 'cursor'> = { limit: parseLimit(single(raw, 'limit')) };
  const rule = single(raw, 'rule');
  if (rule !== undefined) query.ruleId = rule;
  const state = single(raw, 'state');
  if (state !== undefined) query.state = parseEnum('state', state, ALERT_STATES);
  const cursor = single(raw, 'cursor');
  if (cursor !== undefined) query.cursor = cursor;
  return query;
}

export function parseAlertQuery(raw: RawQuery): AlertQuery {
  const query: AlertQuery = parseAlertFilter(raw, ALERT_QUERY_SCHEMA);
  const order = single(raw, 'order');
  if (order !== undefined) query.orderId = order;
  const severity = single(raw, 'severity');
  if (severity !== undefined) query.severity = parseEnum('severity', severity, SEVERITIES);
  const { fromNs, toNs } = parseTimeRange(single(raw, 'from'), single(raw, 'to'));
  // firedAtMs ≥ from ⇔ firedAtMs ≥ ceil(from); firedAtMs < to ⇔ firedAtMs < ceil(to), for whole ms
  if (fromNs !== undefined) query.fromMs = ceilMs(fromNs);
  if (toNs !== undefined) query.toMs = ceilMs(toNs);
  return query;
}

export interface WorklistQuery extends Pick<AlertQuery, 'ruleId' | 'state' | 'limit' | 'cursor'> {
  /** Absent: decided by the Accept header. */
  format?: (typeof WORKLIST_FORMATS)[number];
}

export function parseWorklistQuery(raw: RawQuery): WorklistQuery {
  const query: WorklistQuery = parseAlertFilter(raw, WORKLIST_QUERY_SCHEMA);
  const format = single(raw, 'format');
  if (format !== undefined) query.format = parseEnum('format', format, WORKLIST_FORMATS);
  return query;
}

/** Who acts: the body's field, else the actor header; one is required. */
export function actorOf(bodyValue: string | undefined, headers: Record<string, string | string[] | undefined>, field: string): string {
  const header = headers[ACTOR_HEADER];
  const fromHeader = typeof header === 'string' ? header.trim() : undefined;
  const actor = bodyValue?.trim() || fromHeader;
  if (!actor) throw badParameter(`${field} is required: give it in the body or in the ${ACTOR_HEADER} header`);
  return actor;
}
