// Row mapping of the alert-store tables (alerts-schema.ts): the filtered-on fields as columns, the
// whole object as JSON `body`, so reads fetch `body` alone and get back exactly what was written.
import type { Alert, DeadLetter, OrderRuleState, Silence, StatusProjection } from '../../alerts.ts';
import type { RuleCount } from '../alert-store.ts';

export function alertRow(a: Alert): object {
  return {
    id: a.id,
    version: a.version,
    rule_id: a.ruleId,
    order_id: a.orderId,
    state: a.state,
    severity: a.severity,
    fired_at_ms: a.firedAtMs,
    body: JSON.stringify(a),
  };
}

export function silenceRow(s: Silence): object {
  return { id: s.id, version: s.version, ends_at_ms: s.endsAtMs, body: JSON.stringify(s) };
}

/** A tombstone (state null) is deleted = 1 with an empty state. */
export function orderStateRow(s: OrderRuleState): object {
  return { order_id: s.orderId, version: s.version, part: s.partition, deleted: s.state === null ? 1 : 0, state: s.state ?? '' };
}

export interface OrderStateRow {
  order_id: string;
  p: number | string;
  v: number | string;
  s: string;
}

export function orderStateFromRow(r: OrderStateRow): OrderRuleState {
  return { orderId: r.order_id, partition: Number(r.p), state: r.s, version: Number(r.v) };
}

export function projectionRow(p: StatusProjection): object {
  return { order_id: p.orderId, version: p.version, body: JSON.stringify(p) };
}

export function ruleCountRow(c: RuleCount, version: number): object {
  return { rule_id: c.ruleId, bucket_ms: c.bucketMs, worker_id: c.workerId, matches: c.count, version };
}

export function deadLetterRow(d: DeadLetter): object {
  return { id: d.id, attempts: d.attempts, created_at_ms: d.createdAtMs, body: JSON.stringify(d) };
}

let lastWriteVersion = 0;

/**
 * Version of a rule-count write: microseconds of the wall clock, strictly increasing within the
 * process, so of two writes of one (rule, bucket, worker) key the later one wins. A key has one
 * writer (its worker), so only that worker's clock orders its writes.
 */
export function writeVersion(nowMs: number = Date.now()): number {
  lastWriteVersion = Math.max(nowMs * 1000, lastWriteVersion + 1);
  return lastWriteVersion;
}
