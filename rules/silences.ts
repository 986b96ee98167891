// Silences: a person mutes notifications for matching alerts until a time. Pure.
// The alert itself still fires and is stored; only notifications and tickets are suppressed.
import type { Alert, Silence } from './model.ts';

/** The labels a silence matcher sees: the alert's labels plus ruleId, orderId and severity (which win). */
export function matchableLabels(alert: Alert): Record<string, string> {
  return { ...alert.labels, ruleId: alert.ruleId, orderId: alert.orderId, severity: alert.severity };
}

export function silenceMatches(alert: Alert, silence: Silence, nowMs: number): boolean {
  if (silence.endsAtMs <= nowMs) return false;
  if (silence.ruleId !== null && silence.ruleId !== alert.ruleId) return false;
  const labels = matchableLabels(alert);
  return Object.entries(silence.matchers).every(([name, value]) => labels[name] === value);
}

/** The first active silence that matches the alert, or null. */
export function findSilence(alert: Alert, silences: readonly Silence[], nowMs: number): Silence | null {
  return silences.find((s) => silenceMatches(alert, s, nowMs)) ?? null;
}

export function isSilenced(alert: Alert, silences: readonly Silence[], nowMs: number): boolean {
  return findSilence(alert, silences, nowMs) !== null;
}
