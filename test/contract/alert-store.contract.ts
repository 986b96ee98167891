// The AlertStore contract (core/store/alert-store.ts): every Store's `.alerts` (embedded SQLite,
// ClickHouse 18.16 and current versions) runs this suite. Written for an eventually-merging backend
// and a shared database:
// - nothing relies on merges or insert-time de-duplication: older versions and identical copies are
//   written, in separate inserts and in the same one, and must be invisible in every read and count;
// - every test uses its own random rule/order IDs, partitions and time windows, so other tests' rows
//   never match its queries.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, DeadLetter, OrderRuleState, Silence, StatusProjection } from '../../core/alerts.ts';
import type { AlertStore, RuleCount } from '../../core/store/alert-store.ts';
import type { Page } from '../../core/store/store.ts';
import { alertFixture } from '../helpers/alert-fixtures.ts';

export interface AlertStoreHandle {
  alerts: AlertStore;
  close(): Promise<void>;
}

export interface AlertStoreFactory {
  /** A ready store over THE SAME database every time (so a reopened store sees what was written). */
  open(): Promise<AlertStoreHandle>;
  /** Called once after the suite, after the stores it opened were closed. */
  cleanup(): Promise<void>;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

function tag(): string {
  return randomBytes(5).toString('hex');
}

/** A random ms window start within the last year, so each test's alerts have their own time range. */
function windowStart(): number {
  return Date.now() - DAY - Math.floor(Math.random() * 360 * DAY);
}

function makeAlert(o: Partial<Alert> & { ruleId: string; orderId: string; firedAtMs: number }): Alert {
  return alertFixture({
    id: `al-${o.ruleId}-${o.orderId}-${o.scope ?? ''}-${tag()}`,
    severity: 'warning',
    dueMs: o.firedAtMs - MINUTE,
    updatedAtMs: o.firedAtMs,
    ...o,
  });
}

/** The next version of an alert with changes. */
function next(a: Alert, changes: Partial<Alert>): Alert {
  return { ...a, ...changes, version: a.version + 1, updatedAtMs: a.updatedAtMs + 1 };
}

/** Walks every page; asserts page sizes; returns everything visited, in order. */
async function walk<T>(load: (cursor: string | undefined) => Promise<Page<T>>, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await load(cursor);
    pages++;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (page.nextCursor === null) return { items, pages };
    cursor = page.nextCursor;
    if (pages > 10_000) throw new Error('pagination does not end');
  }
}

const ids = (alerts: Alert[]) => alerts.map((a) => a.id);

