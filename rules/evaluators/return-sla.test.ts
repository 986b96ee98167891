import { describe, expect, it } from 'vitest';
import { event, Harness, HOUR, MIN, returnRule, ruleSet, T0 } from '../test-kit.ts';
import { routeLevel } from './return-sla.ts';

const rule = returnRule(); // agent 4h → supervisor 2h → manager 1h; small no-reason EUR returns go to the agent
const request = (orderId: string, timeMs: number, returnId = 'R-1', type = 'no_reason_7d', amount = '49.90') =>
  event(orderId, 'return.requested', timeMs, { attributes: { 'return.id': returnId, 'return.type': type, 'return.amount': amount, 'return.currency': 'EUR' } });

describe('return_sla rule', () => {
  it('routes by type × amount × currency, first matching route wins', () => {
    const attrs = (type: string, amount: string, currency = 'EUR') => ({ 'return.type': type, 'return.amount': amount, 'return.currency': currency });
    expect(routeLevel(rule, attrs('no_reason_7d', '49.90'))).toBe(0);
    expect(routeLevel(rule, attrs('no_reason_7d', '100'))).toBe(0);
    expect(routeLevel(rule, attrs('no_reason_7d', '100.01'))).toBe(1);
    expect(routeLevel(rule, attrs('no_reason_7d', '20', 'USD'))).toBe(1);
    expect(routeLevel(rule, attrs('quality', '20'))).toBe(1);
    expect(routeLevel(rule, attrs('no_reason_7d', 'n/a'))).toBe(1);
  });

  it('escalates agent → supervisor → manager: one alert, updated at each level, resolved by approval', () => {
    const h = new Harness(ruleSet([rule]));
    h.ingest([request('ORD-1', T0)], T0);
    expect(h.advance(T0 + 4 * HOUR - 1).alerts).toEqual([]);

    h.advance(T0 + 4 * HOUR);
    const first = h.only('ORD-1');
    expect(first).toMatchObject({ scope: 'R-1', state: 'firing', dueMs: T0 + 6 * HOUR, details: { level: 'supervisor', routedLevel: 'agent', escalations: '1' } });
    expect(first.summary).toBe('Return R-1 escalated to Supervisor: not approved within the Agent SLA of 4h');

    h.advance(T0 + 6 * HOUR);
    const second = h.only('ORD-1');
    expect(second).toMatchObject({ id: first.id, dueMs: T0 + 7 * HOUR, firedAtMs: first.firedAtMs, details: { level: 'manager', escalations: '2' } });
    expect(second.version).toBeGreaterThan(first.version);

    expect(h.advance(T0 + 7 * HOUR).alerts).toEqual([]); // top level: nowhere further to go
    h.ingest([event('ORD-1', 'return.approved', T0 + 8 * HOUR, { attributes: { 'return.id': 'R-1' } })], T0 + 8 * HOUR);
    expect(h.only('ORD-1')).toMatchObject({ state: 'resolved', resolution: 'closed', details: { level: 'manager' } });
    expect(h.engine.pendingTimers()).toBe(0);
  });

  it('an approval within the SLA raises nothing; each return ID has its own clock', () => {
    const h = new Harness(ruleSet([rule]));
    h.ingest([request('ORD-1', T0, 'R-1'), request('ORD-1', T0, 'R-2', 'quality', '300')], T0);
    h.ingest([event('ORD-1', 'return.rejected', T0 + HOUR, { attributes: { 'return.id': 'R-1' } })], T0 + HOUR);
    h.advance(T0 + 2 * HOUR);
    expect(h.only('ORD-1')).toMatchObject({ scope: 'R-2', details: { level: 'manager', routedLevel: 'supervisor' } });
  });

  it('a request replayed from long ago escalates straight to the top at once', () => {
    const h = new Harness(ruleSet([rule]));
    const out = h.ingest([request('ORD-1', T0)], T0 + 10 * HOUR);
    expect(out.alerts).toHaveLength(1);
    expect(h.only('ORD-1').details.level).toBe('manager');
  });

  it('a decision without return.id decides every return of the order', () => {
    const h = new Harness(ruleSet([rule]));
    h.ingest([request('ORD-1', T0, 'R-1'), request('ORD-1', T0, 'R-2')], T0);
    h.ingest([event('ORD-1', 'return.approved', T0 + HOUR)], T0 + HOUR);
    h.advance(T0 + 10 * HOUR);
    expect(h.alerts.size).toBe(0);
    expect(h.engine.pendingTimers()).toBe(0);
  });

  it('order.cancelled closes a pending return SLA', () => {
    const h = new Harness(ruleSet([rule]));
    h.ingest([request('ORD-1', T0)], T0);
    h.ingest([event('ORD-1', 'order.cancelled', T0 + 30 * MIN)], T0 + 30 * MIN);
    h.advance(T0 + 10 * HOUR);
    expect(h.alerts.size).toBe(0);
  });
});
