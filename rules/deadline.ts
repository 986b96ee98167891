// The one deadline core: "after A, expect B by due". The live engine and the backtest (a simulated
// clock) both go through it, and so do the deadline, stalled-queue and return-SLA rules.
//
// Event time decides whether B was in time; the wall clock only decides when to fire:
//   due = t(A) + D (D of business time when a calendar is set)
//   fire when now ≥ due + grace and no B with t(B) ≤ due has been seen (replayed old A fires at once)
//   B arrives with t(B) ≤ due → no alert, or, if the alert already fired, resolved as reported_late
//   B with t(B) > due        → a real breach: resolved as late (an alert row exists for statistics)
//   B before A               → remembered; when A arrives the deadline settles at once
// The earliest A opens the deadline, the earliest B closes it, so duplicates change nothing.
import { addBusinessTime } from './calendar.ts';
import type { CalendarDef } from './model.ts';

export type DeadlineOutcome = 'in_time' | 'reported_late' | 'late' | 'cancelled' | 'expired';

export interface DeadlineState {
  /** Event time of the earliest A; null while only B has been seen. */
  startMs: number | null;
  dueMs: number | null;
  /** Event time of the earliest B; null while none has been seen. */
  closeMs: number | null;
  /** Wall-clock time the alert fired (or was recorded for a breach); null while there is none. */
  firedAtMs: number | null;
  /** Set once settled; nothing reopens a settled deadline. */
  outcome: DeadlineOutcome | null;
}

export type DeadlineAction =
  /** Not due yet: fire at fireAtMs unless B arrives. */
  | { kind: 'wait'; fireAtMs: number }
  /** Due and not met: the alert fires now. */
  | { kind: 'fire' }
  /** Fired earlier, still no B. */
  | { kind: 'overdue' }
  /** Done. alert: an alert row records the outcome (it fired, or B came after due). */
  | { kind: 'settled'; outcome: DeadlineOutcome; alert: boolean }
  /** Nothing to do: only B seen so far, or already settled. */
  | { kind: 'idle' };

const IDLE: DeadlineAction = { kind: 'idle' };
const FIRE: DeadlineAction = { kind: 'fire' };
const OVERDUE: DeadlineAction = { kind: 'overdue' };

/** A "never fire" clock for phases that may only schedule (ingest): timers fire afterwards. */
export const NO_FIRING = -Infinity;

export function emptyDeadline(): DeadlineState {
  return { startMs: null, dueMs: null, closeMs: null, firedAtMs: null, outcome: null };
}

/** due = start + duration, counted in working time when a calendar is given. */
export function dueAfter(startMs: number, durationMs: number, calendar: CalendarDef | null): number {
  return calendar === null ? startMs + durationMs : addBusinessTime(startMs, durationMs, calendar);
}

/** Records an A; true when it moved the deadline (the first or an earlier A of an unsettled one). */
export function openDeadline(d: DeadlineState, startMs: number, dueMs: number): boolean {
  if (d.outcome !== null || (d.startMs !== null && d.startMs <= startMs)) return false;
  d.startMs = startMs;
  d.dueMs = dueMs;
  return true;
}

/** Records a B; true when it is the earliest so far of an unsettled deadline. */
export function closeDeadline(d: DeadlineState, closeMs: number): boolean {
  if (d.outcome !== null || (d.closeMs !== null && d.closeMs <= closeMs)) return false;
  d.closeMs = closeMs;
  return true;
}

/** B in time is reported_late once the alert fired; after due it is a breach either way. */
export function closeOutcome(dueMs: number, closeMs: number, fired: boolean): DeadlineOutcome {
  if (closeMs > dueMs) return 'late';
  return fired ? 'reported_late' : 'in_time';
}

function settle(d: DeadlineState, outcome: DeadlineOutcome, nowMs: number): DeadlineAction {
  const alert = d.firedAtMs !== null || outcome === 'late';
  if (alert && d.firedAtMs === null) d.firedAtMs = nowMs;
  d.outcome = outcome;
  return { kind: 'settled', outcome, alert };
}

/**
 * Decides what the deadline does at wall-clock `nowMs` (NO_FIRING: decide, but leave firing to the
 * timer), updating firedAtMs/outcome. `recordMs` is the wall clock to stamp on a breach row.
 */
export function evaluateDeadline(d: DeadlineState, nowMs: number, graceMs: number, recordMs: number): DeadlineAction {
  if (d.outcome !== null || d.startMs === null || d.dueMs === null) return IDLE;
  if (d.closeMs !== null) return settle(d, closeOutcome(d.dueMs, d.closeMs, d.firedAtMs !== null), recordMs);
  if (d.firedAtMs !== null) return OVERDUE;
  const fireAtMs = d.dueMs + graceMs;
  if (nowMs < fireAtMs) return { kind: 'wait', fireAtMs };
  d.firedAtMs = nowMs;
  return FIRE;
}

/** order.cancelled: an open deadline closes; an alert that fired resolves as cancelled. */
export function cancelDeadline(d: DeadlineState, nowMs: number): DeadlineAction {
  if (d.outcome !== null) return IDLE;
  if (d.firedAtMs === null) {
    d.outcome = 'cancelled';
    return { kind: 'settled', outcome: 'cancelled', alert: false };
  }
  return settle(d, 'cancelled', nowMs);
}

/** A fired deadline whose B never came is forgotten after a while (its alert stays as it is). */
export function expireDeadline(d: DeadlineState): void {
  if (d.outcome === null) d.outcome = 'expired';
}
