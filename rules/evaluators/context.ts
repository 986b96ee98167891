// What an evaluator (one per rule kind) gets from the engine, what it gives back, and the helpers
// the deadline-shaped kinds share. Evaluators only touch order state through this context; the
// engine owns timers, alert rows, versions and outputs.
import { cancelDeadline, evaluateDeadline, expireDeadline, type DeadlineOutcome, type DeadlineState } from '../deadline.ts';
import type { CalendarDef, EventFact, EvidenceRef, Resolution, Rule, SignalFact } from '../model.ts';
import { compactRef, type OrderState, type Slot, type SlotOf } from '../order-state.ts';

export interface EvalContext {
  /** Wall clock of this engine call. */
  readonly nowMs: number;
  /** The clock alerts may fire at: NO_FIRING while facts are applied (their timers fire right after). */
  readonly fireNowMs: number;
  /** A fired alert whose condition never clears is forgotten this long after it fired. */
  readonly staleAfterMs: number;
  calendar(id: string | null): CalendarDef | null;
  /** The status `system` should report when the order's canonical status is `canonical` (status-tracker.ts). */
  expectedStatus(system: string, canonical: string): string;
  /** Arms (or with null disarms) the slot's timer. */
  schedule(slot: Slot, atMs: number | null): void;
  /** The slot's alert changed: emit its full row. */
  alert(slot: Slot): void;
  /** The order's state changed: persist it. */
  touch(order: OrderState): void;
  /** The order's state, created when `create` is set (null when unknown to this engine). */
  order(orderId: string, create: boolean): OrderState | null;
  /** Stalled-queue consumers without an order: message IDs / producer refs → the order waiting for them. */
  readonly messages: Map<string, OrderState>;
  /** The fact as evidence: one shared object per fact, however many slots keep it. */
  ref(fact: EventFact | SignalFact): EvidenceRef;
  /** An error-pattern match to report to the caller (who counts across workers). */
  match(ruleId: string, orderId: string, timeMs: number, evidence: EvidenceRef): void;
}

/** What an alert says, besides what the engine fills in from the rule and the slot. */
export interface AlertView {
  summary: string;
  /** Must include `breach`: a key that changes only when the alert is about a new breach. */
  details: Record<string, string>;
  dueMs: number | null;
  rootCause: string | null;
  /** Evidence of the rule itself (A event, producer span…); the order's failing signals are added. */
  evidence: EvidenceRef[];
}

export interface Evaluator<R extends Rule> {
  /** Order events the rule reacts to (the engine indexes rules by them). */
  events(rule: R): string[];
  onEvent?(ctx: EvalContext, rule: R, order: OrderState, fact: EventFact): void;
  /** Spans and logs; `order` is the order's state when the engine already has it in hand, else null (use ctx.order). */
  onSignal?(ctx: EvalContext, rule: R, order: OrderState | null, fact: SignalFact): void;
  /** The order's canonical status or a system's status changed. */
  onStatus?(ctx: EvalContext, rule: R, order: OrderState): void;
  onTimer(ctx: EvalContext, rule: R, slot: SlotOf<R['kind']>): void;
  /** order.cancelled. */
  onCancel?(ctx: EvalContext, rule: R, slot: SlotOf<R['kind']>): void;
  describe(rule: R, slot: SlotOf<R['kind']>): AlertView;
}

/** "2h", "90m", "1d 4h", "45s". */
export function formatDuration(ms: number): string {
  const units: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1000, 's']];
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms));
  for (const [size, unit] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.length > 0 ? parts.join(' ') : `${rest}ms`;
}

export function iso(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString();
}

/** How a settled deadline reads as an alert resolution; a breach resolves as `late` for deadlines. */
export function resolutionOf(outcome: DeadlineOutcome, breach: Resolution): Resolution {
  return outcome === 'late' ? breach : outcome === 'reported_late' ? 'reported_late' : outcome === 'cancelled' ? 'cancelled' : 'closed';
}

/** Resolves the slot's alert (if it has an open one). */
export function resolveSlot(ctx: EvalContext, slot: Slot, resolution: Resolution): void {
  if (slot.firedAtMs === null || slot.resolution !== null) return;
  slot.resolution = resolution;
  slot.resolvedAtMs = ctx.nowMs;
  ctx.alert(slot);
}

/** Keeps a firing slot (and so its order) alive until staleAfterMs after it fired. */
export function holdWhileFiring(ctx: EvalContext, slot: Slot): void {
  ctx.schedule(slot, slot.firedAtMs! + ctx.staleAfterMs);
}

/** True when the timer that popped is the stale-after expiry of a firing slot. */
export function isExpired(ctx: EvalContext, slot: Slot): boolean {
  return slot.firedAtMs !== null && ctx.fireNowMs >= slot.firedAtMs + ctx.staleAfterMs;
}

/**
 * Runs the deadline core for a deadline-shaped slot and applies its decision: arm the timer, fire,
 * or settle (emitting the resolved row when an alert records the outcome).
 */
export function runDeadline(ctx: EvalContext, slot: Slot & DeadlineState, graceMs: number, breach: Resolution): void {
  const action = evaluateDeadline(slot, ctx.fireNowMs, graceMs, ctx.nowMs);
  switch (action.kind) {
    case 'wait':
      ctx.schedule(slot, action.fireAtMs);
      break;
    case 'fire':
      holdWhileFiring(ctx, slot);
      ctx.alert(slot);
      break;
    case 'overdue':
      if (isExpired(ctx, slot)) {
        expireDeadline(slot);
        ctx.schedule(slot, null);
      }
      break;
    case 'settled':
      ctx.schedule(slot, null);
      if (action.alert) resolveSlot(ctx, slot, resolutionOf(action.outcome, breach));
      break;
    case 'idle':
      break;
  }
  ctx.touch(slot.order);
}

/** Whether an A at startMs would (re)open the deadline: computing a business-time due is not free. */
export function wouldOpen(d: DeadlineState, startMs: number): boolean {
  return d.outcome === null && (d.startMs === null || startMs < d.startMs);
}

/** order.cancelled for a deadline-shaped slot. */
export function cancelSlot(ctx: EvalContext, slot: Slot & DeadlineState): void {
  const action = cancelDeadline(slot, ctx.nowMs);
  if (action.kind === 'idle') return;
  ctx.schedule(slot, null);
  if (action.kind === 'settled' && action.alert) resolveSlot(ctx, slot, 'cancelled');
  ctx.touch(slot.order);
}

const MAX_SUMMARY = 200;

/** A span or log as alert evidence. */
export function signalRef(fact: SignalFact): EvidenceRef {
  const summary = fact.text.length > MAX_SUMMARY ? `${fact.text.slice(0, MAX_SUMMARY)}…` : fact.text;
  return compactRef(fact.type, fact.id, fact.traceId, fact.spanId, fact.timeMs, `${fact.service}: ${summary}`);
}

/** The event's shipment (per-shipment rules), '' when it names none. */
export function shipmentOf(fact: EventFact): string {
  return fact.attributes['shipment.id'] ?? '';
}
