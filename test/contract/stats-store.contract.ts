// The StatsStore contract (core/store/stats-store.ts, docs/health.md): every Store's `.stats` (embedded
// SQLite, ClickHouse 18.16 and current versions) runs this suite. Written for an eventually-merging
// backend and a shared database:
// - redelivered records are written again — in a later write and inside the same one — and must be
//   invisible in every count and percentile;
// - every test reads its own day (days apart from the other tests'), with its own order IDs and
//   service names, so nothing else falls in its windows;
// - expectations are computed from the scenario's inputs (the percentile is nearest rank: the value at
//   ⌊p·n⌋ of the sorted durations), never copied from a store's output.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderEvent, Span } from '../../core/model.ts';
import type { StageDef } from '../../core/stages.ts';
import type { StatsQuery } from '../../core/stats.ts';
import type { Store, WriteBatch } from '../../core/store/store.ts';
import { logRecord, spanRecord } from '../helpers/records.ts';

export interface StatsStoreFactory {
  /** A ready store (its `.stats` is under test); written through its write(). */
  open(): Promise<Store>;
  /** Called once after the suite, after the store was closed. */
  cleanup(): Promise<void>;
}

const NS = 1_000_000n;
const SEC = 1_000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const tag = () => hex(4);

/** A small catalog: a per-order stage with a failure event, a per-shipment stage, a return-flow stage. */
const CATALOG: StageDef[] = [
  { id: 'pay', title: 'Pay', start: 't.created', end: 't.paid', failOn: ['t.pay_failed'], system: 'pay', expectedMs: 10 * MIN, per: 'order', flow: 'forward' },
  { id: 'pack', title: 'Pack', start: 't.paid', end: 't.packed', failOn: [], system: 'wms', expectedMs: 30 * MIN, per: 'shipment', flow: 'forward' },
  { id: 'refund', title: 'Refund', start: 't.returned', end: 't.refunded', failOn: ['t.refund_denied', 't.refund_void'], system: 'fin', expectedMs: 20 * MIN, per: 'order', flow: 'return' },
];
const CANCELLED = 'order.cancelled';

/** Each test's own day (ms), days apart, in the last year. */
const FIRST_DAY = (Math.floor(Date.now() / DAY) - 20 - Math.floor(Math.random() * 200)) * DAY;
let testDays = 0;
function ownDay(): number {
  return FIRST_DAY - 3 * DAY * testDays++;
}

const at = (ms: number, extraNs = 0n) => (BigInt(ms) * NS + extraNs).toString();

function event(orderId: string, type: string, timeNs: string, attributes: Record<string, string> = {}): OrderEvent {
  return { eventId: `ev-${hex(8)}`, orderId, type, system: 'contract', timeUnixNano: timeNs, status: '', traceId: '', spanId: '', source: 'api', attributes };
}

function span(o: { service: string; startNs: bigint; durNs: bigint; traceId?: string; parentSpanId?: string; kind?: number; error?: boolean }): Span {
  return spanRecord({
    service: o.service,
    kind: o.kind ?? 2,
    startTimeUnixNano: o.startNs.toString(),
    endTimeUnixNano: (o.startNs + o.durNs).toString(),
    status: { code: o.error ? 2 : 0, message: '' },
    ...(o.traceId !== undefined ? { traceId: o.traceId } : {}),
    ...(o.parentSpanId !== undefined ? { parentSpanId: o.parentSpanId } : {}),
  });
}

/** Nearest-rank summary of durations (ns): count, p50/p95 in ms. */
function summary(durationsNs: readonly bigint[]): { count: number; p50Ms: number; p95Ms: number } {
  const sorted = durationsNs.map(Number).sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(Math.floor(p * sorted.length), sorted.length - 1)]! / 1e6;
  return { count: sorted.length, p50Ms: rank(0.5), p95Ms: rank(0.95) };
}

const bucketOf = (tMs: number, bucketMs: number) => Math.floor(tMs / bucketMs) * bucketMs;

