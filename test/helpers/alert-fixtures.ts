// Alerts and retry policies for notification tests.
import type { Alert, DeadLetter } from '../../core/alerts.ts';
import type { RetryPolicy } from '../../rules/notify/retry.ts';

export const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);

/** A firing deadline alert for one order; override anything. */
export function alertFixture(overrides: Partial<Alert> = {}): Alert {
  const orderId = overrides.orderId ?? 'ORD-1';
  const ruleId = overrides.ruleId ?? 'paid-not-locked';
  return {
    id: `${ruleId}:${orderId}:${overrides.scope ?? ''}`,
    ruleId,
    ruleKind: 'deadline',
    title: 'Paid but not stock-locked within 2 h',
    severity: 'critical',
    labels: { team: 'inventory' },
    orderId,
    scope: '',
    state: 'firing',
    resolution: null,
    summary: `payment.succeeded at 07:00, no inventory.locked by 09:00 (${orderId})`,
    rootCause: null,
    dueMs: T0,
    firedAtMs: T0,
    acknowledgedAtMs: null,
    acknowledgedBy: null,
    resolvedAtMs: null,
    resolvedBy: null,
    details: {},
    evidence: [],
    updatedAtMs: T0,
    version: 1,
    ...overrides,
  };
}

/** `count` firing alerts of one rule, one order each, fired one second apart from T0. */
export function alertBurst(count: number, overrides: Partial<Alert> = {}): Alert[] {
  return Array.from({ length: count }, (_, i) => {
    const orderId = `ORD-${String(i + 1).padStart(6, '0')}`;
    return alertFixture({ ...overrides, orderId, id: `${overrides.ruleId ?? 'paid-not-locked'}:${orderId}`, firedAtMs: T0 + i * 100, updatedAtMs: T0 + i * 100 });
  });
}

/** Fast retries for tests. */
export const FAST_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 2000, jitter: 0.5, timeoutMs: 2000 };

/** A dead-letter sink that keeps what it gets. */
export function deadLetterBox(): { letters: DeadLetter[]; sink: (letter: DeadLetter) => void } {
  const letters: DeadLetter[] = [];
  return { letters, sink: (letter) => void letters.push(letter) };
}
