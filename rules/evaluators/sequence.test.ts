import { describe, expect, it } from 'vitest';
import { event, Harness, HOUR, MIN, ruleSet, sequenceRule, T0 } from '../test-kit.ts';

const rule = sequenceRule(); // carrier.picked_up must not happen before payment.succeeded

describe('sequence rule', () => {
  it('fires when B happened before A, whichever arrives first', () => {
    for (const arrival of ['in order', 'reversed'] as const) {
      const h = new Harness(ruleSet([rule]));
      const paid = event('ORD-1', 'payment.succeeded', T0 + HOUR);
      const shipped = event('ORD-1', 'carrier.picked_up', T0);
      const facts = arrival === 'in order' ? [paid, shipped] : [shipped, paid];
      h.ingest([facts[0]!], T0 + 2 * HOUR);
      expect(h.alerts.size).toBe(0);
      h.ingest([facts[1]!], T0 + 3 * HOUR);
      const alert = h.only('ORD-1');
      expect(alert).toMatchObject({ state: 'firing', ruleKind: 'sequence', dueMs: null, firedAtMs: T0 + 3 * HOUR });
      expect(alert.summary).toBe('carrier.picked_up at 2026-03-02T10:00:00.000Z happened before payment.succeeded at 2026-03-02T11:00:00.000Z');
      expect(alert.evidence.map((e) => e.summary)).toEqual(['carrier.picked_up', 'payment.succeeded']);
    }
  });

  it('stays quiet when the order is right, and duplicates do not re-fire', () => {
    const h = new Harness(ruleSet([rule]));
    h.ingest([event('ORD-1', 'payment.succeeded', T0), event('ORD-1', 'carrier.picked_up', T0 + HOUR)], T0 + HOUR);
    expect(h.alerts.size).toBe(0);

    const paid = event('ORD-2', 'payment.succeeded', T0 + HOUR);
    const shipped = event('ORD-2', 'carrier.picked_up', T0);
    h.ingest([paid, shipped], T0 + 2 * HOUR);
    expect(h.ingest([paid, shipped], T0 + 2 * HOUR + MIN).alerts).toEqual([]);
    expect(h.alertsOf('ORD-2')).toHaveLength(1);
  });
});