/** Newest firedAtMs first, ties by id (byte order; the IDs here are ASCII). */
function pageOrder(alerts: Alert[]): Alert[] {
  return [...alerts].sort((a, b) => b.firedAtMs - a.firedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function alertStoreContract(name: string, factory: AlertStoreFactory): void {
  describe(`AlertStore contract: ${name}`, () => {
    let handle: AlertStoreHandle;
    let store: AlertStore;

    beforeAll(async () => {
      handle = await factory.open();
      store = handle.alerts;
    });

    afterAll(async () => {
      await handle?.close();
      await factory.cleanup();
    });

    describe('alerts', () => {
      it('round-trips an alert exactly; an unknown ID is null', async () => {
        const t = windowStart();
        const alert = makeAlert({
          ruleId: `rule-${tag()}`,
          orderId: `ORD-${tag()}`,
          firedAtMs: t,
          ruleKind: 'return_sla',
          severity: 'critical',
          title: 'Return "quality" \\ approval — overdue ✓',
          labels: { team: "o'brien", 'owner.email': 'a@b.c', empty: '' },
          scope: `RET-${tag()}`,
          state: 'acknowledged',
          summary: 'line one\nline two\t🚚',
          rootCause: 'inventory deduction failed',
          dueMs: null,
          acknowledgedAtMs: t + 5,
          acknowledgedBy: 'support@shop',
          details: { level: 'manager', amount: '120.50' },
          evidence: [
            { kind: 'event', id: 'ev-1', traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), timeMs: t - 10, summary: 'return.requested' },
            { kind: 'log', id: 'log-1', traceId: '', spanId: '', timeMs: t - 5, summary: "deduction 'failed'" },
          ],
          version: 7,
        });
        await store.upsertAlerts([alert]);
        expect(await store.getAlert(alert.id)).toStrictEqual(alert);
        expect(await store.getAlert(`al-${tag()}`)).toBeNull();
        await store.upsertAlerts([]);
      });

      describe('listAlerts', () => {
        const rule = `rule-${tag()}`;
        const other = `rule-${tag()}`;
        const order = `ORD-${tag()}`;
        const t = windowStart();
        const window = { fromMs: t, toMs: t + 10 * MINUTE };
        const a1 = makeAlert({ ruleId: rule, orderId: order, firedAtMs: t, severity: 'critical' });
        const a2 = makeAlert({ ruleId: rule, orderId: `ORD-${tag()}`, firedAtMs: t + MINUTE, state: 'resolved', resolution: 'late' });
        const a3 = makeAlert({ ruleId: other, orderId: order, firedAtMs: t + 2 * MINUTE, severity: 'info', state: 'acknowledged' });
        const a4 = makeAlert({ ruleId: other, orderId: `ORD-${tag()}`, firedAtMs: t + 3 * MINUTE, severity: 'critical' });
        const outside = makeAlert({ ruleId: rule, orderId: order, firedAtMs: t + 10 * MINUTE });
        const list = async (q: Partial<Parameters<AlertStore['listAlerts']>[0]>) => ids((await store.listAlerts({ limit: 100, ...q })).items);

        beforeAll(async () => {
          await store.upsertAlerts([a3, a1, outside]);
          await store.upsertAlerts([a2, a4]);
        });

        it('filters by rule and by order, newest fired first', async () => {
          expect(await list({ ruleId: rule })).toEqual(ids([outside, a2, a1]));
          expect(await list({ ruleId: other })).toEqual(ids([a4, a3]));
          expect(await list({ orderId: order })).toEqual(ids([outside, a3, a1]));
          expect(await list({ ruleId: `rule-${tag()}` })).toEqual([]);
          expect((await store.listAlerts({ ruleId: rule, limit: 100 })).items).toStrictEqual([outside, a2, a1]);
        });

        it('filters by state, severity and fired time (from inclusive, to exclusive)', async () => {
          expect(await list({ ...window })).toEqual(ids([a4, a3, a2, a1]));
          expect(await list({ ...window, state: 'firing' })).toEqual(ids([a4, a1]));
          expect(await list({ ...window, state: 'resolved' })).toEqual(ids([a2]));
          expect(await list({ ...window, state: 'acknowledged' })).toEqual(ids([a3]));
          expect(await list({ ...window, severity: 'critical' })).toEqual(ids([a4, a1]));
          expect(await list({ ...window, severity: 'info' })).toEqual(ids([a3]));
          expect(await list({ fromMs: t + MINUTE, toMs: t + 3 * MINUTE })).toEqual(ids([a3, a2]));
          expect(await list({ fromMs: t, toMs: t })).toEqual([]);
        });

        it('combines filters', async () => {
          expect(await list({ ruleId: rule, state: 'firing' })).toEqual(ids([outside, a1]));
          expect(await list({ ruleId: rule, orderId: order, ...window })).toEqual(ids([a1]));
          expect(await list({ orderId: order, severity: 'info', state: 'acknowledged' })).toEqual(ids([a3]));
          expect(await list({ ruleId: other, severity: 'critical', state: 'firing', fromMs: t + 3 * MINUTE })).toEqual(ids([a4]));
          expect(await list({ ruleId: rule, severity: 'info' })).toEqual([]);
        });

        it('rejects bad filters and a malformed cursor', async () => {
          const bad = { code: 'OT_ERR_BAD_PARAMETER' };
          await expect(store.listAlerts({ limit: 10, state: 'open' as never })).rejects.toMatchObject(bad);
          await expect(store.listAlerts({ limit: 10, severity: 'high' as never })).rejects.toMatchObject(bad);
          await expect(store.listAlerts({ limit: 0 })).rejects.toMatchObject(bad);
          await expect(store.listAlerts({ limit: 10, fromMs: Number.NaN })).rejects.toMatchObject(bad);
          await expect(store.listAlerts({ limit: 10, cursor: 'not a cursor' })).rejects.toMatchObject(bad);
        });
      });

      it('pages newest fired first, ties by id, visiting every alert exactly once (duplicates included)', async () => {
        const ruleId = `rule-${tag()}`;
        const t = windowStart();
        // Groups of three share a fired time, so page boundaries fall inside ties.
        const alerts = Array.from({ length: 20 }, (_, i) =>
          makeAlert({ ruleId, orderId: `ORD-${tag()}`, firedAtMs: t + Math.floor(i / 3) * 1000, state: i % 2 ? 'firing' : 'resolved' }),
        );
        await store.upsertAlerts(alerts.slice(0, 12));
        await store.upsertAlerts(alerts.slice(8));
        await store.upsertAlerts(alerts.filter((_, i) => i % 4 === 0));
        for (const limit of [1, 3, 7, 20]) {
          const { items, pages } = await walk((cursor) => store.listAlerts({ ruleId, limit, ...(cursor ? { cursor } : {}) }), limit);
          expect(ids(items)).toEqual(ids(pageOrder(alerts)));
          expect(pages).toBe(Math.ceil(20 / limit));
        }
        const firing = await walk((cursor) => store.listAlerts({ ruleId, state: 'firing', limit: 4, ...(cursor ? { cursor } : {}) }), 4);
        expect(ids(firing.items)).toEqual(ids(pageOrder(alerts.filter((a) => a.state === 'firing'))));
      });

      it('keeps the highest version whatever order versions arrive in; filters see only that version', async () => {
        const ruleId = `rule-${tag()}`;
        const t = windowStart();
        const v1 = makeAlert({ ruleId, orderId: `ORD-${tag()}`, firedAtMs: t });
        const v2 = next(v1, { state: 'acknowledged', acknowledgedAtMs: t + 1, acknowledgedBy: 'ann' });
        const v3 = next(v2, { state: 'resolved', resolution: 'manual', resolvedAtMs: t + 2, resolvedBy: 'ann', severity: 'critical' });
        const w1 = makeAlert({ ruleId, orderId: `ORD-${tag()}`, firedAtMs: t + 1 });
        const w2 = next(w1, { state: 'resolved', resolution: 'reported_late' });

        await store.upsertAlerts([v2]);
        await store.upsertAlerts([v1]); // redelivered older version: ignored
        await store.upsertAlerts([w2, w1]); // both in one batch, newer first
        expect(await store.getAlert(v1.id)).toStrictEqual(v2);
        expect(await store.getAlert(w1.id)).toStrictEqual(w2);
        await store.upsertAlerts([v3, v1, v2, v3]);
        expect(await store.getAlert(v1.id)).toStrictEqual(v3);

        const list = async (q: Partial<Parameters<AlertStore['listAlerts']>[0]>) => (await store.listAlerts({ ruleId, limit: 100, ...q })).items;
        expect(await list({})).toStrictEqual([w2, v3]);
        expect(await list({ state: 'firing' })).toEqual([]);
        expect(await list({ state: 'acknowledged' })).toEqual([]);
        expect(await list({ state: 'resolved' })).toStrictEqual([w2, v3]);
        expect(await list({ severity: 'warning' })).toStrictEqual([w2]);
        expect(await list({ severity: 'critical' })).toStrictEqual([v3]);
        const counts = (await store.countAlerts(t)).filter((c) => c.ruleId === ruleId);
        expect(counts).toEqual([{ ruleId, state: 'resolved', count: 2 }]);
      });

      it('counts alerts per rule and state exactly, duplicates present, fired at or after sinceMs', async () => {
        const ruleA = `rule-a-${tag()}`;
        const ruleB = `rule-b-${tag()}`;
        const t = Date.now() - 2 * DAY;
        const make = (ruleId: string, firedAtMs: number, state: Alert['state']) => makeAlert({ ruleId, orderId: `ORD-${tag()}`, firedAtMs, state });
        const alerts = [
          make(ruleA, t, 'firing'),
          make(ruleA, t + 1, 'firing'),
          make(ruleA, t + 2, 'acknowledged'),
          make(ruleB, t + 3, 'resolved'),
          make(ruleA, t - 1, 'firing'), // before sinceMs
        ];
        await store.upsertAlerts(alerts);
        await store.upsertAlerts(alerts);
        await store.upsertAlerts([alerts[0]!, alerts[0]!, alerts[3]!]);
        const mine = (await store.countAlerts(t)).filter((c) => c.ruleId === ruleA || c.ruleId === ruleB);
        const byKey = (c: { ruleId: string; state: string }) => `${c.ruleId}/${c.state}`;
        expect(mine.sort((x, y) => byKey(x).localeCompare(byKey(y)))).toEqual(
          [
            { ruleId: ruleA, state: 'acknowledged', count: 1 },
            { ruleId: ruleA, state: 'firing', count: 2 },
            { ruleId: ruleB, state: 'resolved', count: 1 },
          ].sort((x, y) => byKey(x).localeCompare(byKey(y))),
        );
        const earlier = (await store.countAlerts(t - 1)).filter((c) => c.ruleId === ruleA && c.state === 'firing');
        expect(earlier).toEqual([{ ruleId: ruleA, state: 'firing', count: 3 }]);
        expect((await store.countAlerts(t + 4)).filter((c) => c.ruleId === ruleA || c.ruleId === ruleB)).toEqual([]);
      });

      it('counts alerts fired per rule and bucket: each alert once, by its latest version, any state, fired in [from, to)', async () => {
        const ruleA = `rule-a-${tag()}`;
        const ruleB = `rule-b-${tag()}`;
        const bucketMs = 10 * MINUTE;
        const fromMs = Math.floor(windowStart() / bucketMs) * bucketMs + 3 * MINUTE; // not on a bucket boundary
        const toMs = fromMs + 30 * MINUTE;
        const make = (ruleId: string, firedAtMs: number, state: Alert['state'] = 'firing') => makeAlert({ ruleId, orderId: `ORD-${tag()}`, firedAtMs, state });
        const moved = make(ruleB, fromMs + MINUTE);
        const movedLater = next(moved, { firedAtMs: fromMs + 25 * MINUTE, state: 'acknowledged' }); // the latest version decides the bucket
        const counted = [
          make(ruleA, fromMs),
          make(ruleA, fromMs + 2 * MINUTE, 'resolved'),
          make(ruleA, fromMs + 6 * MINUTE, 'acknowledged'),
          make(ruleA, toMs - 1),
          make(ruleB, fromMs + 12 * MINUTE),
          movedLater,
        ];
        const outside = [make(ruleA, fromMs - 1), make(ruleB, toMs)];
        await store.upsertAlerts([...counted.filter((a) => a !== movedLater), ...outside, moved]);
        await store.upsertAlerts([movedLater, ...counted.slice(0, 3), counted[0]!]);
        await store.upsertAlerts([moved]); // an older version, redelivered: changes nothing

        const expected = new Map<string, { ruleId: string; tMs: number; count: number }>();
        for (const a of counted) {
          const tMs = Math.floor(a.firedAtMs / bucketMs) * bucketMs;
          const key = `${a.ruleId}@${tMs}`;
          expected.set(key, { ruleId: a.ruleId, tMs, count: (expected.get(key)?.count ?? 0) + 1 });
        }
        const order = (rows: Array<{ ruleId: string; tMs: number }>) => [...rows].sort((x, y) => x.ruleId.localeCompare(y.ruleId) || x.tMs - y.tMs);
        const mine = (await store.alertTimeline(fromMs, toMs, bucketMs)).filter((r) => r.ruleId === ruleA || r.ruleId === ruleB);
        expect(order(mine)).toEqual(order([...expected.values()]));
        expect(mine.find((r) => r.ruleId === ruleA && r.tMs === Math.floor(fromMs / bucketMs) * bucketMs)?.count).toBe(3); // the first bucket starts before `from`
        const bad = { code: 'OT_ERR_BAD_PARAMETER' };
        await expect(store.alertTimeline(toMs, fromMs, bucketMs)).rejects.toMatchObject(bad);
        await expect(store.alertTimeline(fromMs, toMs, 0)).rejects.toMatchObject(bad);
        await expect(store.alertTimeline(fromMs, fromMs + 1_000 * MINUTE, 1_000)).rejects.toMatchObject(bad);
      });

      it('rejects invalid alerts, naming the field, and writes nothing of the batch', async () => {
        const good = makeAlert({ ruleId: `rule-${tag()}`, orderId: `ORD-${tag()}`, firedAtMs: windowStart() });
        const bad = { code: 'OT_ERR_BAD_PARAMETER' };
        await expect(store.upsertAlerts([good, { ...good, id: `x-${tag()}`, version: -1 }])).rejects.toMatchObject({
          ...bad,
          message: expect.stringContaining('version'),
        });
        await expect(store.upsertAlerts([{ ...good, state: 'open' as never }])).rejects.toMatchObject({ ...bad, message: expect.stringContaining('state') });
        await expect(store.upsertAlerts([{ ...good, id: '' }])).rejects.toMatchObject({ ...bad, message: expect.stringContaining('id') });
        await expect(store.upsertAlerts([{ ...good, firedAtMs: 1.5 }])).rejects.toMatchObject({ ...bad, message: expect.stringContaining('firedAtMs') });
        expect(await store.getAlert(good.id)).toBeNull();
      });
    });

    describe('silences', () => {
      function makeSilence(o: Partial<Silence> & { endsAtMs: number }): Silence {
        return {
          id: `sil-${tag()}`,
          ruleId: null,
          matchers: { team: 'fulfilment' },
          createdBy: 'ann',
          comment: 'carrier outage',
          createdAtMs: Date.now() - DAY,
          version: 1,
          ...o,
        };
      }

      it('returns the silences that end after now; expiring one (a higher version) removes it', async () => {
        const now = Date.now();
        const active = makeSilence({ endsAtMs: now + DAY, ruleId: `rule-${tag()}`, matchers: { 'order.id': "ORD-'1'", severity: 'critical' } });
        const endsNow = makeSilence({ endsAtMs: now });
        const expired = makeSilence({ endsAtMs: now - 1 });
        const toExpire = makeSilence({ endsAtMs: now + 2 * DAY, comment: 'wrong one' });
        await store.upsertSilence(active);
        await store.upsertSilence(endsNow);
        await store.upsertSilence(expired);
        await store.upsertSilence(toExpire);
        await store.upsertSilence(active); // a duplicate
        const mine = new Set([active.id, endsNow.id, expired.id, toExpire.id]);
        const activeNow = async () => (await store.activeSilences(now)).filter((s) => mine.has(s.id));
        expect((await activeNow()).sort((a, b) => a.endsAtMs - b.endsAtMs)).toStrictEqual([active, toExpire]);

        const expiredNow = { ...toExpire, endsAtMs: now - 10, version: 2 };
        await store.upsertSilence(expiredNow);
        await store.upsertSilence(toExpire); // late redelivery of version 1: ignored
        expect(await activeNow()).toStrictEqual([active]);
        expect(await store.getSilence(toExpire.id)).toStrictEqual(expiredNow);
        expect(await store.getSilence(active.id)).toStrictEqual(active);
        expect(await store.getSilence(`sil-${tag()}`)).toBeNull();
        expect((await store.activeSilences(now - DAY)).filter((s) => mine.has(s.id)).map((s) => s.id).sort()).toEqual(
          [active.id, endsNow.id, expired.id, toExpire.id].sort(),
        );
      });

      it('rejects an invalid silence', async () => {
        await expect(store.upsertSilence(makeSilence({ endsAtMs: Number.POSITIVE_INFINITY }))).rejects.toMatchObject({
          code: 'OT_ERR_BAD_PARAMETER',
          message: expect.stringContaining('endsAtMs'),
        });
      });
    });

    describe('order rule states', () => {
      /** Partitions nobody else uses. */
      const partitionBase = 1_000 + Math.floor(Math.random() * 1_000_000) * 10;
      const state = (orderId: string, partition: number, version: number, value: string | null = `{"v":${version}}`): OrderRuleState => ({
        orderId,
        partition: partitionBase + partition,
        state: value,
        version,
      });
      const loadAll = async (partitions: number[], pageSize: number) =>
        walk((cursor) => store.loadOrderStates(partitions.map((p) => partitionBase + p), pageSize, cursor), pageSize);

      it('saves, updates by version, tombstones, and never resurrects a tombstoned order', async () => {
        const a = `ORD-a-${tag()}`;
        const b = `ORD-b-${tag()}`;
        const c = `ORD-c-${tag()}`;
        await store.saveOrderStates([state(a, 10, 1), state(b, 10, 1), state(c, 10, 1)]);
        await store.saveOrderStates([state(a, 10, 3, '{"pending":["deadline"],"quote":"it\'s \\"x\\""}'), state(b, 10, 2, null)]);
        await store.saveOrderStates([state(a, 10, 2), state(b, 10, 1), state(c, 10, 1)]); // redelivered older versions
        const { items } = await loadAll([10], 100);
        expect(items.sort((x, y) => (x.orderId < y.orderId ? -1 : 1))).toStrictEqual([
          state(a, 10, 3, '{"pending":["deadline"],"quote":"it\'s \\"x\\""}'),
          state(c, 10, 1),
        ]);
        await store.saveOrderStates([state(c, 10, 2, null), state(c, 10, 2, null)]);
        await store.saveOrderStates([state(c, 10, 1)]);
        expect((await loadAll([10], 100)).items.map((s) => s.orderId)).toEqual([a]);
        await store.saveOrderStates([state(c, 10, 3, '{"again":true}')]); // a newer live version comes back
        expect((await loadAll([10], 100)).items.map((s) => s.orderId).sort()).toEqual([a, c]);
      });

      it('loads by partitions in pages, each live order exactly once, duplicates and other partitions left out', async () => {
        const states: OrderRuleState[] = [];
        for (let i = 0; i < 30; i++) states.push(state(`ORD-${String(i).padStart(2, '0')}-${tag()}`, i % 3, 1 + (i % 2)));
        await store.saveOrderStates(states.slice(0, 20));
        await store.saveOrderStates(states.slice(15));
        await store.saveOrderStates(states.filter((_, i) => i % 4 === 0));
        const tombstoned = states.filter((_, i) => i % 5 === 0).map((s) => ({ ...s, state: null, version: s.version + 1 }));
        await store.saveOrderStates(tombstoned);
        const gone = new Set(tombstoned.map((s) => s.orderId));
        const live = (parts: number[]) =>
          states
            .filter((s) => parts.includes(s.partition - partitionBase) && !gone.has(s.orderId))
            .map((s) => s.orderId)
            .sort();
        for (const pageSize of [1, 4, 7, 100]) {
          const { items } = await loadAll([0, 2], pageSize);
          const orderIds = items.map((s) => s.orderId);
          expect(new Set(orderIds).size).toBe(orderIds.length);
          expect(orderIds.sort()).toEqual(live([0, 2]));
        }
        const one = await loadAll([1], 5);
        expect(one.items.map((s) => s.orderId).sort()).toEqual(live([1]));
        for (const s of one.items) expect(s).toStrictEqual(states.find((x) => x.orderId === s.orderId));
        expect((await loadAll([7], 10)).items).toEqual([]);
        expect(await store.loadOrderStates([], 10)).toEqual({ items: [], nextCursor: null });
      });

      it('follows an order to its new partition (the higher version decides)', async () => {
        const moved = `ORD-moved-${tag()}`;
        await store.saveOrderStates([state(moved, 4, 1)]);
        await store.saveOrderStates([state(moved, 5, 2)]);
        expect((await loadAll([4], 10)).items).toEqual([]);
        expect((await loadAll([5], 10)).items).toStrictEqual([state(moved, 5, 2)]);
        expect((await loadAll([4, 5], 10)).items).toStrictEqual([state(moved, 5, 2)]);
      });

      it('rejects invalid states and a malformed cursor', async () => {
        const bad = { code: 'OT_ERR_BAD_PARAMETER' };
        await expect(store.saveOrderStates([state('', 0, 1)])).rejects.toMatchObject(bad);
        await expect(store.saveOrderStates([state(`ORD-${tag()}`, -partitionBase - 1, 1)])).rejects.toMatchObject({
          ...bad,
          message: expect.stringContaining('partition'),
        });
        await expect(store.saveOrderStates([{ ...state(`ORD-${tag()}`, 0, 1), version: 0.5 }])).rejects.toMatchObject(bad);
        await expect(store.loadOrderStates([partitionBase], 10, '%%%')).rejects.toMatchObject(bad);
        await expect(store.loadOrderStates([-1], 10)).rejects.toMatchObject(bad);
      });
    });

    describe('status projections', () => {
      it('keeps the highest version per order; an unknown order is null', async () => {
        const orderId = `ORD-${tag()}`;
        const v1: StatusProjection = {
          orderId,
          canonical: 'paid',
          canonicalSinceMs: 1_000,
          systems: [{ system: 'shop', status: 'bezahlt', mapped: 'paid', sinceMs: 1_000 }],
          updatedAtMs: 1_000,
          version: 1,
        };
        const v2: StatusProjection = {
          ...v1,
          canonical: 'shipped',
          canonicalSinceMs: 2_000,
          systems: [...v1.systems, { system: 'wms', status: "ship'd", mapped: 'shipped', sinceMs: 2_000 }],
          updatedAtMs: 2_000,
          version: 2,
        };
        await store.saveStatusProjections([v2]);
        await store.saveStatusProjections([v1, v1]);
        expect(await store.getStatusProjection(orderId)).toStrictEqual(v2);
        expect(await store.getStatusProjection(`ORD-${tag()}`)).toBeNull();
        await store.saveStatusProjections([]);
      });
    });

    describe('rule counts', () => {
      it('sums the latest count of every worker per bucket, over buckets in [from, to)', async () => {
        const ruleId = `rule-${tag()}`;
        const b0 = Math.floor(Date.now() / MINUTE) * MINUTE - 60 * MINUTE;
        const count = (bucket: number, workerId: string, n: number): RuleCount => ({ ruleId, bucketMs: b0 + bucket * MINUTE, workerId, count: n });
        await store.saveRuleCounts([count(0, 'w1', 2), count(0, 'w2', 3), count(1, 'w1', 4), count(2, 'w2', 5)]);
        await store.saveRuleCounts([count(0, 'w1', 2), count(0, 'w2', 3)]); // idempotent per worker × bucket
        await store.saveRuleCounts([{ ...count(0, 'w1', 9), ruleId: `rule-${tag()}` }]); // another rule
        expect(await store.sumRuleCounts(ruleId, b0, b0 + 3 * MINUTE)).toBe(14);
        expect(await store.sumRuleCounts(ruleId, b0, b0 + MINUTE)).toBe(5);
        expect(await store.sumRuleCounts(ruleId, b0 + MINUTE, b0 + 2 * MINUTE)).toBe(4);
        expect(await store.sumRuleCounts(ruleId, b0 + 3 * MINUTE, b0 + 10 * MINUTE)).toBe(0);
        expect(await store.sumRuleCounts(`rule-${tag()}`, b0, b0 + 3 * MINUTE)).toBe(0);

        // A worker sets its count: the latest write wins, larger or smaller.
        await store.saveRuleCounts([count(0, 'w1', 7)]);
        expect(await store.sumRuleCounts(ruleId, b0, b0 + MINUTE)).toBe(10);
        await store.saveRuleCounts([count(0, 'w1', 1)]);
        expect(await store.sumRuleCounts(ruleId, b0, b0 + MINUTE)).toBe(4);
        await store.saveRuleCounts([count(0, 'w2', 6), count(0, 'w2', 8)]); // in one batch, the later entry wins
        expect(await store.sumRuleCounts(ruleId, b0, b0 + MINUTE)).toBe(9);
      });

      it('rejects an invalid count', async () => {
        await expect(store.saveRuleCounts([{ ruleId: `rule-${tag()}`, bucketMs: 0, workerId: '', count: 1 }])).rejects.toMatchObject({
          code: 'OT_ERR_BAD_PARAMETER',
          message: expect.stringContaining('workerId'),
        });
        await expect(store.saveRuleCounts([{ ruleId: `rule-${tag()}`, bucketMs: 0, workerId: 'w', count: -1 }])).rejects.toMatchObject({
          code: 'OT_ERR_BAD_PARAMETER',
        });
      });
    });

    describe('dead letters', () => {
      it('lists letters newest first, one per ID: the copy with the most attempts', async () => {
        // Far-future creation times put this test's letters first in the (shared) newest-first list.
        const t = Date.now() + 100 * 365 * DAY + Math.floor(Math.random() * DAY);
        const letter = (id: string, createdAtMs: number, attempts: number): DeadLetter => ({
          id,
          channel: 'slack-ops',
          payload: JSON.stringify({ text: "order 'ORD-1' late\n" }),
          error: 'HTTP 500: upstream "down"',
          attempts,
          createdAtMs,
        });
        const a = letter(`dl-a-${tag()}`, t, 3);
        const b = letter(`dl-b-${tag()}`, t + 1, 5);
        const c = letter(`dl-c-${tag()}`, t + 1, 1);
        await store.addDeadLetter(a);
        await store.addDeadLetter({ ...b, attempts: 4, error: 'timeout' });
        await store.addDeadLetter(b);
        await store.addDeadLetter({ ...b, attempts: 2, error: 'older' }); // fewer attempts: ignored
        await store.addDeadLetter(c);
        await store.addDeadLetter(c);
        const [first, second] = [b, c].sort((x, y) => (x.id < y.id ? -1 : 1));
        expect(await store.listDeadLetters(3)).toStrictEqual([first, second, a]);
        expect(await store.listDeadLetters(1)).toStrictEqual([first]);
        await expect(store.listDeadLetters(0)).rejects.toMatchObject({ code: 'OT_ERR_BAD_PARAMETER' });
        await expect(store.addDeadLetter({ ...a, attempts: -1 })).rejects.toMatchObject({ code: 'OT_ERR_BAD_PARAMETER' });
      });
    });

    it('keeps everything across close and reopen', async () => {
      const t = windowStart();
      const alert = makeAlert({ ruleId: `rule-${tag()}`, orderId: `ORD-${tag()}`, firedAtMs: t });
      const orderState: OrderRuleState = { orderId: `ORD-${tag()}`, partition: 999_999_999, state: '{"x":1}', version: 1 };
      const silence: Silence = { id: `sil-${tag()}`, ruleId: null, matchers: {}, endsAtMs: Date.now() + DAY, createdBy: 'a', comment: '', createdAtMs: t, version: 1 };
      await store.upsertAlerts([alert, next(alert, { state: 'resolved' })]);
      await store.saveOrderStates([orderState]);
      await store.upsertSilence(silence);
      await handle.close();
      handle = await factory.open();
      store = handle.alerts;
      expect(await store.getAlert(alert.id)).toStrictEqual(next(alert, { state: 'resolved' }));
      expect((await store.loadOrderStates([999_999_999], 10)).items).toContainEqual(orderState);
      expect(await store.getSilence(silence.id)).toStrictEqual(silence);
    });
  });
}
