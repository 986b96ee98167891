// sequence: `then` happened (by event time) before `first` — shipped before paid. Decided once both
// have been seen, in whichever order they arrive; the earliest of each counts.
import type { EvidenceRef, SequenceRule } from '../model.ts';
import { slotFor } from '../order-state.ts';
import { iso, type Evaluator } from './context.ts';

const earlier = (seen: EvidenceRef | null, timeMs: number) => seen === null || timeMs < seen.timeMs;

export const sequenceEvaluator: Evaluator<SequenceRule> = {
  events: (rule) => [rule.first, rule.then],

  onEvent(ctx, rule, order, fact) {
    const slot = slotFor(order, 'sequence', rule.id, '');
    if (slot.done) return;
    let changed = false;
    if (fact.event === rule.first && earlier(slot.first, fact.timeMs)) {
      slot.first = ctx.ref(fact);
      changed = true;
    }
    if (fact.event === rule.then && earlier(slot.then, fact.timeMs)) {
      slot.then = ctx.ref(fact);
      changed = true;
    }
    if (!changed) return;
    if (slot.first !== null && slot.then !== null) {
      slot.done = true;
      if (slot.then.timeMs < slot.first.timeMs) {
        slot.firedAtMs = ctx.nowMs;
        ctx.alert(slot);
      }
    }
    ctx.touch(order);
  },

  onTimer() {
    // Sequence slots never arm a timer.
  },

  describe(rule, slot) {
    const first = slot.first!;
    const then = slot.then!;
    return {
      summary: `${rule.then} at ${iso(then.timeMs)} happened before ${rule.first} at ${iso(first.timeMs)}`,
      details: { breach: `${then.id}<${first.id}`, first: rule.first, then: rule.then, firstAt: iso(first.timeMs), thenAt: iso(then.timeMs) },
      dueMs: null,
      rootCause: null,
      evidence: [then, first],
    };
  },
};
