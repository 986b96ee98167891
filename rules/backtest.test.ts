import { describe, expect, it } from 'vitest';
import { backtest } from './backtest.ts';
import { deadlineRule, event, HOUR, MIN, patternRule, ruleSet, sequenceRule, span, T0 } from './test-kit.ts';

describe('backtest', () => {
  const rules = ruleSet([deadlineRule(), sequenceRule(), patternRule({ threshold: 2 })]);
  const facts = [
    // ORD-1 locked late (3h after payment), ORD-2 in time, ORD-3 never.
    event('ORD-1', 'payment.succeeded', T0),
    event('ORD-1', 'inventory.locked', T0 + 3 * HOUR),
    event('ORD-2', 'inventory.locked', T0 + 30 * MIN),
    event('ORD-2', 'payment.succeeded', T0),
    event('ORD-3', 'payment.succeeded', T0 + HOUR),
    event('ORD-4', 'carrier.picked_up', T0),
    event('ORD-4', 'payment.succeeded', T0 + 5 * HOUR),
    span('ORD-5', T0 + 10 * MIN, { isError: true, text: 'deduction failed' }),
    span('ORD-6', T0 + 11 * MIN, { isError: true, text: 'deduction failed' }),
  ];

  it('replays facts in event-time order on a simulated clock and returns every alert with its resolution', () => {
    const result = backtest(rules, facts, { fromMs: T0, toMs: T0 + 12 * HOUR });
    expect(result.facts).toBe(facts.length);
    const byOrder = Object.fromEntries(result.alerts.filter((a) => a.ruleId === 'stock-lock-2h').map((a) => [a.orderId, a]));
    expect(Object.keys(byOrder).sort()).toEqual(['ORD-1', 'ORD-3', 'ORD-4']);
    // Each alert fired at its own due + grace, not at the next fact's time.
    expect(byOrder['ORD-1']).toMatchObject({ firedAtMs: T0 + 2 * HOUR + MIN, state: 'resolved', resolution: 'late', resolvedAtMs: T0 + 3 * HOUR });
    expect(byOrder['ORD-3']).toMatchObject({ firedAtMs: T0 + 3 * HOUR + MIN, state: 'firing' });
    expect(result.alerts.find((a) => a.ruleId === 'shipped-before-paid')?.orderId).toBe('ORD-4');
    expect(result.alerts.filter((a) => a.ruleId === 'deduction-failed').map((a) => [a.orderId, a.firedAtMs])).toEqual([
      ['ORD-5', T0 + 11 * MIN],
      ['ORD-6', T0 + 11 * MIN],
    ]);
    const fired = result.alerts.map((a) => a.firedAtMs);
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
  });

  it('only facts inside [fromMs, toMs] are replayed, and the clock stops at toMs', () => {
    const result = backtest(rules, facts, { fromMs: T0, toMs: T0 + 2 * HOUR + 30 * MIN });
    expect(result.facts).toBe(7);
    expect(result.alerts.filter((a) => a.ruleId === 'stock-lock-2h').map((a) => a.orderId)).toEqual(['ORD-1']);
  });

  it('rejects an inverted range', () => {
    expect(() => backtest(rules, facts, { fromMs: 2, toMs: 1 })).toThrow('backtest: expected fromMs ≤ toMs, got 2 and 1');
  });
});