/** Writes the batch, then again (redelivery), then a third copy of some of it inside one write. */
async function writeWithDuplicates(store: Store, batch: Required<WriteBatch>): Promise<void> {
  await store.write(batch);
  await store.write(batch);
  const everyThird = <T>(items: T[]) => items.filter((_, i) => i % 3 === 0);
  await store.write({ spans: [...everyThird(batch.spans), ...everyThird(batch.spans)], logs: everyThird(batch.logs), events: [...everyThird(batch.events), ...everyThird(batch.events)] });
}

interface Completion {
  stage: number;
  endMs: number;
  durNs: bigint;
}

/** Expected points of one stage from the completions the scenario made. */
function expectedPoints(completions: readonly Completion[], stage: number, bucketMs: number) {
  const byBucket = new Map<number, bigint[]>();
  for (const c of completions.filter((c) => c.stage === stage)) {
    const t = bucketOf(c.endMs, bucketMs);
    byBucket.set(t, [...(byBucket.get(t) ?? []), c.durNs]);
  }
  const expectedNs = BigInt(CATALOG[stage]!.expectedMs) * NS;
  return [...byBucket.entries()]
    .sort(([a], [b]) => a - b)
    .map(([tMs, durations]) => ({ tMs, ...summary(durations), overdue: durations.filter((d) => d > expectedNs).length }));
}

