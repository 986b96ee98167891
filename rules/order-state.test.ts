import { describe, expect, it } from 'vitest';
import { SpanKind } from '../core/model.ts';
import { deserializeOrderState, serializeOrderState } from './order-state.ts';
import { deadlineRule, event, Harness, HOUR, MIN, mismatchRule, patternRule, returnRule, ruleSet, sequenceRule, span, stalledRule, T0 } from './test-kit.ts';

describe('order state serialization', () => {
  it('round-trips every slot kind, the status picture, evidence and odd characters', () => {
    const rules = [deadlineRule(), sequenceRule(), mismatchRule(), patternRule(), stalledRule(), returnRule()];
    const h = new Harness(ruleSet(rules, { vocabulary: { systems: {}, milestones: { 'payment.succeeded': 'paid', 'order.created': 'created' } } }));
    const order = 'ORD-"quoted"-ü-\u2028';
    h.ingest(
      [
        event(order, 'order.created', T0 - HOUR, { system: 'oms', status: 'neu "x"' }),
        event(order, 'payment.succeeded', T0, { status: 'paid' }),
        event(order, 'carrier.picked_up', T0 - MIN),
        event(order, 'return.requested', T0, { attributes: { 'return.id': 'R\\1', 'return.amount': '10', 'return.currency': 'EUR', 'return.type': 'no_reason_7d' } }),
        span(order, T0, { kind: SpanKind.PRODUCER, messageId: 'm"1', destination: 'q/ü', text: 'publish' }),
        span(order, T0 + MIN, { isError: true, text: 'deduction failed: "lock" \n timeout' }),
        event(order, 'order.cancelled', T0 + 2 * MIN),
      ],
      T0 + 3 * HOUR,
    );
    const saved = h.states.get(order)!;
    const json = saved.state!;
    expect(() => JSON.parse(json)).not.toThrow();
    const slots = (JSON.parse(json) as { s: [string][] }).s.map((s) => s[0]).sort();
    expect(slots).toEqual(['d', 'm', 'p', 'q', 'r', 's']);
    const restored = deserializeOrderState(order, saved.partition, json);
    expect(serializeOrderState(restored)).toBe(json);
    expect(restored.cancelledMs).toBe(T0 + 3 * HOUR);
    expect(restored.status?.systems.map((s) => s.status)).toEqual(['neu "x"', 'paid']);
  });
});
