import { describe, expect, it } from 'vitest';
import { SpanKind } from '../core/model.ts';
import { RuleEngine } from './engine.ts';
import { deadlineRule, event, Harness, HOUR, MIN, partitionOf, patternRule, returnRule, ruleSet, sequenceRule, span, stalledRule, T0 } from './test-kit.ts';

const lock = deadlineRule(); // payment.succeeded → inventory.locked within 2h, grace 1m
const FIRE = T0 + 2 * HOUR + MIN;
const orders = Array.from({ length: 12 }, (_, i) => `ORD-${i}`);

describe('RuleEngine state handover', () => {
  it('restart in the middle of a pending deadline: serialized states restored into a new engine still fire at due', () => {
    const before = new Harness(ruleSet([lock]));
    before.ingest([event('ORD-1', 'payment.succeeded', T0, { status: 'paid' })], T0 + 10 * MIN);
    const saved = before.savedStates();
    expect(saved).toHaveLength(1);
    expect(saved[0]!.state!.length).toBeLessThan(400);

    const after = new Harness(ruleSet([lock]));
    expect(after.engine.restore(saved)).toEqual({ restored: 1, errors: [] });
    expect(after.engine.pendingTimers()).toBe(1);
    expect(after.engine.nextDueMs()).toBe(FIRE);
    expect(after.advance(FIRE - 1).alerts).toEqual([]);
    after.advance(FIRE);
    expect(after.only('ORD-1')).toMatchObject({ state: 'firing', dueMs: T0 + 2 * HOUR });
  });

  it('a firing alert survives a restart: the late B resolves it as reported_late in the new engine', () => {
    const before = new Harness(ruleSet([lock]));
    before.ingest([event('ORD-1', 'payment.succeeded', T0)], FIRE);
    const fired = before.only('ORD-1');
    const after = new Harness(ruleSet([lock]));
    after.engine.restore(before.savedStates());
    after.ingest([event('ORD-1', 'inventory.locked', T0 + HOUR)], FIRE + HOUR);
    expect(after.only('ORD-1')).toMatchObject({ id: fired.id, firedAtMs: fired.firedAtMs, resolution: 'reported_late' });
    expect(after.only('ORD-1').version).toBeGreaterThan(fired.version);
  });

  it('partition move: one engine drops the partition, another restores it and fires its deadlines', () => {
    const a = new Harness(ruleSet([lock]));
    a.ingest(orders.map((id) => event(id, 'payment.succeeded', T0)), T0);
    const moved = partitionOf('ORD-1');
    const movedOrders = orders.filter((id) => partitionOf(id) === moved);
    expect(movedOrders.length).toBeGreaterThan(0);
    expect(movedOrders.length).toBeLessThan(orders.length);

    a.engine.dropPartitions([moved]);
    expect(a.engine.openOrders()).toBe(orders.length - movedOrders.length);
    expect(a.engine.pendingTimers()).toBe(orders.length - movedOrders.length);

    const b = new Harness(ruleSet([lock]));
    b.engine.restore(a.savedStates().filter((s) => s.partition === moved));
    a.advance(FIRE);
    b.advance(FIRE);
    expect([...a.alerts.values()].map((x) => x.orderId).sort()).toEqual(orders.filter((id) => partitionOf(id) !== moved).sort());
    expect([...b.alerts.values()].map((x) => x.orderId).sort()).toEqual(movedOrders.sort());
  });

  it('an unreadable state row is reported and skipped', () => {
    const engine = new RuleEngine(ruleSet([lock]), { partitionOf });
    const result = engine.restore([{ orderId: 'ORD-X', partition: 0, state: '{oops', version: 1 }]);
    expect(result.restored).toBe(0);
    expect(result.errors[0]!.message).toMatch(/^rule state of order ORD-X: not JSON/);
  });
});

