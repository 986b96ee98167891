// status_mismatch: a system's latest status, mapped onto the vocabulary, differs from the canonical
// status (furthest milestone reached, as far as that system's words can express it) for longer than the tolerance. One alert per system; it
// resolves when the system agrees again. The tolerance runs on a timer, not by polling.
import type { StatusMismatchRule } from '../model.ts';
import { findSlot, slotFor, type MismatchSlot, type OrderState } from '../order-state.ts';
import { holdWhileFiring, isExpired, iso, resolveSlot, type EvalContext, type Evaluator } from './context.ts';

function disagree(ctx: EvalContext, rule: StatusMismatchRule, slot: MismatchSlot, sinceMs: number, words: [string, string, string]): void {
  const [status, mapped, canonical] = words;
  const reworded = slot.status !== status || slot.mapped !== mapped || slot.canonical !== canonical;
  Object.assign(slot, { status, mapped, canonical });
  if (slot.sinceMs === null) {
    // A new disagreement is a new breach, even if an earlier one raised an alert.
    Object.assign(slot, { sinceMs, firedAtMs: null, resolution: null, resolvedAtMs: null });
    ctx.schedule(slot, sinceMs + rule.toleranceMs);
  } else if (reworded && slot.firedAtMs !== null && slot.resolution === null) {
    ctx.alert(slot);
  }
  if (reworded) ctx.touch(slot.order);
}

function agree(ctx: EvalContext, slot: MismatchSlot): void {
  slot.sinceMs = null;
  ctx.schedule(slot, null);
  resolveSlot(ctx, slot, 'closed');
  ctx.touch(slot.order);
}

function compare(ctx: EvalContext, rule: StatusMismatchRule, order: OrderState): void {
  const status = order.status;
  if (status === null) return;
  const systems = rule.systems.length > 0 ? rule.systems : status.systems.map((s) => s.system);
  for (const name of systems) {
    const system = status.systems.find((s) => s.system === name);
    if (system === undefined) continue;
    const expected = status.canonical === '' ? '' : ctx.expectedStatus(name, status.canonical);
    if (expected !== '' && system.mapped !== expected) {
      const slot = slotFor(order, 'status_mismatch', rule.id, name);
      disagree(ctx, rule, slot, Math.max(status.sinceMs, system.sinceMs), [system.status, system.mapped, expected]);
    } else {
      const slot = findSlot(order, rule.id, name);
      if (slot?.kind === 'status_mismatch' && slot.sinceMs !== null) agree(ctx, slot);
    }
  }
}

export const statusMismatchEvaluator: Evaluator<StatusMismatchRule> = {
  events: () => [],

  onStatus: compare,

  onTimer(ctx, rule, slot) {
    if (slot.sinceMs === null) return;
    if (slot.firedAtMs !== null) {
      // The stale-after timer of a firing alert: keep it until it expires.
      if (slot.resolution === null && !isExpired(ctx, slot)) holdWhileFiring(ctx, slot);
      return;
    }
    const fireAtMs = slot.sinceMs + rule.toleranceMs;
    if (ctx.fireNowMs < fireAtMs) {
      ctx.schedule(slot, fireAtMs);
      return;
    }
    slot.firedAtMs = ctx.nowMs;
    holdWhileFiring(ctx, slot);
    ctx.alert(slot);
    ctx.touch(slot.order);
  },

  describe(rule, slot) {
    const since = slot.sinceMs;
    return {
      summary: `${slot.scope} reports "${slot.status}" (${slot.mapped}) but the order is ${slot.canonical}`,
      details: {
        breach: String(slot.firedAtMs),
        system: slot.scope,
        status: slot.status,
        mapped: slot.mapped,
        canonical: slot.canonical,
        since: iso(since),
      },
      dueMs: since === null ? null : since + rule.toleranceMs,
      rootCause: null,
      evidence: slot.order.status?.systems.flatMap((s) => (s.system === slot.scope && s.ref !== null ? [s.ref] : [])) ?? [],
    };
  },
};
