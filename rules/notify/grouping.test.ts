import { describe, expect, it } from 'vitest';
import { alertBurst, alertFixture, T0 } from '../../test/helpers/alert-fixtures.ts';
import type { Silence } from '../model.ts';
import { NotificationGrouper } from './grouping.ts';

const SEC = 1000;
const options = { groupWaitMs: 30 * SEC, groupIntervalMs: 5 * 60 * SEC, maxExamples: 5, uiBaseUrl: 'https://ui.example' };

const silence = (matchers: Record<string, string>): Silence => ({ id: 's', ruleId: null, matchers, endsAtMs: T0 + 3_600_000, createdBy: 'ana', comment: '', createdAtMs: T0, version: 1 });

describe('NotificationGrouper', () => {
  it('turns 600 alerts of one rule within 5 minutes into one message with counts and examples', () => {
    const grouper = new NotificationGrouper(options);
    const burst = alertBurst(600);
    // 600 alerts arriving over 5 minutes; the first message waits groupWaitMs after the first one
    burst.slice(0, 100).forEach((a) => expect(grouper.add(a, T0)).toBe('buffered'));
    expect(grouper.dueAtMs()).toBe(T0 + 30 * SEC);
    expect(grouper.flush(T0 + 29 * SEC, [])).toEqual([]);
    const first = grouper.flush(T0 + 30 * SEC, []);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ ruleId: 'paid-not-locked', firing: 100, resolved: 0, totalOrders: 100 });

    burst.slice(100).forEach((a, i) => grouper.add(a, T0 + 31 * SEC + i * 500));
    // at most one message per groupIntervalMs: nothing before T0 + 30 s + 5 min
    expect(grouper.dueAtMs()).toBe(T0 + 330 * SEC);
    expect(grouper.flush(T0 + 329 * SEC, [])).toEqual([]);
    const [second] = grouper.flush(T0 + 330 * SEC, []);
    expect(second).toMatchObject({ firing: 500, resolved: 0, totalOrders: 500, title: 'Paid but not stock-locked within 2 h', severity: 'critical' });
    expect(second!.examples).toHaveLength(5);
    expect(second!.examples[0]).toEqual({ alertId: 'paid-not-locked:ORD-000101', orderId: 'ORD-000101', state: 'firing', summary: burst[100]!.summary, link: 'https://ui.example/#/orders/ORD-000101' });
    expect(second!.windowStartMs).toBe(burst[100]!.firedAtMs);
    expect(second!.windowEndMs).toBe(burst[599]!.firedAtMs);
    expect(second!.text).toContain('500 firing across 500 orders');
    expect(second!.text).toContain('…and 495 more');
    expect(grouper.pendingCount()).toBe(0);
    expect(grouper.dueAtMs()).toBeNull();
  });

  it('sends all 600 in one message when they arrive within the group wait', () => {
    const grouper = new NotificationGrouper(options);
    for (const a of alertBurst(600)) grouper.add(a, T0 + 10 * SEC);
    const sent = grouper.flush(T0 + 40 * SEC, []);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ firing: 600, totalOrders: 600 });
    expect(sent[0]!.examples.map((e) => e.orderId)).toEqual(['ORD-000001', 'ORD-000002', 'ORD-000003', 'ORD-000004', 'ORD-000005']);
  });

  it('keeps one group per rule', () => {
    const grouper = new NotificationGrouper(options);
    grouper.add(alertFixture({ ruleId: 'a', orderId: 'O1' }), T0);
    grouper.add(alertFixture({ ruleId: 'b', orderId: 'O1' }), T0 + 10 * SEC);
    expect(grouper.flush(T0 + 30 * SEC, []).map((n) => n.ruleId)).toEqual(['a']);
    expect(grouper.flush(T0 + 40 * SEC, []).map((n) => n.ruleId)).toEqual(['b']);
  });

  it('sends resolutions of alerts it announced, and deduplicates repeats', () => {
    const grouper = new NotificationGrouper(options);
    const alert = alertFixture();
    expect(grouper.add(alert, T0)).toBe('buffered');
    expect(grouper.add({ ...alert, version: 2 }, T0)).toBe('duplicate');
    grouper.flush(T0 + 30 * SEC, []);
    expect(grouper.add({ ...alert, version: 3 }, T0 + 40 * SEC)).toBe('duplicate');
    expect(grouper.add({ ...alert, state: 'acknowledged' }, T0 + 50 * SEC)).toBe('ignored');
    expect(grouper.add({ ...alert, state: 'resolved', resolution: 'late', resolvedAtMs: T0 + 60 * SEC }, T0 + 60 * SEC)).toBe('buffered');
    expect(grouper.flush(T0 + 100 * SEC, [])).toEqual([]); // group interval not over yet
    const [resolved] = grouper.flush(T0 + 330 * SEC, []);
    expect(resolved).toMatchObject({ firing: 0, resolved: 1, totalOrders: 1 });
    expect(resolved!.examples[0]!.state).toBe('resolved');
    expect(resolved!.text).toContain('1 resolved across 1 order,');
  });

  it('withdraws an alert that fired and resolved before any message went out', () => {
    const grouper = new NotificationGrouper(options);
    const alert = alertFixture();
    grouper.add(alert, T0);
    expect(grouper.add({ ...alert, state: 'resolved', resolution: 'reported_late', resolvedAtMs: T0 + SEC }, T0 + SEC)).toBe('withdrawn');
    expect(grouper.dueAtMs()).toBeNull();
    expect(grouper.flush(T0 + 60 * SEC, [])).toEqual([]);
  });

  it('sends the resolution of an alert it never saw fire (announced before a restart)', () => {
    const grouper = new NotificationGrouper(options);
    grouper.add(alertFixture({ state: 'resolved', resolution: 'late', resolvedAtMs: T0 }), T0);
    expect(grouper.flush(T0 + 30 * SEC, [])[0]).toMatchObject({ firing: 0, resolved: 1 });
  });

  it('leaves silenced alerts out, and does not announce their resolution', () => {
    const grouper = new NotificationGrouper(options);
    const [a, b, c] = alertBurst(3);
    for (const x of [a!, b!, c!]) grouper.add(x, T0);
    const silences = [silence({ orderId: b!.orderId })];
    const [sent] = grouper.flush(T0 + 30 * SEC, silences);
    expect(sent).toMatchObject({ firing: 2, totalOrders: 2 });
    expect(sent!.examples.map((e) => e.orderId)).not.toContain(b!.orderId);
    expect(grouper.add({ ...b!, state: 'resolved', resolvedAtMs: T0 + 60 * SEC }, T0 + 60 * SEC)).toBe('ignored');
  });

  it('sends nothing when every buffered alert is silenced', () => {
    const grouper = new NotificationGrouper(options);
    for (const a of alertBurst(10)) grouper.add(a, T0);
    expect(grouper.flush(T0 + 30 * SEC, [silence({ ruleId: 'paid-not-locked' })])).toEqual([]);
    expect(grouper.pendingCount()).toBe(0);
  });

  it('sends everything buffered, due or not, when asked to flush all (shutdown)', () => {
    const grouper = new NotificationGrouper(options);
    for (const a of alertBurst(4)) grouper.add(a, T0);
    expect(grouper.flush(T0 + SEC, [])).toEqual([]);
    expect(grouper.flush(T0 + SEC, [], { all: true })[0]).toMatchObject({ firing: 4 });
    expect(grouper.pendingCount()).toBe(0);
  });

  it('rejects nonsense options with a clear error', () => {
    expect(() => new NotificationGrouper({ ...options, groupWaitMs: -1 })).toThrow('grouping: groupWaitMs must be a non-negative number, got -1');
  });
});
