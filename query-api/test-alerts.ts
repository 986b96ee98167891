// Test data for the alert, silence, rule and worklist routes: a rule directory's files and stored
// alerts about the orders of test-fixture.ts (and a few more), as the engine would have written them.
import type { Alert } from '../core/alerts.ts';
import { alertId } from '../rules/alert-id.ts';
import { NOW_MS, ORDER, OTHER_ORDER, RETURN_ID, T0, charge, deductFailed, deductionLog, otherCharge, returnRequested } from './test-fixture.ts';
import { openTestApi, type TestApi, type TestApiOptions } from './test-store.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
export const T0_MS = Number(T0 / 1_000_000n);

export const RULES_YAML = `
calendars:
  - id: berlin-office
    timeZone: Europe/Berlin
    workingDays: [1, 2, 3, 4, 5]
    start: "09:00"
    end: "18:00"
rules:
  - id: stock-lock-2h
    kind: deadline
    title: Paid but stock not locked within 2h
    severity: critical
    labels: { team: inventory }
    after: payment.succeeded
    expect: inventory.locked
    within: 2h
    guide: |
      ## Paid, but stock was never locked

      Order [{{order.id}}]({{order.link}}) is due since {{alert.dueAt}}.
      {{#spans}}
      - **{{service}}** {{name}}: {{message}}
      {{/spans}}
  - id: packing-24h
    kind: deadline
    title: Stock locked but not packed within 24h
    labels: { team: warehouse }
    after: inventory.locked
    expect: package.packed
    within: 24h
  - id: return-decision-8h
    kind: deadline
    title: Return not decided within 8 business hours
    severity: info
    after: return.requested
    expect: [return.approved, return.rejected]
    within: 8h
    calendar: berlin-office
  - id: return-approval-sla
    kind: return_sla
    title: Return waiting for approval longer than its SLA
    labels: { team: returns }
    levels:
      - { id: agent, title: Support agent, sla: 4h }
      - { id: supervisor, title: Support supervisor, sla: 8h }
    routes:
      - { level: agent }
`;

/** A rule file with two problems: a bad duration and an unknown kind. */
export const BROKEN_YAML = `rules:
  - id: broken-deadline
    kind: deadline
    title: Broken
    after: payment.succeeded
    expect: inventory.locked
    within: two hours
  - id: no-such-kind
    kind: teleport
    title: Unknown kind
`;

export function alert(init: Pick<Alert, 'ruleId' | 'orderId' | 'state' | 'firedAtMs'> & Partial<Alert>): Alert {
  const scope = init.scope ?? '';
  return {
    id: alertId(init.ruleId, init.orderId, scope),
    ruleKind: 'deadline',
    title: init.ruleId,
    severity: 'warning',
    labels: {},
    scope,
    resolution: init.state === 'resolved' ? 'late' : null,
    summary: `${init.ruleId} on ${init.orderId}`,
    rootCause: null,
    dueMs: null,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    resolvedAtMs: init.state === 'resolved' ? init.firedAtMs + HOUR : null,
    resolvedBy: null,
    details: {},
    evidence: [],
    updatedAtMs: init.firedAtMs,
    version: 1,
    ...init,
  };
}

/** A-1002: paid at T0+2h, never stock-locked. */
export const stuckAlert = alert({
  ruleId: 'stock-lock-2h',
  orderId: OTHER_ORDER,
  state: 'firing',
  severity: 'critical',
  labels: { team: 'inventory' },
  title: 'Paid but stock not locked within 2h',
  firedAtMs: T0_MS + 4 * HOUR + 2 * MIN,
  dueMs: T0_MS + 4 * HOUR,
  summary: 'No inventory.locked within 2h of payment.succeeded',
  evidence: [{ kind: 'event', id: `${otherCharge.traceId}:${otherCharge.spanId}`, traceId: otherCharge.traceId, spanId: otherCharge.spanId, timeMs: T0_MS + 2 * HOUR + 4000, summary: 'payment.succeeded' }],
});

