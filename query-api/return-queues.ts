// Pure: open return-SLA alerts grouped by the approver level they wait at, in the rules' escalation
// order, each with its SLA countdown. The engine (rules/evaluators/return-sla.ts) keeps the current
// level in details.level, the escalation count in details.escalations and the level's due in dueMs.
import type { Alert } from '../core/alerts.ts';
import type { ReturnSlaRule } from '../rules/model.ts';

export interface ReturnQueueItem {
  alertId: string;
  orderId: string;
  returnId: string;
  ruleId: string;
  state: Alert['state'];
  firedAtMs: number;
  dueMs: number | null;
  remainingMs: number | null;
  overdue: boolean;
  escalations: number;
  summary: string;
  details: Record<string, string>;
}

export interface ReturnQueue {
  level: string;
  title: string;
  slaMs: number | null;
  count: number;
  overdue: number;
  items: ReturnQueueItem[];
}

function queueItem(alert: Alert, nowMs: number): ReturnQueueItem {
  const remainingMs = alert.dueMs === null ? null : alert.dueMs - nowMs;
  return {
    alertId: alert.id,
    orderId: alert.orderId,
    returnId: alert.scope,
    ruleId: alert.ruleId,
    state: alert.state,
    firedAtMs: alert.firedAtMs,
    dueMs: alert.dueMs,
    remainingMs,
    overdue: remainingMs !== null && remainingMs < 0,
    escalations: Number(alert.details.escalations ?? 0) || 0,
    summary: alert.summary,
    details: alert.details,
  };
}

/** Earliest due first; no due last. */
function byUrgency(a: ReturnQueueItem, b: ReturnQueueItem): number {
  return (a.dueMs ?? Infinity) - (b.dueMs ?? Infinity) || a.alertId.localeCompare(b.alertId);
}

export function returnQueues(openAlerts: readonly Alert[], rules: readonly ReturnSlaRule[], nowMs: number): ReturnQueue[] {
  const queues = new Map<string, ReturnQueue>();
  const queue = (level: string, title: string, slaMs: number | null) => {
    let q = queues.get(level);
    if (!q) queues.set(level, (q = { level, title, slaMs, count: 0, overdue: 0, items: [] }));
    return q;
  };
  // every level of every rule, in escalation order, even when empty: a queue with nothing waiting is news too
  for (const rule of rules) for (const level of rule.levels) queue(level.id, level.title, level.slaMs);
  for (const alert of openAlerts) {
    const level = alert.details.level ?? '';
    const q = queues.get(level) ?? queue(level, alert.details.levelTitle ?? (level || 'unknown level'), null);
    const item = queueItem(alert, nowMs);
    q.items.push(item);
    q.count++;
    if (item.overdue) q.overdue++;
  }
  for (const q of queues.values()) q.items.sort(byUrgency);
  return [...queues.values()];
}
