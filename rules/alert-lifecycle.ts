// What people do to alerts (acknowledge, resolve) and how the engine's updates merge with that.
// firing → acknowledged → resolved; firing → resolved. Pure: the caller loads the stored row,
// calls one of these, and upserts the result.
//
// Breach: details.breach names the breach an alert row is about (a deadline's due, a return's
// level, a mismatch's start…). The engine updating the same breach keeps a person's
// acknowledgement and a manual resolution; a new breach (re-fire, escalation) starts afresh.
import type { Alert, AlertState } from './model.ts';

export type TransitionErrorReason = 'already_acknowledged' | 'already_resolved';

/** An invalid transition; the API answers 409 Conflict with it. */
export class AlertTransitionError extends Error {
  readonly reason: TransitionErrorReason;
  readonly alertId: string;
  readonly from: AlertState;
  readonly to: AlertState;

  constructor(alert: Alert, to: AlertState, reason: TransitionErrorReason) {
    super(`alert ${alert.id} is ${alert.state}${alert.resolution ? ` (${alert.resolution})` : ''}; it cannot become ${to}`);
    this.name = 'AlertTransitionError';
    this.reason = reason;
    this.alertId = alert.id;
    this.from = alert.state;
    this.to = to;
  }
}

export type TransitionResult = { ok: true; alert: Alert } | { ok: false; error: AlertTransitionError };

/** A version above the stored one and at least the clock's (versions are ms × 1000 + counter). */
function nextVersion(alert: Alert, nowMs: number): number {
  return Math.max(alert.version + 1, Math.floor(nowMs) * 1000);
}

export function acknowledge(alert: Alert, actor: string, nowMs: number): TransitionResult {
  if (alert.state !== 'firing') {
    return { ok: false, error: new AlertTransitionError(alert, 'acknowledged', alert.state === 'resolved' ? 'already_resolved' : 'already_acknowledged') };
  }
  return {
    ok: true,
    alert: { ...alert, state: 'acknowledged', acknowledgedAtMs: nowMs, acknowledgedBy: actor, updatedAtMs: nowMs, version: nextVersion(alert, nowMs) },
  };
}

export function resolveManually(alert: Alert, actor: string, nowMs: number): TransitionResult {
  if (alert.state === 'resolved') return { ok: false, error: new AlertTransitionError(alert, 'resolved', 'already_resolved') };
  return {
    ok: true,
    alert: { ...alert, state: 'resolved', resolution: 'manual', resolvedAtMs: nowMs, resolvedBy: actor, updatedAtMs: nowMs, version: nextVersion(alert, nowMs) },
  };
}

/** Alert details written by people through the API (query-api/routes/alerts.ts), kept across engine updates. */
export const PERSON_DETAILS = ['acknowledgeComment', 'resolveComment'] as const;

/** Whether two rows of one alert are about the same breach. */
export function sameBreach(a: Alert, b: Alert): boolean {
  return (a.details.breach ?? '') === (b.details.breach ?? '');
}

/**
 * The row to store when the engine emits `next` for an alert stored as `stored` (null: new).
 * Same breach: a manual resolution stands (stored is returned unchanged); an acknowledgement is
 * kept (a firing update stays acknowledged). New breach: the engine's row as it is.
 * The result's version is above the stored one, so the store keeps it.
 */
export function mergeAlert(stored: Alert | null, next: Alert): Alert {
  if (stored === null) return next;
  const version = Math.max(next.version, stored.version + 1);
  if (!sameBreach(stored, next)) return { ...next, version };
  if (stored.state === 'resolved' && stored.resolution === 'manual') return stored;
  const acknowledged = stored.acknowledgedAtMs !== null;
  // What people wrote (ack/resolve comments, set by the API) is theirs, not the engine's to drop.
  const personal = Object.fromEntries(PERSON_DETAILS.filter((key) => stored.details[key] !== undefined).map((key) => [key, stored.details[key]!]));
  return {
    ...next,
    state: next.state === 'firing' && acknowledged ? 'acknowledged' : next.state,
    acknowledgedAtMs: stored.acknowledgedAtMs,
    acknowledgedBy: stored.acknowledgedBy,
    details: { ...next.details, ...personal },
    version,
  };
}