/** A-1001 locked its stock after a failed deduction; an earlier breach of the same rule, resolved late. */
export const lateAlert = alert({
  ruleId: 'stock-lock-2h',
  orderId: ORDER,
  state: 'resolved',
  severity: 'critical',
  firedAtMs: T0_MS + 3 * HOUR,
  dueMs: T0_MS + 2 * HOUR,
  evidence: [
    { kind: 'event', id: `${charge.traceId}:${charge.spanId}`, traceId: charge.traceId, spanId: charge.spanId, timeMs: T0_MS + 30_000, summary: 'payment.succeeded' },
    { kind: 'span', id: `${deductFailed.traceId}${deductFailed.spanId}`, traceId: deductFailed.traceId, spanId: deductFailed.spanId, timeMs: T0_MS + 31_000, summary: 'deduct stock failed' },
    { kind: 'log', id: deductionLog.logId, traceId: deductionLog.traceId, spanId: deductionLog.spanId, timeMs: T0_MS + 31_002, summary: 'deduction failed' },
  ],
});

/** A-1001's return R-555, escalated from agent to supervisor; due in 3 h. */
export const escalatedReturn = alert({
  ruleId: 'return-approval-sla',
  ruleKind: 'return_sla',
  orderId: ORDER,
  scope: RETURN_ID,
  state: 'firing',
  firedAtMs: NOW_MS - 20 * MIN,
  dueMs: NOW_MS + 3 * HOUR,
  details: { breach: 'level:supervisor', returnId: RETURN_ID, level: 'supervisor', levelTitle: 'Support supervisor', routedLevel: 'agent', escalations: '1' },
  evidence: [{ kind: 'event', id: `${returnRequested.traceId}:${returnRequested.spanId}`, traceId: returnRequested.traceId, spanId: returnRequested.spanId, timeMs: NOW_MS - HOUR, summary: 'return.requested' }],
});

/** Another return, acknowledged at agent level and 30 min past its SLA. */
export const overdueReturn = alert({
  ruleId: 'return-approval-sla',
  ruleKind: 'return_sla',
  orderId: 'A-3001',
  scope: 'R-777',
  state: 'acknowledged',
  acknowledgedAtMs: NOW_MS - 10 * MIN,
  acknowledgedBy: 'sam',
  firedAtMs: NOW_MS - 30 * MIN,
  dueMs: NOW_MS - 30 * MIN,
  details: { breach: 'level:agent', returnId: 'R-777', level: 'agent', levelTitle: 'Support agent', routedLevel: 'agent', escalations: '0' },
});

/** A summary with everything CSV must quote: comma, quotes, a line break. */
export const awkwardSummary = 'Not packed, "fragile" item\nsee the WMS note';
export const awkwardAlert = alert({
  ruleId: 'packing-24h',
  orderId: 'A-3002',
  state: 'firing',
  firedAtMs: NOW_MS - 2 * HOUR,
  dueMs: NOW_MS - 2 * HOUR - 2 * MIN,
  summary: awkwardSummary,
});

/** A summary a spreadsheet would run as a formula. */
export const formulaAlert = alert({
  ruleId: 'packing-24h',
  orderId: 'A-3003',
  state: 'firing',
  firedAtMs: NOW_MS - 3 * HOUR,
  summary: '=HYPERLINK("http://evil.example","click")',
});

/** A rule that is no longer loaded. */
export const orphanAlert = alert({ ruleId: 'retired-rule', ruleKind: 'sequence', orderId: 'A-3004', state: 'firing', severity: 'info', firedAtMs: T0_MS + HOUR });

export const ALL_ALERTS = [stuckAlert, lateAlert, escalatedReturn, overdueReturn, awkwardAlert, formulaAlert, orphanAlert];

/** Newest firedAt first (ties: id), as the store lists them. */
export function newestAlertFirst(a: Alert, b: Alert): number {
  return b.firedAtMs - a.firedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The query API over the fixture, RULES_YAML as its rules directory and ALL_ALERTS stored. */
export async function openAlertsApi(options: TestApiOptions = {}): Promise<TestApi> {
  const api = await openTestApi({ ruleFiles: { 'rules.yaml': RULES_YAML }, ...options });
  await api.store.alerts.upsertAlerts(ALL_ALERTS);
  return api;
}
