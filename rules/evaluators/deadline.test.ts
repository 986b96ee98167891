import { describe, expect, it } from 'vitest';
import { BERLIN_OFFICE, deadlineRule, event, Harness, HOUR, MIN, ruleSet, T0 } from '../test-kit.ts';

const rule = deadlineRule(); // payment.succeeded → inventory.locked within 2h, grace 1m
const DUE = T0 + 2 * HOUR;
const FIRE = DUE + MIN;

function harness(rules = [rule]) {
  return new Harness(ruleSet(rules, { calendars: [BERLIN_OFFICE] }));
}

describe('deadline rule', () => {
  it('seed scenario: payment 3h ago without a lock fires at once; a lock after due resolves it as late', () => {
    const now = T0 + 3 * HOUR;
    const h = harness();
    const out = h.ingest([event('ORD-1', 'payment.succeeded', T0)], now);
    expect(out.alerts).toHaveLength(1);
    const fired = h.only('ORD-1');
    expect(fired).toMatchObject({ state: 'firing', resolution: null, dueMs: DUE, firedAtMs: now, ruleId: rule.id, scope: '' });
    expect(fired.summary).toBe('No inventory.locked within 2h of payment.succeeded');
    expect(fired.evidence[0]).toMatchObject({ kind: 'event', timeMs: T0, summary: 'payment.succeeded' });

    h.ingest([event('ORD-1', 'inventory.locked', T0 + 150 * MIN)], now + 10 * MIN);
    const resolved = h.only('ORD-1');
    expect(resolved).toMatchObject({ id: fired.id, state: 'resolved', resolution: 'late', resolvedAtMs: now + 10 * MIN, firedAtMs: now });
    expect(resolved.version).toBeGreaterThan(fired.version);
  });

  it('fires only once the wall clock passes due + grace, from the timer', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'payment.succeeded', T0)], T0 + MIN);
    expect(h.engine.nextDueMs()).toBe(FIRE);
    expect(h.advance(FIRE - 1).alerts).toEqual([]);
    expect(h.advance(FIRE).alerts).toHaveLength(1);
    expect(h.engine.nextDueMs()).toBeGreaterThan(FIRE); // only the stale-after expiry is left
  });

  it('a B that happened in time but arrived after the alert resolves it as reported_late', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'payment.succeeded', T0)], T0);
    h.advance(FIRE + 5 * MIN);
    h.ingest([event('ORD-1', 'inventory.locked', DUE - 10 * MIN)], FIRE + 20 * MIN);
    expect(h.only('ORD-1')).toMatchObject({ state: 'resolved', resolution: 'reported_late' });
  });

  it('a B in time raises nothing', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'payment.succeeded', T0)], T0);
    h.ingest([event('ORD-1', 'inventory.locked', T0 + HOUR)], T0 + HOUR);
    h.advance(T0 + 10 * HOUR);
    expect(h.alerts.size).toBe(0);
    expect(h.engine.pendingTimers()).toBe(0);
  });

  it('an overdue A and its in-time B in one batch raise nothing (facts are applied before timers fire)', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'payment.succeeded', T0), event('ORD-1', 'inventory.locked', T0 + HOUR)], T0 + 5 * HOUR);
    expect(h.alerts.size).toBe(0);
  });

  it('out of order: B before A opens no deadline when B was in time', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'inventory.locked', T0 + HOUR)], T0 + HOUR);
    h.ingest([event('ORD-1', 'payment.succeeded', T0)], T0 + HOUR + MIN);
    expect(h.engine.pendingTimers()).toBe(0);
    h.advance(T0 + 10 * HOUR);
    expect(h.alerts.size).toBe(0);
  });

  it('out of order: B after due arriving before A records a late breach at once', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'inventory.locked', T0 + 3 * HOUR)], T0 + 3 * HOUR);
    h.ingest([event('ORD-1', 'payment.succeeded', T0)], T0 + 4 * HOUR);
    expect(h.only('ORD-1')).toMatchObject({ state: 'resolved', resolution: 'late', firedAtMs: T0 + 4 * HOUR });
  });

  it('duplicates (same eventId) change nothing', () => {
    const h = harness();
    const a = event('ORD-1', 'payment.succeeded', T0);
    h.ingest([a, a], T0);
    expect(h.engine.pendingTimers()).toBe(1);
    h.advance(FIRE);
    expect(h.ingest([a], FIRE + MIN)).toMatchObject({ alerts: [], states: [] });
    const b = event('ORD-1', 'inventory.locked', DUE + HOUR);
    h.ingest([b], FIRE + 2 * HOUR);
    expect(h.ingest([b, a], FIRE + 3 * HOUR)).toMatchObject({ alerts: [], states: [] });
    expect(h.only('ORD-1')).toMatchObject({ resolution: 'late' });
  });

  it('the earliest A opens the deadline', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'payment.succeeded', T0 + 30 * MIN)], T0 + 30 * MIN);
    h.ingest([event('ORD-1', 'payment.succeeded', T0)], T0 + 31 * MIN);
    expect(h.engine.nextDueMs()).toBe(FIRE);
    h.advance(FIRE);
    expect(h.only('ORD-1').dueMs).toBe(DUE);
  });

  it('order.cancelled closes a pending deadline and no later A opens one', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'payment.succeeded', T0)], T0);
    h.ingest([event('ORD-1', 'order.cancelled', T0 + HOUR)], T0 + HOUR);
    expect(h.engine.pendingTimers()).toBe(0);
    h.ingest([event('ORD-1', 'payment.succeeded', T0 + 2 * HOUR, { eventId: 'retry' })], T0 + 2 * HOUR);
    h.advance(T0 + 24 * HOUR);
    expect(h.alerts.size).toBe(0);
  });

  it('order.cancelled resolves an alert that already fired as cancelled', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'payment.succeeded', T0)], FIRE);
    expect(h.only('ORD-1').state).toBe('firing');
    h.ingest([event('ORD-1', 'order.cancelled', FIRE + MIN)], FIRE + MIN);
    expect(h.only('ORD-1')).toMatchObject({ state: 'resolved', resolution: 'cancelled', resolvedAtMs: FIRE + MIN });
  });

  it('split shipments: one deadline per shipment.id, alert scoped to the missing parcel', () => {
    const pickup = deadlineRule({ id: 'pickup-24h', after: 'package.packed', expect: ['carrier.picked_up'], withinMs: 24 * HOUR, per: 'shipment' });
    const h = harness([pickup]);
    const s = (id: string) => ({ attributes: { 'shipment.id': id } });
    h.ingest([event('ORD-1', 'package.packed', T0, s('S1')), event('ORD-1', 'package.packed', T0 + HOUR, s('S2'))], T0 + HOUR);
    h.ingest([event('ORD-1', 'carrier.picked_up', T0 + 5 * HOUR, s('S1'))], T0 + 5 * HOUR);
    h.advance(T0 + 26 * HOUR);
    const alert = h.only('ORD-1');
    expect(alert).toMatchObject({ scope: 'S2', dueMs: T0 + 25 * HOUR, state: 'firing' });
    expect(alert.summary).toContain('(shipment S2)');
    expect(alert.details.shipmentId).toBe('S2');
  });

  it('split shipments: a B without shipment.id closes every shipment, also ones packed later', () => {
    const pickup = deadlineRule({ id: 'pickup-24h', after: 'package.packed', expect: ['carrier.picked_up'], withinMs: 24 * HOUR, per: 'shipment' });
    const h = harness([pickup]);
    h.ingest([event('ORD-1', 'package.packed', T0, { attributes: { 'shipment.id': 'S1' } }), event('ORD-1', 'carrier.picked_up', T0 + 2 * HOUR)], T0 + 2 * HOUR);
    h.ingest([event('ORD-1', 'package.packed', T0 + HOUR, { attributes: { 'shipment.id': 'S2' } })], T0 + 3 * HOUR);
    h.advance(T0 + 48 * HOUR);
    expect(h.alerts.size).toBe(0);
    expect(h.engine.pendingTimers()).toBe(0);
  });

  it('business hours: Friday 17:00 Berlin + 2h of business time is due Monday 10:00', () => {
    const office = deadlineRule({ calendar: BERLIN_OFFICE.id });
    const h = harness([office]);
    const friday17 = Date.UTC(2026, 2, 6, 16, 0); // 17:00 CET
    const monday10 = Date.UTC(2026, 2, 9, 9, 0); // 10:00 CET
    h.ingest([event('ORD-1', 'payment.succeeded', friday17)], friday17);
    expect(h.advance(Date.UTC(2026, 2, 8, 20, 0)).alerts).toEqual([]); // Sunday evening: the SLA paused overnight and over the weekend
    h.advance(monday10 + MIN);
    expect(h.only('ORD-1')).toMatchObject({ dueMs: monday10, state: 'firing' });
    expect(h.only('ORD-1').summary).toContain('2h of business time');
  });

  it('expect lists alternatives: any of them closes the deadline', () => {
    const h = harness([deadlineRule({ expect: ['inventory.locked', 'inventory.lock_failed'] })]);
    h.ingest([event('ORD-1', 'payment.succeeded', T0), event('ORD-1', 'inventory.lock_failed', T0 + MIN)], T0 + MIN);
    h.advance(T0 + 5 * HOUR);
    expect(h.alerts.size).toBe(0);
  });
});
