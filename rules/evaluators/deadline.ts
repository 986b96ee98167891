// deadline: after event A, expect one of B within D — per order, or per shipment.id for split
// parcels. An A or B without a shipment.id counts for every shipment of the order.
import { closeDeadline, dueAfter } from '../deadline.ts';
import type { DeadlineRule, EventFact } from '../model.ts';
import { findSlot, slotFor, type DeadlineSlot, type OrderState } from '../order-state.ts';
import { cancelSlot, formatDuration, iso, runDeadline, shipmentOf, wouldOpen, type EvalContext, type Evaluator } from './context.ts';

/** Per-shipment rules: the slot remembering B events that named no shipment (it never opens). */
const ANY_SHIPMENT = '*';

function open(ctx: EvalContext, rule: DeadlineRule, order: OrderState, fact: EventFact, scope: string): void {
  if (order.cancelledMs !== null) return;
  const slot = slotFor(order, 'deadline', rule.id, scope);
  if (!wouldOpen(slot, fact.timeMs)) return;
  slot.startMs = fact.timeMs;
  slot.dueMs = dueAfter(fact.timeMs, rule.withinMs, ctx.calendar(rule.calendar));
  slot.start = ctx.ref(fact);
  // A B without a shipment seen earlier also closes a shipment that opens later.
  const anyShipment = rule.per === 'shipment' ? findSlot(order, rule.id, ANY_SHIPMENT) : undefined;
  if (anyShipment?.kind === 'deadline' && anyShipment.closeMs !== null) closeDeadline(slot, anyShipment.closeMs);
  step(ctx, rule, slot);
}

/** Runs the core; a deadline met in time needs no evidence any more. */
function step(ctx: EvalContext, rule: DeadlineRule, slot: DeadlineSlot): void {
  runDeadline(ctx, slot, rule.graceMs, 'late');
  if (slot.outcome !== null && slot.firedAtMs === null) slot.start = null;
}

function close(ctx: EvalContext, rule: DeadlineRule, order: OrderState, fact: EventFact, scope: string): void {
  const everyShipment = rule.per === 'shipment' && scope === '';
  const targets: DeadlineSlot[] = [slotFor(order, 'deadline', rule.id, everyShipment ? ANY_SHIPMENT : scope)];
  for (const slot of order.slots) {
    if (slot.kind !== 'deadline' || slot.ruleId !== rule.id || slot === targets[0]) continue;
    // A B without shipment satisfies every shipment; a shipment's B satisfies an order-wide A.
    if (everyShipment || (slot.scope === '' && slot.startMs !== null)) targets.push(slot);
  }
  for (const slot of targets) if (closeDeadline(slot, fact.timeMs)) step(ctx, rule, slot);
}

export const deadlineEvaluator: Evaluator<DeadlineRule> = {
  events: (rule) => [rule.after, ...rule.expect],

  onEvent(ctx, rule, order, fact) {
    const scope = rule.per === 'shipment' ? shipmentOf(fact) : '';
    if (fact.event === rule.after) open(ctx, rule, order, fact, scope);
    if (rule.expect.includes(fact.event)) close(ctx, rule, order, fact, scope);
  },

  onTimer: step,

  onCancel(ctx, _rule, slot) {
    cancelSlot(ctx, slot);
  },

  describe(rule, slot) {
    const expected = rule.expect.join(' or ');
    const within = `${formatDuration(rule.withinMs)}${rule.calendar ? ' of business time' : ''}`;
    const details: Record<string, string> = {
      breach: String(slot.dueMs),
      after: rule.after,
      expect: rule.expect.join(','),
      within,
      startedAt: iso(slot.startMs),
      dueAt: iso(slot.dueMs),
    };
    if (slot.scope) details.shipmentId = slot.scope;
    if (slot.closeMs !== null) details.closedAt = iso(slot.closeMs);
    return {
      summary: `No ${expected} within ${within} of ${rule.after}${slot.scope ? ` (shipment ${slot.scope})` : ''}`,
      details,
      dueMs: slot.dueMs,
      rootCause: null,
      evidence: slot.start ? [slot.start] : [],
    };
  },
};
