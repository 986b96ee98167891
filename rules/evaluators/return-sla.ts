// return_sla: a return.requested is routed (type × amount × currency, first matching route) to an
// approver level with its SLA. When the SLA passes, the alert fires and escalates to the next
// level, whose SLA then runs; one alert per order × return ID, updated (details.level) at each step.
// A closeOn event (return.approved / return.rejected) resolves it.
import { closeDeadline, dueAfter, evaluateDeadline, expireDeadline } from '../deadline.ts';
import type { CalendarDef, ReturnSlaRule } from '../model.ts';
import { slotFor, type ReturnSlot } from '../order-state.ts';
import { cancelSlot, formatDuration, holdWhileFiring, isExpired, iso, resolutionOf, resolveSlot, wouldOpen, type EvalContext, type Evaluator } from './context.ts';

export const RETURN_REQUESTED = 'return.requested';

/** Index of the level the first matching route names; the first level when no route matches. */
export function routeLevel(rule: ReturnSlaRule, attributes: Record<string, string>): number {
  const type = attributes['return.type'] ?? '';
  const currency = attributes['return.currency'] ?? '';
  const amount = Number(attributes['return.amount'] ?? NaN);
  const route = rule.routes.find(
    (r) =>
      (r.type === null || r.type === type) &&
      (r.currency === null || r.currency === currency) &&
      (r.maxAmount === null || (Number.isFinite(amount) && amount <= r.maxAmount)),
  );
  const level = route === undefined ? 0 : rule.levels.findIndex((l) => l.id === route.level);
  return Math.max(0, level);
}

/** Moves up one level for every level whose SLA has passed; true when it moved. */
function escalate(ctx: EvalContext, rule: ReturnSlaRule, slot: ReturnSlot, calendar: CalendarDef | null): boolean {
  let moved = false;
  while (slot.level + 1 < rule.levels.length && slot.levelDueMs !== null && ctx.fireNowMs >= slot.levelDueMs) {
    slot.level++;
    slot.levelDueMs = dueAfter(slot.levelDueMs, rule.levels[slot.level]!.slaMs, calendar);
    moved = true;
  }
  return moved;
}

/** Next look: the next escalation, or the stale-after expiry once at the top level. */
function rearm(ctx: EvalContext, rule: ReturnSlaRule, slot: ReturnSlot): void {
  if (slot.level + 1 < rule.levels.length) ctx.schedule(slot, slot.levelDueMs);
  else if (isExpired(ctx, slot)) {
    expireDeadline(slot);
    ctx.schedule(slot, null);
  } else holdWhileFiring(ctx, slot);
}

function step(ctx: EvalContext, rule: ReturnSlaRule, slot: ReturnSlot): void {
  const action = evaluateDeadline(slot, ctx.fireNowMs, 0, ctx.nowMs);
  switch (action.kind) {
    case 'wait':
      ctx.schedule(slot, action.fireAtMs);
      break;
    case 'fire':
    case 'overdue': {
      const moved = escalate(ctx, rule, slot, ctx.calendar(rule.calendar));
      if (action.kind === 'fire' || moved) ctx.alert(slot);
      rearm(ctx, rule, slot);
      break;
    }
    case 'settled':
      ctx.schedule(slot, null);
      if (action.alert) resolveSlot(ctx, slot, resolutionOf(action.outcome, 'closed'));
      break;
    case 'idle':
      return;
  }
  ctx.touch(slot.order);
}

export const returnSlaEvaluator: Evaluator<ReturnSlaRule> = {
  events: (rule) => [RETURN_REQUESTED, ...rule.closeOn],

  onEvent(ctx, rule, order, fact) {
    const scope = fact.attributes['return.id'] ?? '';
    if (fact.event === RETURN_REQUESTED && order.cancelledMs === null) {
      const slot = slotFor(order, 'return_sla', rule.id, scope);
      if (wouldOpen(slot, fact.timeMs)) {
        const level = slot.startMs === null ? routeLevel(rule, fact.attributes) : slot.routedLevel;
        const due = dueAfter(fact.timeMs, rule.levels[level]!.slaMs, ctx.calendar(rule.calendar));
        Object.assign(slot, { startMs: fact.timeMs, dueMs: due, routedLevel: level, level, levelDueMs: due, request: ctx.ref(fact) });
        step(ctx, rule, slot);
      }
    }
    if (rule.closeOn.includes(fact.event)) {
      // A decision naming no return ID decides every return of the order.
      const slots = [slotFor(order, 'return_sla', rule.id, scope)];
      if (scope === '') for (const s of order.slots) if (s.kind === 'return_sla' && s.ruleId === rule.id && s !== slots[0]) slots.push(s);
      for (const slot of slots) if (closeDeadline(slot, fact.timeMs)) step(ctx, rule, slot);
    }
  },

  onTimer: step,

  onCancel(ctx, _rule, slot) {
    cancelSlot(ctx, slot);
  },

  describe(rule, slot) {
    const level = rule.levels[slot.level]!;
    const routed = rule.levels[slot.routedLevel]!;
    const escalated = slot.level > slot.routedLevel;
    const summary = escalated
      ? `Return ${slot.scope} escalated to ${level.title}: not approved within the ${routed.title} SLA of ${formatDuration(routed.slaMs)}`
      : `Return ${slot.scope} not approved within the ${level.title} SLA of ${formatDuration(level.slaMs)}`;
    const details: Record<string, string> = {
      breach: `level:${level.id}`,
      returnId: slot.scope,
      level: level.id,
      levelTitle: level.title,
      routedLevel: routed.id,
      escalations: String(slot.level - slot.routedLevel),
      requestedAt: iso(slot.startMs),
      levelDueAt: iso(slot.levelDueMs),
    };
    if (slot.closeMs !== null) details.closedAt = iso(slot.closeMs);
    return { summary, details, dueMs: slot.levelDueMs, rootCause: null, evidence: slot.request ? [slot.request] : [] };
  },
};