export function statsStoreContract(name: string, factory: StatsStoreFactory): void {
  describe(`StatsStore contract: ${name}`, () => {
    let store: Store;
    const query = (o: Partial<StatsQuery> & { fromMs: number; toMs: number }): StatsQuery => ({ bucketMs: HOUR, nowMs: o.toMs, stages: CATALOG, ...o });

    beforeAll(async () => {
      store = await factory.open();
    });

    afterAll(async () => {
      await store?.close();
      await factory.cleanup();
    });

    describe('stage durations', () => {
      it('counts each completion once per bucket of its end event, with nearest-rank p50/p95 and overdue from the first start and first end', async () => {
        const day = ownDay();
        const fromMs = day;
        const toMs = day + 3 * HOUR;
        const events: OrderEvent[] = [];
        const completions: Completion[] = [];
        // 20 orders end in the first hour, 7 in the second; durations from 61 s to ~27 min (some over the 10 min expected).
        for (let i = 0; i < 27; i++) {
          const orderId = `ORD-${tag()}-${i}`;
          const endMs = i < 20 ? fromMs + 2 * MIN + i * 2 * MIN : fromMs + HOUR + 5 * MIN + (i - 20) * 7 * MIN;
          const durNs = BigInt(61 * SEC + ((i * 7919) % 27) * MIN) * NS + BigInt(i * 1_234);
          const startNs = BigInt(endMs) * NS - durNs;
          events.push(event(orderId, 't.created', startNs.toString()), event(orderId, 't.paid', at(endMs)));
          // A later start and a later end change nothing: the first of each counts.
          if (i % 4 === 0) events.push(event(orderId, 't.created', (startNs + 5n * NS).toString()), event(orderId, 't.paid', at(endMs + 3 * MIN)));
          completions.push({ stage: 0, endMs, durNs });
        }
        // Started before the window, completed inside it: counted, with its whole duration.
        const early = `ORD-${tag()}-early`;
        events.push(event(early, 't.created', at(fromMs - 2 * HOUR)), event(early, 't.paid', at(fromMs + 30 * SEC)));
        completions.push({ stage: 0, endMs: fromMs + 30 * SEC, durNs: BigInt(2 * HOUR + 30 * SEC) * NS });
        // Not completions: started only; failed; unrelated event types.
        const open = `ORD-${tag()}-open`;
        const failed = `ORD-${tag()}-failed`;
        events.push(event(open, 't.created', at(fromMs + 5 * MIN)), event(open, 't.note', at(fromMs + 6 * MIN)));
        events.push(event(failed, 't.created', at(fromMs + 5 * MIN)), event(failed, 't.pay_failed', at(fromMs + 9 * MIN)));
        await writeWithDuplicates(store, { spans: [], logs: [], events });

        const stats = await store.stats.stageStats(query({ fromMs, toMs }));
        expect(stats).toEqual({
          fromMs,
          toMs,
          bucketMs: HOUR,
          stages: CATALOG.map((def, k) => ({ stageId: def.id, title: def.title, expectedMs: def.expectedMs, points: expectedPoints(completions, k, HOUR) })),
        });
        expect(stats.stages[0]!.points.map((p) => p.count)).toEqual([21, 7]);
        expect(stats.stages[0]!.points.some((p) => p.overdue > 0 && p.overdue < p.count)).toBe(true);
      });

      it('reads [from, to): an end at from counts, at to does not; buckets start at multiples of the width since the epoch', async () => {
        const day = ownDay();
        const fromMs = day + 10 * MIN;
        const toMs = day + 70 * MIN;
        const bucketMs = 30 * MIN;
        const events: OrderEvent[] = [];
        const completions: Completion[] = [];
        const complete = (endNs: bigint, durMs: number, counted: boolean) => {
          const orderId = `ORD-${tag()}`;
          events.push(event(orderId, 't.created', (endNs - BigInt(durMs) * NS).toString()), event(orderId, 't.paid', endNs.toString()));
          if (counted) completions.push({ stage: 0, endMs: Number(endNs / NS), durNs: BigInt(durMs) * NS });
        };
        complete(BigInt(fromMs) * NS - 1n, 4 * MIN, false);
        complete(BigInt(fromMs) * NS, 3 * MIN, true);
        complete(BigInt(toMs) * NS - 1n, 12 * MIN, true);
        complete(BigInt(toMs) * NS, 5 * MIN, false);
        // First end before the window, a second one inside it: its completion is not in this window.
        const before = `ORD-${tag()}`;
        events.push(event(before, 't.created', at(fromMs - 20 * MIN)), event(before, 't.paid', at(fromMs - MIN)), event(before, 't.paid', at(fromMs + 5 * MIN)));
        // Ended before it started (events out of order): not a completion.
        const backwards = `ORD-${tag()}`;
        events.push(event(backwards, 't.paid', at(fromMs + 20 * MIN)), event(backwards, 't.created', at(fromMs + 25 * MIN)));
        await writeWithDuplicates(store, { spans: [], logs: [], events });

        const stats = await store.stats.stageStats(query({ fromMs, toMs, bucketMs }));
        const points = stats.stages[0]!.points;
        expect(points).toEqual(expectedPoints(completions, 0, bucketMs));
        expect(points.map((p) => p.tMs)).toEqual([day, day + 60 * MIN]); // the first bucket starts before `from`
        expect(stats.stages.slice(1).map((s) => s.points)).toEqual([[], []]);
      });

      it('pairs a per-shipment stage per shipment.id (events without one count for every shipment) and a per-order stage once', async () => {
        const day = ownDay();
        const fromMs = day;
        const toMs = day + 2 * HOUR;
        const split = `ORD-${tag()}-split`;
        const single = `ORD-${tag()}-single`;
        const paidMs = fromMs + 10 * MIN;
        const events = [
          event(split, 't.created', at(fromMs + MIN)),
          event(split, 't.paid', at(paidMs)),
          event(split, 't.packed', at(paidMs + 5 * MIN), { 'shipment.id': 'S1' }),
          event(split, 't.packed', at(paidMs + 41 * MIN), { 'shipment.id': 'S2' }),
          event(split, 't.label', at(paidMs + 2 * MIN), { 'shipment.id': 'S3' }), // S3 never packed: no completion
          event(single, 't.created', at(fromMs + 2 * MIN)),
          event(single, 't.paid', at(fromMs + 4 * MIN)),
          event(single, 't.packed', at(fromMs + 64 * MIN)),
        ];
        await writeWithDuplicates(store, { spans: [], logs: [], events });
        const completions: Completion[] = [
          { stage: 0, endMs: paidMs, durNs: BigInt(9 * MIN) * NS },
          { stage: 0, endMs: fromMs + 4 * MIN, durNs: BigInt(2 * MIN) * NS },
          { stage: 1, endMs: paidMs + 5 * MIN, durNs: BigInt(5 * MIN) * NS },
          { stage: 1, endMs: paidMs + 41 * MIN, durNs: BigInt(41 * MIN) * NS },
          { stage: 1, endMs: fromMs + 64 * MIN, durNs: BigInt(60 * MIN) * NS },
        ];
        const stats = await store.stats.stageStats(query({ fromMs, toMs }));
        expect(stats.stages.map((s) => s.points)).toEqual([0, 1, 2].map((k) => expectedPoints(completions, k, HOUR)));
      });
    });

    describe('throughput', () => {
      it('counts spans and errors per service and bucket of start time, order events and logs per bucket, each record once', async () => {
        const day = ownDay();
        const fromMs = day + 15 * MIN;
        const toMs = day + 3 * HOUR;
        const bucketMs = HOUR;
        const names = { big: `svc-big-${tag()}`, a: `svc-a-${tag()}`, b: `svc-b-${tag()}` };
        const spans: Span[] = [];
        const add = (service: string, offsetMs: number, error = false) => spans.push(span({ service, startNs: BigInt(fromMs + offsetMs) * NS + 17n, durNs: 5n * NS, error }));
        for (let i = 0; i < 9; i++) add(names.big, i * 17 * MIN, i % 4 === 0);
        for (let i = 0; i < 4; i++) add(names.a, i * 31 * MIN, i === 3);
        for (let i = 0; i < 4; i++) add(names.b, 50 * MIN + i * 11 * MIN);
        const outside = [
          span({ service: names.a, startNs: BigInt(fromMs) * NS - 1n, durNs: NS }),
          span({ service: names.b, startNs: BigInt(toMs) * NS, durNs: NS }),
        ];
        const order = `ORD-${tag()}`;
        const events = [0, 20 * MIN, 70 * MIN, 150 * MIN].map((offset, i) => event(order, `t.step${i}`, at(fromMs + offset)));
        const eventsOutside = [event(order, 't.before', (BigInt(fromMs) * NS - 1n).toString()), event(order, 't.after', at(toMs))];
        const logTimes = [MIN, 2 * MIN, 61 * MIN, 100 * MIN, 101 * MIN];
        const logs = logTimes.map((offset) => logRecord({ service: names.a, timeUnixNano: at(fromMs + offset), observedTimeUnixNano: at(fromMs + offset) }));
        const logsOutside = [logRecord({ service: names.a, timeUnixNano: at(toMs), observedTimeUnixNano: at(toMs) })];
        await writeWithDuplicates(store, { spans: [...spans, ...outside], logs: [...logs, ...logsOutside], events: [...events, ...eventsOutside] });

        const perBucket = (times: number[]) => {
          const counts = new Map<number, number>();
          for (const t of times) counts.set(bucketOf(t, bucketMs), (counts.get(bucketOf(t, bucketMs)) ?? 0) + 1);
          return [...counts].sort(([a], [b]) => a - b).map(([tMs, count]) => ({ tMs, count }));
        };
        const serviceOf = (service: string) => {
          const own = spans.filter((s) => s.service === service);
          const points = perBucket(own.map((s) => Number(BigInt(s.startTimeUnixNano) / NS))).map(({ tMs, count }) => ({
            tMs,
            spans: count,
            errors: own.filter((s) => s.status.code === 2 && bucketOf(Number(BigInt(s.startTimeUnixNano) / NS), bucketMs) === tMs).length,
          }));
          return { service, total: own.length, points };
        };
        // By total descending, then name: big (9), then a and b (4 each) by name.
        const serviceOrder = [names.big, ...[names.a, names.b].sort()];
        expect(await store.stats.throughput(query({ fromMs, toMs, bucketMs }))).toEqual({
          fromMs,
          toMs,
          bucketMs,
          services: serviceOrder.map(serviceOf),
          events: perBucket(events.map((e) => Number(BigInt(e.timeUnixNano) / NS))),
          logs: perBucket(logs.map((l) => Number(BigInt(l.timeUnixNano) / NS))),
        });
      });
    });

    describe('order health index', () => {
      it('counts the orders whose first event is in the window, healthy unless a stage is breached as of nowMs', async () => {
        const day = ownDay();
        const fromMs = day + HOUR;
        const toMs = day + 3 * HOUR;
        const nowMs = day + 5 * HOUR;
        // Each scenario says which stages it starts and breaches; the expected counts are summed from that.
        const scenarios: Array<{ what: string; inPopulation: boolean; started: string[]; breached: string[]; events: (o: string) => OrderEvent[] }> = [
          {
            what: 'paid and packed in time',
            inPopulation: true,
            started: ['pay', 'pack'],
            breached: [],
            events: (o) => [event(o, 't.created', at(fromMs)), event(o, 't.paid', at(fromMs + 9 * MIN)), event(o, 't.packed', at(fromMs + 38 * MIN))],
          },
          {
            what: 'paid late, packed in time',
            inPopulation: true,
            started: ['pay', 'pack'],
            breached: ['pay'],
            events: (o) => [event(o, 't.created', at(fromMs + MIN)), event(o, 't.paid', at(fromMs + 12 * MIN)), event(o, 't.packed', at(fromMs + 22 * MIN))],
          },
          { what: 'open past due at now', inPopulation: true, started: ['pay'], breached: ['pay'], events: (o) => [event(o, 't.created', at(toMs - MIN))] },
          {
            what: 'open, not yet due at now (started after the window)',
            inPopulation: true,
            started: ['pay'],
            breached: [],
            events: (o) => [event(o, 't.other', at(fromMs + MIN)), event(o, 't.created', at(nowMs - 9 * MIN))],
          },
          { what: 'failed (failOn) long ago', inPopulation: true, started: ['pay'], breached: [], events: (o) => [event(o, 't.created', at(fromMs + 2 * MIN)), event(o, 't.pay_failed', at(fromMs + 50 * MIN))] },
          { what: 'cancelled while open', inPopulation: true, started: ['pay'], breached: [], events: (o) => [event(o, 't.created', at(fromMs + 3 * MIN)), event(o, CANCELLED, at(fromMs + 4 * HOUR))] },
          {
            what: 'cancelled, but a return-flow stage is overdue (cancellation ends the forward flow only)',
            inPopulation: true,
            started: ['pay', 'refund'],
            breached: ['refund'],
            events: (o) => [event(o, 't.created', at(fromMs + 5 * MIN)), event(o, CANCELLED, at(fromMs + 6 * MIN)), event(o, 't.returned', at(fromMs + 7 * MIN))],
          },
          { what: 'refund denied', inPopulation: true, started: ['refund'], breached: [], events: (o) => [event(o, 't.returned', at(fromMs + 7 * MIN)), event(o, 't.refund_void', at(fromMs + 2 * HOUR))] },
          {
            what: 'one of two shipments packed late',
            inPopulation: true,
            started: ['pay', 'pack'],
            breached: ['pack'],
            events: (o) => [
              event(o, 't.created', at(fromMs + 10 * MIN)),
              event(o, 't.paid', at(fromMs + 12 * MIN)),
              event(o, 't.packed', at(fromMs + 20 * MIN), { 'shipment.id': 'S1' }),
              event(o, 't.packed', at(fromMs + 50 * MIN), { 'shipment.id': 'S2' }),
            ],
          },
          {
            what: 'one shipment packed in time, the other never (open past due)',
            inPopulation: true,
            started: ['pay', 'pack'],
            breached: ['pack'],
            events: (o) => [
              event(o, 't.created', at(fromMs + 10 * MIN)),
              event(o, 't.paid', at(fromMs + 12 * MIN), { 'shipment.id': 'S1' }),
              event(o, 't.paid', at(fromMs + 13 * MIN), { 'shipment.id': 'S2' }),
              event(o, 't.packed', at(fromMs + 20 * MIN), { 'shipment.id': 'S1' }),
            ],
          },
          { what: 'first event exactly at from', inPopulation: true, started: [], breached: [], events: (o) => [event(o, 't.other', at(fromMs))] },
          { what: 'first event before from', inPopulation: false, started: [], breached: [], events: (o) => [event(o, 't.other', (BigInt(fromMs) * NS - 1n).toString()), event(o, 't.created', at(fromMs + MIN))] },
          { what: 'first event at to', inPopulation: false, started: [], breached: [], events: (o) => [event(o, 't.created', at(toMs))] },
        ];
        const events = scenarios.flatMap((s, i) => s.events(`ORD-${tag()}-${i}`));
        await writeWithDuplicates(store, { spans: [], logs: [], events });

        const population = scenarios.filter((s) => s.inPopulation);
        const orders = population.length;
        const healthy = population.filter((s) => s.breached.length === 0).length;
        expect(await store.stats.orderHealth(query({ fromMs, toMs, nowMs }))).toEqual({
          fromMs,
          toMs,
          nowMs,
          orders,
          healthy,
          index: healthy / orders,
          stages: CATALOG.map((def) => ({
            stageId: def.id,
            title: def.title,
            started: population.filter((s) => s.started.includes(def.id)).length,
            breached: population.filter((s) => s.breached.includes(def.id)).length,
          })),
        });
        // Later, the orders still open are past due too.
        const later = await store.stats.orderHealth(query({ fromMs, toMs, nowMs: nowMs + HOUR }));
        expect(later.stages[0]!.breached).toBe(population.filter((s) => s.breached.includes('pay')).length + 1);
      });
    });

    describe('dependencies', () => {
      it('links a span to its parent’s service (a CONSUMER to its PRODUCER too), never to its own service; errors and p95 of the child spans', async () => {
        const day = ownDay();
        const fromMs = day + 2 * HOUR;
        const toMs = day + 3 * HOUR;
        const svc = { web: `web-${tag()}`, api: `api-${tag()}`, db: `db-${tag()}`, queue: `orders-${tag()}`, billing: `billing-${tag()}` };
        const t = (offsetMs: number) => BigInt(fromMs + offsetMs) * NS;
        const spans: Span[] = [];
        const child = (parent: Span, service: string, offsetMs: number, durNs: bigint, o: { error?: boolean; kind?: number } = {}) => {
          const s = span({ service, traceId: parent.traceId, parentSpanId: parent.spanId, startNs: t(offsetMs), durNs, ...o });
          spans.push(s);
          return s;
        };
        for (let i = 0; i < 6; i++) {
          // Some roots and callees of unspecified kind (0), which changes nothing.
          const root = span({ service: svc.web, startNs: t(i * 5 * MIN), durNs: 900n * NS, ...(i % 2 === 0 ? { kind: 0 } : {}) });
          spans.push(root);
          const api = child(root, svc.api, i * 5 * MIN + 10, BigInt(100 + i * 37) * NS + 123n, { error: i === 4, ...(i === 3 ? { kind: 0 } : {}) });
          child(api, svc.api, i * 5 * MIN + 20, 3n * NS); // same service: no edge
          child(api, svc.db, i * 5 * MIN + 30, BigInt(5 + i) * NS, { error: i % 2 === 0, kind: 3 });
          if (i < 3) {
            const producer = child(api, svc.queue, i * 5 * MIN + 40, NS, { kind: 4 });
            child(producer, svc.billing, i * 5 * MIN + 40 * SEC, BigInt(700 + i) * NS, { kind: 5 });
          }
        }
        // A caller that started before the window (within the parent margin) still makes the call an edge.
        const earlyRoot = span({ service: svc.web, startNs: t(-20 * MIN), durNs: BigInt(30 * MIN) * NS });
        spans.push(earlyRoot);
        child(earlyRoot, svc.api, 20 * SEC, 2_000n * NS);
        // Outside the window (the child starts at `to`): neither a node's span nor an edge.
        const late = span({ service: svc.web, startNs: t(59 * MIN), durNs: 2n * NS });
        spans.push(late);
        const lateChild = span({ service: svc.db, traceId: late.traceId, parentSpanId: late.spanId, startNs: BigInt(toMs) * NS, durNs: NS });
        await writeWithDuplicates(store, { spans: [...spans, lateChild], logs: [], events: [] });

        const inWindow = spans.filter((s) => BigInt(s.startTimeUnixNano) >= BigInt(fromMs) * NS);
        const byId = new Map([...spans, lateChild].map((s) => [`${s.traceId}/${s.spanId}`, s]));
        const edges = new Map<string, Span[]>();
        for (const s of inWindow) {
          const parent = byId.get(`${s.traceId}/${s.parentSpanId}`);
          if (!parent || parent.service === s.service) continue;
          const key = JSON.stringify([parent.service, s.service]);
          edges.set(key, [...(edges.get(key) ?? []), s]);
        }
        const services = [...new Set(inWindow.map((s) => s.service))].sort();
        const expectedEdges = [...edges].map(([key, children]) => {
          const [source, target] = JSON.parse(key) as [string, string];
          const durations = children.map((c) => BigInt(c.endTimeUnixNano) - BigInt(c.startTimeUnixNano));
          return { source, target, calls: children.length, errors: children.filter((c) => c.status.code === 2).length, p95Ms: summary(durations).p95Ms };
        });
        expectedEdges.sort((a, b) => b.calls - a.calls || (a.source < b.source ? -1 : a.source > b.source ? 1 : a.target < b.target ? -1 : 1));
        const graph = await store.stats.dependencies(query({ fromMs, toMs }));
        expect(graph).toEqual({
          fromMs,
          toMs,
          nodes: services.map((service) => {
            const own = inWindow.filter((s) => s.service === service);
            return { service, spans: own.length, errors: own.filter((s) => s.status.code === 2).length };
          }),
          edges: expectedEdges,
        });
        expect(graph.edges.find((e) => e.source === svc.queue && e.target === svc.billing)?.calls).toBe(3);
        expect(graph.edges.some((e) => e.source === e.target)).toBe(false);
      });
    });

    it('answers an empty window with every catalog stage and nothing else', async () => {
      const day = ownDay();
      const q = query({ fromMs: day, toMs: day + DAY, nowMs: day + DAY });
      const window = { fromMs: q.fromMs, toMs: q.toMs };
      expect(await store.stats.stageStats(q)).toEqual({
        ...window,
        bucketMs: HOUR,
        stages: CATALOG.map((d) => ({ stageId: d.id, title: d.title, expectedMs: d.expectedMs, points: [] })),
      });
      expect(await store.stats.throughput(q)).toEqual({ ...window, bucketMs: HOUR, services: [], events: [], logs: [] });
      expect(await store.stats.orderHealth(q)).toEqual({
        ...window,
        nowMs: q.nowMs,
        orders: 0,
        healthy: 0,
        index: null,
        stages: CATALOG.map((d) => ({ stageId: d.id, title: d.title, started: 0, breached: 0 })),
      });
      expect(await store.stats.dependencies(q)).toEqual({ ...window, nodes: [], edges: [] });
      expect((await store.stats.stageStats({ ...q, stages: [] })).stages).toEqual([]);
    });

    it('rejects a window that is empty, reversed or cut into too many buckets', async () => {
      const day = ownDay();
      const bad = { code: 'OT_ERR_BAD_PARAMETER' };
      await expect(store.stats.throughput(query({ fromMs: day, toMs: day }))).rejects.toMatchObject(bad);
      await expect(store.stats.stageStats(query({ fromMs: day + 1, toMs: day }))).rejects.toMatchObject(bad);
      await expect(store.stats.orderHealth(query({ fromMs: day, toMs: day + DAY, bucketMs: 0 }))).rejects.toMatchObject(bad);
      await expect(store.stats.dependencies(query({ fromMs: day, toMs: day + DAY, bucketMs: MIN }))).rejects.toMatchObject(bad);
      await expect(store.stats.throughput(query({ fromMs: -1, toMs: day }))).rejects.toMatchObject(bad);
      await expect(store.stats.throughput(query({ fromMs: day, toMs: day + 0.5 }))).rejects.toMatchObject(bad);
    });
  });
}
