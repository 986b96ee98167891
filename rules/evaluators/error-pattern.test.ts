import { describe, expect, it } from 'vitest';
import { Harness, log, MIN, patternRule, ruleSet, span, T0 } from '../test-kit.ts';
import { windowBuckets, WindowCounter } from '../window-counter.ts';

const rule = patternRule(); // inventory, errors only, /deduction failed/i, ≥ 3 in 10 min

const failing = (orderId: string, timeMs: number) => span(orderId, timeMs, { isError: true, text: 'POST /deduct Stock Deduction FAILED: row locked' });

describe('error_pattern rule', () => {
  it('reports each match once (with its evidence) and ignores non-matching signals', () => {
    const h = new Harness(ruleSet([rule]));
    const s = failing('ORD-1', T0);
    const out = h.ingest(
      [
        s,
        s, // redelivered
        span('ORD-1', T0, { isError: false, text: 'deduction failed' }), // not an error
        span('ORD-1', T0, { isError: true, service: 'payment', text: 'deduction failed' }), // other service
        log('ORD-2', T0, { isError: true, text: 'Deduction failed for sku 42' }),
      ],
      T0,
    );
    expect(out.matches.map((m) => [m.orderId, m.evidence.id])).toEqual([['ORD-1', s.id], ['ORD-2', expect.stringMatching(/^log-/)]]);
    expect(out.matches[0]!.evidence).toMatchObject({ kind: 'span', traceId: s.traceId, spanId: s.spanId, summary: `inventory: ${s.text}` });
    expect(out.alerts).toEqual([]); // firing is the caller's decision, on the global count
  });

  it('fireErrorPattern tags the root cause on every order that matched in the window, once per order', () => {
    const h = new Harness(ruleSet([rule]));
    h.ingest([failing('ORD-OLD', T0 - 30 * MIN)], T0 - 30 * MIN);
    h.ingest([failing('ORD-1', T0), failing('ORD-2', T0 + MIN)], T0 + MIN);
    const now = T0 + 2 * MIN;
    h.fireErrorPattern(rule.id, now - rule.windowMs, now);
    expect([...h.alerts.values()].map((a) => a.orderId).sort()).toEqual(['ORD-1', 'ORD-2']);
    const alert = h.only('ORD-1');
    expect(alert).toMatchObject({ state: 'firing', rootCause: 'Inventory deduction failing', ruleKind: 'error_pattern' });
    expect(alert.evidence[0]).toMatchObject({ kind: 'span' });

    // Nothing new on ORD-1: calling again changes nothing; a new match updates the same alert.
    expect(h.fireErrorPattern(rule.id, now - rule.windowMs, now + MIN).alerts).toEqual([]);
    h.ingest([failing('ORD-1', now + 2 * MIN)], now + 2 * MIN);
    const updated = h.fireErrorPattern(rule.id, now - rule.windowMs, now + 3 * MIN).alerts;
    expect(updated.map((a) => [a.id, a.details.matches])).toEqual([[alert.id, '2']]);
    expect(updated[0]!.details.breach).toBe(alert.details.breach);
  });

  it('the caller decides with a WindowCounter summed across workers', () => {
    const workerA = new WindowCounter();
    const workerB = new WindowCounter();
    workerA.add(rule.id, T0);
    workerA.add(rule.id, T0 + 30_000);
    workerB.add(rule.id, T0 + 5 * MIN);
    workerB.add(rule.id, T0 - 20 * MIN); // outside a 10-minute window
    const rows = [...workerA.drainChanged('a'), ...workerB.drainChanged('b')];
    expect(rows).toContainEqual({ ruleId: rule.id, bucketMs: T0, workerId: 'a', count: 2 });
    expect(workerA.drainChanged('a')).toEqual([]); // only buckets changed since the last drain

    const now = T0 + 6 * MIN;
    const { fromMs, toMs } = windowBuckets(now, rule.windowMs);
    const total = rows.filter((r) => r.bucketMs >= fromMs && r.bucketMs < toMs).reduce((n, r) => n + r.count, 0);
    expect(total).toBe(3);
    expect(workerA.sum(rule.id, fromMs, toMs) + workerB.sum(rule.id, fromMs, toMs)).toBe(total);
    workerB.prune(now - rule.windowMs);
    expect(workerB.sum(rule.id, 0, Infinity)).toBe(1);
  });
});
