// Alerts, silences and persisted rule state: what the rules engine writes and both stores keep
// (core/store/alert-store.ts). Rule definitions live in rules/model.ts.

export type Severity = 'critical' | 'warning' | 'info';
export type RuleKind = 'deadline' | 'sequence' | 'status_mismatch' | 'error_pattern' | 'stalled_queue' | 'return_sla';

export type AlertState = 'firing' | 'acknowledged' | 'resolved';

export type Resolution =
  | 'reported_late' // B happened before due but reached us after the alert fired (ingest delay)
  | 'late' // B happened after due: a real breach, kept for statistics
  | 'cancelled' // order.cancelled closed the deadline
  | 'closed' // the condition cleared (status agrees again, return approved, message consumed)
  | 'manual'; // resolved by a person

export interface EvidenceRef {
  kind: 'event' | 'span' | 'log';
  id: string;
  traceId: string;
  spanId: string;
  timeMs: number;
  summary: string;
}

export interface Alert {
  /** Stable: hash of ruleId, orderId and scope (dedup per rule × order × scope). */
  id: string;
  ruleId: string;
  ruleKind: RuleKind;
  title: string;
  severity: Severity;
  labels: Record<string, string>;
  orderId: string;
  /** '' or the shipment ID / return ID / message ID / system the alert is about. */
  scope: string;
  state: AlertState;
  resolution: Resolution | null;
  /** One line for lists and notifications. */
  summary: string;
  rootCause: string | null;
  /** Deadline rules: the due time, ms since epoch. */
  dueMs: number | null;
  firedAtMs: number;
  acknowledgedAtMs: number | null;
  acknowledgedBy: string | null;
  resolvedAtMs: number | null;
  resolvedBy: string | null;
  /** Return SLA: current approver level; other kinds put extra key facts here. */
  details: Record<string, string>;
  evidence: EvidenceRef[];
  /** ms since epoch of the last change; the store keeps the row with the highest version. */
  updatedAtMs: number;
  version: number;
}

export interface AlertQuery {
  ruleId?: string;
  orderId?: string;
  state?: AlertState;
  severity?: Severity;
  /** firedAtMs ≥ fromMs */
  fromMs?: number;
  /** firedAtMs < toMs */
  toMs?: number;
  limit: number;
  cursor?: string;
}

export interface Silence {
  id: string;
  /** null = any rule */
  ruleId: string | null;
  /** Every label must match the alert's labels (ruleId, orderId, severity are matchable labels too). */
  matchers: Record<string, string>;
  endsAtMs: number;
  createdBy: string;
  comment: string;
  createdAtMs: number;
  /** Deleting = expiring now; kept for audit. */
  version: number;
}

/** Per-order rule state, persisted so it survives restarts and partition moves. */
export interface OrderRuleState {
  orderId: string;
  /** Bus partition of the order's key: a worker loads the states of the partitions it is assigned. */
  partition: number;
  /** Serialized engine state (JSON), or null once the order has nothing pending (a tombstone). */
  state: string | null;
  version: number;
}

/** The canonical status of an order and what each system reports. */
export interface StatusProjection {
  orderId: string;
  canonical: string;
  canonicalSinceMs: number;
  systems: { system: string; status: string; mapped: string; sinceMs: number }[];
  updatedAtMs: number;
  version: number;
}

export interface DeadLetter {
  id: string;
  channel: string;
  payload: string;
  error: string;
  attempts: number;
  createdAtMs: number;
}
