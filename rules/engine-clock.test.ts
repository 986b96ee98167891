import { describe, expect, it } from 'vitest';
import { EngineClock } from './engine-clock.ts';
import type { Alert } from './model.ts';
import { deadlineRule, event, Harness, ruleSet } from './test-kit.ts';

describe('EngineClock', () => {
  it('fires each deadline from a real timer shortly after it is due, earliest first', async () => {
    const h = new Harness(ruleSet([deadlineRule({ withinMs: 80, graceMs: 0 })]));
    const fired: { alert: Alert; atMs: number }[] = [];
    const clock = new EngineClock(h.engine, (out) => out.alerts.forEach((alert) => fired.push({ alert, atMs: Date.now() })));
    const start = Date.now();
    h.ingest([event('ORD-LATE', 'payment.succeeded', start + 40)], start);
    clock.poke();
    h.ingest([event('ORD-EARLY', 'payment.succeeded', start)], start); // an earlier timer re-arms the clock
    clock.poke();
    await new Promise((resolve) => setTimeout(resolve, 800));
    clock.stop();
    expect(fired.map((f) => f.alert.orderId)).toEqual(['ORD-EARLY', 'ORD-LATE']);
    for (const f of fired) {
      expect(f.atMs).toBeGreaterThanOrEqual(f.alert.dueMs!);
      expect(f.atMs - f.alert.dueMs!).toBeLessThan(250);
    }
  });

  it('hands what the output handler throws to onError and keeps running', async () => {
    const h = new Harness(ruleSet([deadlineRule({ withinMs: 20, graceMs: 0 })]));
    const errors: unknown[] = [];
    const seen: string[] = [];
    const clock = new EngineClock(
      h.engine,
      (out) => {
        seen.push(...out.alerts.map((a) => a.orderId));
        if (seen.length === 1) throw new Error('store down');
      },
      Date.now,
      (error) => errors.push(error),
    );
    const start = Date.now();
    h.ingest([event('ORD-A', 'payment.succeeded', start), event('ORD-B', 'payment.succeeded', start + 60)], start);
    clock.poke();
    await new Promise((resolve) => setTimeout(resolve, 400));
    clock.stop();
    expect(errors.map((e) => (e as Error).message)).toEqual(['store down']);
    expect(seen).toEqual(['ORD-A', 'ORD-B']);
  });
});
