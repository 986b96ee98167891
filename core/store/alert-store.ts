// The alert-store seam: alerts, silences, per-order rule state, status projections, cross-worker
// rule counters and notifier dead letters. Implemented beside each Store (SQLite, ClickHouse) and
// covered by test/contract/alert-store.contract.ts.
//
// Contract highlights:
// - every write is an upsert keyed by id (alerts, silences, dead letters) or orderId (states,
//   projections); the row with the highest `version` wins, whatever order writes arrive in, and a
//   lower-version write never overwrites a higher one (redelivery after a crash re-sends old rows);
// - reads see exactly one row per key (ClickHouse deduplicates at query time);
// - OrderRuleState with state === null is a tombstone: loadOrderStates no longer returns it.
import type { Alert, AlertQuery, DeadLetter, OrderRuleState, Silence, StatusProjection } from '../alerts.ts';
import type { RuleCountRow } from '../stats-assemble.ts';
import type { Page } from './store.ts';

export interface RuleCount {
  ruleId: string;
  /** Start of the one-minute bucket, ms since epoch. */
  bucketMs: number;
  /** Worker that counted (each adds only its own matches). */
  workerId: string;
  count: number;
}

export interface AlertStore {
  upsertAlerts(alerts: Alert[]): Promise<void>;
  getAlert(id: string): Promise<Alert | null>;
  /** Newest firedAtMs first (ties: id). */
  listAlerts(query: AlertQuery): Promise<Page<Alert>>;
  /** Alerts per state and rule (for dashboards and the rules list): latest versions fired at or after sinceMs. */
  countAlerts(sinceMs: number): Promise<{ ruleId: string; state: Alert['state']; count: number }[]>;
  /**
   * Alerts fired per rule and bucket (the health dashboard's anomalies): each alert once, by its latest
   * version's firedAtMs in [fromMs, toMs), any state; tMs = firedAtMs rounded down to a multiple of bucketMs.
   */
  alertTimeline(fromMs: number, toMs: number, bucketMs: number): Promise<RuleCountRow[]>;

  upsertSilence(silence: Silence): Promise<void>;
  /** Silences whose endsAtMs > nowMs. */
  activeSilences(nowMs: number): Promise<Silence[]>;
  getSilence(id: string): Promise<Silence | null>;

  saveOrderStates(states: OrderRuleState[]): Promise<void>;
  /** Live (non-tombstone) states of orders in the given partitions, in pages of up to pageSize. */
  loadOrderStates(partitions: number[], pageSize: number, cursor?: string): Promise<Page<OrderRuleState>>;

  saveStatusProjections(projections: StatusProjection[]): Promise<void>;
  getStatusProjection(orderId: string): Promise<StatusProjection | null>;

  /** Adds (sets, idempotently per ruleId × bucket × worker) a worker's match count. */
  saveRuleCounts(counts: RuleCount[]): Promise<void>;
  /** Sum over every worker of counts with bucketMs in [fromMs, toMs). */
  sumRuleCounts(ruleId: string, fromMs: number, toMs: number): Promise<number>;

  addDeadLetter(letter: DeadLetter): Promise<void>;
  listDeadLetters(limit: number): Promise<DeadLetter[]>;
}
