// error_pattern: spans/logs matching a condition. Counting is global (every worker adds its matches
// per minute to the store); this evaluator records matches per order and, when the caller says
// the count crossed the threshold, tags the root cause on every order that matched in the window.
import type { ErrorPatternRule, SignalFact } from '../model.ts';
import { slotFor, type PatternSlot } from '../order-state.ts';
import type { EvalContext, Evaluator } from './context.ts';

/** Matches remembered per order × rule. */
export const MATCH_RING = 16;

const patterns = new WeakMap<ErrorPatternRule, RegExp>();

/** The rule's pattern, compiled once (case-insensitive); a bad pattern names the rule. */
export function compiledPattern(rule: ErrorPatternRule): RegExp {
  let re = patterns.get(rule);
  if (re === undefined) {
    try {
      re = new RegExp(rule.match.pattern, 'i');
    } catch (error) {
      throw new Error(`rule ${rule.id}: invalid pattern ${JSON.stringify(rule.match.pattern)}: ${(error as Error).message}`);
    }
    patterns.set(rule, re);
  }
  return re;
}

/** FNV-1a: enough to recognise a redelivered signal among an order's last few matches. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function matchesPattern(rule: ErrorPatternRule, fact: SignalFact): boolean {
  const m = rule.match;
  if (m.signal !== 'any' && m.signal !== fact.type) return false;
  if (m.service !== null && m.service !== fact.service) return false;
  if (m.errorsOnly && !fact.isError) return false;
  return compiledPattern(rule).test(fact.text);
}

function inWindow(slot: PatternSlot, fromMs: number, toMs: number): { count: number; latest: number } {
  let count = 0;
  let latest = -Infinity;
  for (const t of slot.times) {
    if (t < fromMs || t > toMs) continue;
    count++;
    if (t > latest) latest = t;
  }
  return { count, latest };
}

/** Fires (or updates with newer matches) the order's alert when it matched within [fromMs, now]. */
export function fireOnPattern(ctx: EvalContext, slot: PatternSlot, windowStartMs: number): void {
  const { count, latest } = inWindow(slot, windowStartMs, ctx.nowMs);
  if (count === 0) return;
  if (slot.firedAtMs === null || slot.resolution !== null) {
    Object.assign(slot, { firedAtMs: ctx.nowMs, resolution: null, resolvedAtMs: null, reportedMs: latest });
  } else if (slot.reportedMs !== null && latest <= slot.reportedMs) {
    return;
  } else {
    slot.reportedMs = latest;
  }
  ctx.alert(slot);
  ctx.touch(slot.order);
}

export const errorPatternEvaluator: Evaluator<ErrorPatternRule> = {
  events: () => [],

  onSignal(ctx, rule, order, fact) {
    if (fact.orderId === '' || !matchesPattern(rule, fact)) return;
    const target = order ?? ctx.order(fact.orderId, true)!;
    const slot = slotFor(target, 'error_pattern', rule.id, '');
    const id = hash32(fact.id);
    if (slot.ids.includes(id)) return;
    slot.times.push(fact.timeMs);
    slot.ids.push(id);
    if (slot.times.length > MATCH_RING) {
      slot.times.shift();
      slot.ids.shift();
    }
    ctx.match(rule.id, fact.orderId, fact.timeMs, ctx.ref(fact));
    ctx.touch(target);
  },

  onTimer() {
    // Error-pattern slots never arm a timer: firing is the caller's call (fireErrorPattern).
  },

  describe(rule, slot) {
    return {
      summary: `${rule.rootCause}: ${slot.times.length} matching ${rule.match.signal === 'any' ? 'span/log' : rule.match.signal}${slot.times.length === 1 ? '' : 's'} on this order`,
      details: { breach: String(slot.firedAtMs), matches: String(slot.times.length), pattern: rule.match.pattern },
      dueMs: null,
      rootCause: rule.rootCause,
      evidence: [],
    };
  },
};
