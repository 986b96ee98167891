import { describe, expect, it } from 'vitest';
import { acknowledge, AlertTransitionError, mergeAlert, resolveManually } from './alert-lifecycle.ts';
import { deadlineRule, event, Harness, HOUR, MIN, returnRule, ruleSet, T0 } from './test-kit.ts';
import type { Alert } from './model.ts';

/** A store of one row per alert, fed the way the integrator does: merge, then keep. */
class Store {
  readonly rows = new Map<string, Alert>();
  put(alerts: Alert[]): void {
    for (const a of alerts) this.rows.set(a.id, mergeAlert(this.rows.get(a.id) ?? null, a));
  }
  one(): Alert {
    return [...this.rows.values()][0]!;
  }
}

const lock = deadlineRule();
const FIRE = T0 + 2 * HOUR + MIN;

function firing() {
  const h = new Harness(ruleSet([lock, returnRule()]));
  const store = new Store();
  store.put(h.ingest([event('ORD-1', 'payment.succeeded', T0)], FIRE).alerts);
  return { h, store };
}

describe('alert lifecycle', () => {
  it('firing → acknowledged → resolved, with actors and growing versions', () => {
    const { store } = firing();
    const fired = store.one();
    const acked = acknowledge(fired, 'ana', FIRE + MIN);
    expect(acked).toMatchObject({ ok: true, alert: { state: 'acknowledged', acknowledgedBy: 'ana', acknowledgedAtMs: FIRE + MIN } });
    if (!acked.ok) return;
    expect(acked.alert.version).toBeGreaterThan(fired.version);
    const resolved = resolveManually(acked.alert, 'ben', FIRE + 2 * MIN);
    expect(resolved).toMatchObject({ ok: true, alert: { state: 'resolved', resolution: 'manual', resolvedBy: 'ben', acknowledgedBy: 'ana' } });
  });

  it('invalid transitions return a typed error (the API maps it to 409)', () => {
    const { store } = firing();
    const acked = acknowledge(store.one(), 'ana', FIRE + MIN);
    if (!acked.ok) throw acked.error;
    const again = acknowledge(acked.alert, 'ben', FIRE + 2 * MIN);
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.error).toBeInstanceOf(AlertTransitionError);
    expect(again.error).toMatchObject({ reason: 'already_acknowledged', from: 'acknowledged', to: 'acknowledged', alertId: acked.alert.id });
    const resolved = resolveManually(acked.alert, 'ben', FIRE + 3 * MIN);
    if (!resolved.ok) throw resolved.error;
    expect(resolveManually(resolved.alert, 'cy', FIRE + 4 * MIN)).toMatchObject({ ok: false, error: { reason: 'already_resolved' } });
    expect(acknowledge(resolved.alert, 'cy', FIRE + 4 * MIN)).toMatchObject({ ok: false, error: { reason: 'already_resolved' } });
  });

  it("the engine's update does not erase a person's acknowledgement", () => {
    const { h, store } = firing();
    const acked = acknowledge(store.one(), 'ana', FIRE + MIN);
    if (!acked.ok) throw acked.error;
    store.rows.set(acked.alert.id, acked.alert);
    store.put(h.ingest([event('ORD-1', 'inventory.locked', T0 + 3 * HOUR)], FIRE + HOUR).alerts);
    expect(store.one()).toMatchObject({ state: 'resolved', resolution: 'late', acknowledgedBy: 'ana' });
    expect(store.one().version).toBeGreaterThan(acked.alert.version);
  });

  it('a manually resolved alert stays resolved when the engine updates the same breach', () => {
    const { h, store } = firing();
    const resolved = resolveManually(store.one(), 'ana', FIRE + MIN);
    if (!resolved.ok) throw resolved.error;
    store.rows.set(resolved.alert.id, resolved.alert);
    store.put(h.ingest([event('ORD-1', 'inventory.locked', T0 + HOUR)], FIRE + HOUR).alerts);
    expect(store.one()).toEqual(resolved.alert);
  });

  it('a new breach (escalation to the next level) fires again, even after an acknowledgement', () => {
    const h = new Harness(ruleSet([returnRule()]));
    const store = new Store();
    store.put(h.ingest([event('ORD-1', 'return.requested', T0, { attributes: { 'return.id': 'R-1', 'return.type': 'no_reason_7d', 'return.amount': '10', 'return.currency': 'EUR' } })], T0 + 4 * HOUR).alerts);
    const acked = acknowledge(store.one(), 'agent-ana', T0 + 4 * HOUR + MIN);
    if (!acked.ok) throw acked.error;
    store.rows.set(acked.alert.id, acked.alert);
    store.put(h.advance(T0 + 6 * HOUR).alerts);
    expect(store.one()).toMatchObject({ state: 'firing', acknowledgedBy: null, details: { level: 'manager' } });
  });
});
