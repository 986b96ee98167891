import { describe, expect, it } from 'vitest';
import { event, Harness, HOUR, MIN, mismatchRule, ruleSet, T0 } from '../test-kit.ts';

const vocabulary = {
  systems: { wms: { PICKED: 'packed', SHIPPED: 'shipped' }, crm: { open: 'paid', packing: 'packed', done: 'shipped' } },
  milestones: { 'order.created': 'created', 'payment.succeeded': 'paid', 'package.packed': 'packed', 'carrier.picked_up': 'shipped', 'order.cancelled': 'cancelled' },
};

function harness(rule = mismatchRule()) {
  return new Harness(ruleSet([rule], { vocabulary }));
}

describe('status projection', () => {
  it('canonical status is the furthest milestone in stage order, whatever the arrival order', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'carrier.picked_up', T0 + 2 * HOUR)], T0 + 2 * HOUR);
    const out = h.ingest([event('ORD-1', 'payment.succeeded', T0)], T0 + 2 * HOUR);
    expect(out.projections).toEqual([]); // an earlier stage changes nothing
    const first = h.outputs[0]!;
    expect(first.statusChanges).toEqual([{ orderId: 'ORD-1', from: '', to: 'shipped', atMs: T0 + 2 * HOUR }]);
    expect(first.projections[0]).toMatchObject({ orderId: 'ORD-1', canonical: 'shipped', canonicalSinceMs: T0 + 2 * HOUR });
  });

  it('each system reports its latest status by event time, mapped onto the vocabulary', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'wms.update', T0 + HOUR, { system: 'wms', status: 'SHIPPED' })], T0 + HOUR);
    const out = h.ingest([event('ORD-1', 'wms.update', T0, { system: 'wms', status: 'PICKED' })], T0 + HOUR);
    expect(out.projections).toEqual([]); // older report: ignored
    expect(h.outputs[0]!.projections[0]!.systems).toEqual([{ system: 'wms', status: 'SHIPPED', mapped: 'shipped', sinceMs: T0 + HOUR }]);
  });

  it('order.cancelled ranks above every stage', () => {
    const h = harness();
    const out = h.ingest([event('ORD-1', 'order.cancelled', T0), event('ORD-1', 'package.packed', T0 + HOUR)], T0 + HOUR);
    expect(out.projections[0]!.canonical).toBe('cancelled');
  });
});

describe('status_mismatch rule', () => {
  it('a system disagreeing longer than the tolerance raises one alert per system; it resolves when the system agrees', () => {
    const h = harness(); // tolerance 30 min
    h.ingest([event('ORD-1', 'package.packed', T0, { system: 'wms', status: 'PICKED' }), event('ORD-1', 'crm.sync', T0, { system: 'crm', status: 'open' })], T0);
    expect(h.engine.nextDueMs()).toBe(T0 + 30 * MIN); // crm says paid, canonical is packed
    expect(h.advance(T0 + 30 * MIN - 1).alerts).toEqual([]);
    h.advance(T0 + 30 * MIN);
    const alert = h.only('ORD-1');
    expect(alert).toMatchObject({ scope: 'crm', state: 'firing', dueMs: T0 + 30 * MIN });
    expect(alert.summary).toBe('crm reports "open" (paid) but the order is packed');
    expect(alert.details).toMatchObject({ system: 'crm', status: 'open', mapped: 'paid', canonical: 'packed' });

    // The canonical status moves on: still a mismatch, same alert, updated words.
    h.ingest([event('ORD-1', 'carrier.picked_up', T0 + HOUR, { system: 'carrier' })], T0 + HOUR);
    const crm = () => h.alertsOf('ORD-1').find((a) => a.scope === 'crm')!;
    expect(crm()).toMatchObject({ id: alert.id, state: 'firing', details: { canonical: 'shipped', breach: alert.details.breach } });
    expect(h.alertsOf('ORD-1')).toHaveLength(1); // wms (packed) only disagrees from now on

    h.ingest([event('ORD-1', 'crm.sync', T0 + 2 * HOUR, { system: 'crm', status: 'done' })], T0 + 2 * HOUR);
    expect(crm()).toMatchObject({ state: 'resolved', resolution: 'closed', summary: 'crm reports "open" (paid) but the order is shipped' });
    // …while the WMS, still at PICKED, has now disagreed for longer than the tolerance.
    expect(h.alertsOf('ORD-1').find((a) => a.scope === 'wms')).toMatchObject({ state: 'firing', dueMs: T0 + HOUR + 30 * MIN });
    h.ingest([event('ORD-1', 'wms.update', T0 + 3 * HOUR, { system: 'wms', status: 'SHIPPED' })], T0 + 3 * HOUR);
    expect(h.alertsOf('ORD-1').map((a) => a.state)).toEqual(['resolved', 'resolved']);
    expect(h.engine.pendingTimers()).toBe(0);
  });

  it('a disagreement shorter than the tolerance raises nothing', () => {
    const h = harness();
    h.ingest([event('ORD-1', 'payment.succeeded', T0, { system: 'payment' }), event('ORD-1', 'wms.update', T0, { system: 'wms', status: 'PICKED' })], T0);
    h.ingest([event('ORD-1', 'package.packed', T0 + 10 * MIN, { system: 'wms' })], T0 + 10 * MIN);
    h.advance(T0 + 5 * HOUR);
    expect(h.alerts.size).toBe(0);
  });

  it('a system is held to the canonical status only as far as its own words reach', () => {
    // The shop knows paid and shipped, not packed: "paid" while the order is packed is right.
    const h = new Harness(ruleSet([mismatchRule()], { vocabulary: { ...vocabulary, systems: { shop: { PAID: 'paid', SENT: 'shipped' } } } }));
    h.ingest([event('ORD-1', 'package.packed', T0, { system: 'wms' }), event('ORD-1', 'shop.sync', T0, { system: 'shop', status: 'PAID' })], T0);
    h.advance(T0 + 5 * HOUR);
    expect(h.alerts.size).toBe(0);
    // Saying "shipped" before the parcel left is a mismatch.
    h.ingest([event('ORD-2', 'package.packed', T0, { system: 'wms' }), event('ORD-2', 'shop.sync', T0, { system: 'shop', status: 'SENT' })], T0);
    h.advance(T0 + 5 * HOUR);
    expect(h.only('ORD-2')).toMatchObject({ scope: 'shop', details: { mapped: 'shipped', canonical: 'paid' } });
  });

  it('replayed history: a disagreement that lasted past the tolerance fires at once', () => {
    const h = harness(mismatchRule({ systems: ['wms'] }));
    h.ingest([event('ORD-1', 'carrier.picked_up', T0), event('ORD-1', 'wms.update', T0, { system: 'wms', status: 'PICKED' }), event('ORD-1', 'crm.sync', T0, { system: 'crm', status: 'open' })], T0 + 3 * HOUR);
    expect(h.alertsOf('ORD-1').map((a) => a.scope)).toEqual(['wms']); // crm is not compared by this rule
  });
});
