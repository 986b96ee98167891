// stalled_queue: a message produced for an order (PRODUCER span with messaging.message.id, or the
// rule's producedEvent) with no consumption within D. A CONSUMER span with the same message ID or
// a link/parent to the producer span (or consumedEvent) closes it. Scope = message ID.
import { SpanKind } from '../../core/model.ts';
import { spanRef } from '../facts.ts';
import { closeDeadline } from '../deadline.ts';
import type { EventFact, EvidenceRef, SignalFact, StalledQueueRule } from '../model.ts';
import { slotFor, type OrderState, type StalledSlot } from '../order-state.ts';
import { cancelSlot, formatDuration, iso, runDeadline, wouldOpen, type EvalContext, type Evaluator } from './context.ts';

/** Keys of the engine's message index (consumers without an order find the producer's order). */
const messageKey = (messageId: string) => `m:${messageId}`;
const producerKey = (ref: string) => `p:${ref}`;

/** The producer span's ref as consumers name it in links/parents ('' for a produced event). */
function producerRef(slot: StalledSlot): string {
  return slot.producer !== null && slot.producer.kind === 'span' ? spanRef(slot.producer.traceId, slot.producer.spanId) : '';
}

export function messageKeys(slot: StalledSlot): string[] {
  const ref = producerRef(slot);
  return ref ? [messageKey(slot.scope), producerKey(ref)] : [messageKey(slot.scope)];
}

/** Settled messages leave the index. */
function unindex(ctx: EvalContext, slot: StalledSlot): void {
  if (slot.outcome === null) return;
  for (const key of messageKeys(slot)) if (ctx.messages.get(key) === slot.order) ctx.messages.delete(key);
}

function step(ctx: EvalContext, rule: StalledQueueRule, slot: StalledSlot): void {
  runDeadline(ctx, slot, rule.graceMs, 'closed');
  unindex(ctx, slot);
  if (slot.outcome !== null && slot.firedAtMs === null) slot.producer = null; // consumed in time: no evidence needed
}

interface Produced {
  messageId: string;
  timeMs: number;
  destination: string;
  ref: EvidenceRef;
}

function produce(ctx: EvalContext, rule: StalledQueueRule, order: OrderState, p: Produced): void {
  if (order.cancelledMs !== null) return;
  const slot = slotFor(order, 'stalled_queue', rule.id, p.messageId);
  if (!wouldOpen(slot, p.timeMs)) return;
  Object.assign(slot, { startMs: p.timeMs, dueMs: p.timeMs + rule.withinMs, destination: p.destination, producer: p.ref });
  for (const key of messageKeys(slot)) ctx.messages.set(key, order);
  step(ctx, rule, slot);
}

function consume(ctx: EvalContext, rule: StalledQueueRule, order: OrderState, messageId: string | undefined, refs: readonly string[], timeMs: number): void {
  const slots: StalledSlot[] = [];
  // A consumption seen before its production is remembered under the message ID.
  if (messageId !== undefined) slots.push(slotFor(order, 'stalled_queue', rule.id, messageId));
  for (const s of order.slots) {
    if (s.kind === 'stalled_queue' && s.ruleId === rule.id && !slots.includes(s) && refs.length > 0 && refs.includes(producerRef(s))) slots.push(s);
  }
  for (const slot of slots) if (closeDeadline(slot, timeMs)) step(ctx, rule, slot);
}

/** The order a consumer span belongs to: its own, or the one waiting for its message. */
function consumerOrder(ctx: EvalContext, order: OrderState | null, fact: SignalFact): OrderState | null {
  if (fact.orderId !== '') return order ?? ctx.order(fact.orderId, true);
  const byMessage = fact.messageId !== undefined ? ctx.messages.get(messageKey(fact.messageId)) : undefined;
  if (byMessage) return byMessage;
  for (const ref of fact.producerRefs ?? []) {
    const byRef = ctx.messages.get(producerKey(ref));
    if (byRef) return byRef;
  }
  return null;
}

export const stalledQueueEvaluator: Evaluator<StalledQueueRule> = {
  events: (rule) => [rule.producedEvent, rule.consumedEvent].filter((e): e is string => e !== null),

  onSignal(ctx, rule, order, fact) {
    if (fact.type !== 'span') return;
    if (fact.kind === SpanKind.PRODUCER && fact.messageId !== undefined && fact.orderId !== '') {
      const target = order ?? ctx.order(fact.orderId, true)!;
      produce(ctx, rule, target, { messageId: fact.messageId, timeMs: fact.timeMs, destination: fact.destination ?? '', ref: ctx.ref(fact) });
    } else if (fact.kind === SpanKind.CONSUMER) {
      const target = consumerOrder(ctx, order, fact);
      if (target !== null) consume(ctx, rule, target, fact.messageId, fact.producerRefs ?? [], fact.timeMs);
    }
  },

  onEvent(ctx, rule, order, fact: EventFact) {
    const messageId = fact.attributes['messaging.message.id'] ?? '';
    if (fact.event === rule.producedEvent) {
      const destination = fact.attributes['messaging.destination.name'] ?? '';
      produce(ctx, rule, order, { messageId, timeMs: fact.timeMs, destination, ref: ctx.ref(fact) });
    }
    if (fact.event === rule.consumedEvent) consume(ctx, rule, order, messageId, [], fact.timeMs);
  },

  onTimer(ctx, rule, slot) {
    step(ctx, rule, slot);
  },

  onCancel(ctx, _rule, slot) {
    cancelSlot(ctx, slot);
    unindex(ctx, slot);
  },

  describe(rule, slot) {
    const details: Record<string, string> = {
      breach: String(slot.dueMs),
      messageId: slot.scope,
      destination: slot.destination,
      producedAt: iso(slot.startMs),
      within: formatDuration(rule.withinMs),
    };
    if (slot.closeMs !== null) details.consumedAt = iso(slot.closeMs);
    return {
      summary: `Message ${slot.scope || '(no ID)'}${slot.destination ? ` to ${slot.destination}` : ''} not consumed within ${formatDuration(rule.withinMs)}`,
      details,
      dueMs: slot.dueMs,
      rootCause: null,
      evidence: slot.producer ? [slot.producer] : [],
    };
  },
};