describe('RuleEngine lifecycle of an order', () => {
  it('settled state is remembered for the retention, then the order is forgotten with a null state', () => {
    const h = new Harness(ruleSet([lock]), { retentionMs: HOUR });
    h.ingest([event('ORD-1', 'payment.succeeded', T0), event('ORD-1', 'inventory.locked', T0 + MIN)], T0 + MIN);
    expect(h.engine.openOrders()).toBe(1);
    expect(h.engine.pendingTimers()).toBe(0);
    h.advance(T0 + 30 * MIN);
    expect(h.engine.openOrders()).toBe(1); // a redelivered A within the hour is still recognised
    expect(h.ingest([event('ORD-1', 'payment.succeeded', T0 - HOUR, { eventId: 'late-dup' })], T0 + 30 * MIN).alerts).toEqual([]);
    const out = h.advance(T0 + 2 * HOUR);
    expect(out.states).toEqual([{ orderId: 'ORD-1', partition: partitionOf('ORD-1'), state: null, version: expect.any(Number) }]);
    expect(h.engine.openOrders()).toBe(0);
  });

  it('a pending order is never forgotten before its deadline settles', () => {
    const h = new Harness(ruleSet([lock]), { retentionMs: MIN });
    h.ingest([event('ORD-1', 'payment.succeeded', T0)], T0);
    h.advance(T0 + HOUR);
    expect(h.engine.openOrders()).toBe(1);
    h.advance(FIRE);
    expect(h.alerts.size).toBe(1);
  });

  it('a firing alert whose B never comes is kept staleAfterMs, then the order is forgotten (the alert stays as it is)', () => {
    const h = new Harness(ruleSet([lock]), { retentionMs: HOUR, staleAfterMs: 24 * HOUR });
    h.ingest([event('ORD-1', 'payment.succeeded', T0)], FIRE);
    expect(h.only('ORD-1').state).toBe('firing');
    h.advance(FIRE + 23 * HOUR);
    expect(h.engine.openOrders()).toBe(1);
    h.advance(FIRE + 24 * HOUR);
    expect(h.engine.pendingTimers()).toBe(0);
    const out = h.advance(FIRE + 26 * HOUR);
    expect(out.states.map((s) => s.state)).toEqual([null]);
    expect(out.alerts).toEqual([]);
  });

  it('versions only grow, across alerts, states and projections', () => {
    const h = new Harness(ruleSet([lock, sequenceRule()], { vocabulary: { systems: {}, milestones: { 'payment.succeeded': 'paid' } } }));
    h.ingest([event('ORD-1', 'payment.succeeded', T0, { status: 'paid' }), event('ORD-1', 'carrier.picked_up', T0 - MIN)], T0);
    h.advance(FIRE);
    h.ingest([event('ORD-1', 'inventory.locked', T0 + 3 * HOUR)], FIRE + MIN);
    const versions = h.outputs.flatMap((o) => [...o.alerts, ...o.states, ...o.projections].map((r) => r.version));
    expect(versions.length).toBeGreaterThan(5);
    expect(new Set(versions).size).toBe(versions.length);
    for (const out of h.outputs) for (const a of out.alerts) expect(a.version).toBeGreaterThanOrEqual(Math.floor(a.updatedAtMs) * 1000);
  });

  it('advance pops only due timers, and nextDueMs skips disarmed ones', () => {
    const h = new Harness(ruleSet([lock]));
    h.ingest(orders.map((id, i) => event(id, 'payment.succeeded', T0 + i * MIN)), T0 + 20 * MIN);
    expect(h.engine.pendingTimers()).toBe(orders.length);
    h.ingest([event('ORD-0', 'inventory.locked', T0 + 5 * MIN)], T0 + 20 * MIN); // disarms the earliest timer
    expect(h.engine.nextDueMs()).toBe(FIRE + MIN);
    const out = h.advance(FIRE + 2 * MIN);
    expect(out.alerts.map((a) => a.orderId).sort()).toEqual(['ORD-1', 'ORD-2']);
  });
});

describe('RuleEngine hot reload', () => {
  it('keeps state of rules that stay, drops deadlines of removed rules', () => {
    const ret = returnRule();
    const h = new Harness(ruleSet([lock, ret]));
    h.ingest([event('ORD-1', 'payment.succeeded', T0), event('ORD-1', 'return.requested', T0, { attributes: { 'return.id': 'R-1' } })], T0);
    expect(h.engine.pendingTimers()).toBe(2);
    h.engine.setRules(ruleSet([ret]));
    expect(h.engine.pendingTimers()).toBe(1);
    const out = h.advance(T0 + 10 * HOUR);
    expect(out.alerts.map((a) => a.ruleId)).toEqual([ret.id]);
    expect(out.states[0]!.state).not.toContain(lock.id);
  });

  it('re-maps statuses when the vocabulary changes, reporting only the orders it changed', () => {
    const vocab = (word: string) => ({ vocabulary: { systems: { wms: { PICKED: word } }, milestones: {} } });
    const h = new Harness(ruleSet([lock], vocab('packed')));
    h.ingest([event('ORD-1', 'wms.update', T0, { system: 'wms', status: 'PICKED' }), event('ORD-2', 'crm.sync', T0, { system: 'crm', status: 'open' })], T0);
    h.engine.setRules(ruleSet([lock], vocab('picked')));
    const out = h.advance(T0 + MIN);
    expect(out.projections.map((p) => [p.orderId, p.systems[0]!.mapped])).toEqual([['ORD-1', 'picked']]);
    expect(out.states.map((s) => s.orderId)).toEqual(['ORD-1']);
  });

  it('rejects a rule naming a calendar that is not defined', () => {
    expect(() => new RuleEngine(ruleSet([deadlineRule({ calendar: 'nope' })]), { partitionOf })).toThrow('rule stock-lock-2h names calendar "nope", which is not defined');
    expect(() => new RuleEngine(ruleSet([patternRule({ match: { signal: 'any', service: null, errorsOnly: true, pattern: '(' } })]), { partitionOf })).toThrow(/rule deduction-failed: invalid pattern/);
  });
});

describe('RuleEngine evidence', () => {
  it('an alert carries the A event and the failing spans the order had', () => {
    const h = new Harness(ruleSet([lock, stalledRule()]));
    const failing = span('ORD-1', T0 + MIN, { isError: true, text: 'inventory reserve: timeout' });
    h.ingest([event('ORD-1', 'payment.succeeded', T0), failing, span('ORD-1', T0, { kind: SpanKind.INTERNAL })], T0 + MIN);
    h.advance(FIRE);
    expect(h.only('ORD-1').evidence.map((e) => [e.kind, e.id])).toEqual([
      ['event', expect.any(String)],
      ['span', failing.id],
    ]);
  });
});
