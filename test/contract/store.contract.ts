// The Store contract: every implementation (embedded SQLite, ClickHouse 18.16 and current versions)
// runs this suite. Written so it holds for an eventually-merging backend and a shared database:
// - nothing relies on insert-time de-duplication: duplicates are written and must be invisible;
// - every test uses its own random IDs, service names and a random one-second time window within the
//   last day, so other tests' (or other runs') data never matches its queries;
// - order among records with equal timestamps is not asserted, only that pagination visits each once.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attributes, LogRecord, OrderEvent, Span } from '../../core/model.ts';
import type { EventListQuery, LogQuery, Page, SpanQuery, Store } from '../../core/store/store.ts';

export interface StoreFactory {
  /** A ready (initialised) store; may share its database with stores created before. */
  create(keyAttributes: string[]): Promise<Store>;
  /** Called once after the suite, after the stores it created were closed. */
  cleanup(): Promise<void>;
}

export const CONTRACT_KEY_ATTRIBUTES = ['return.id', 'payment.reference', 'shipment.id'];

const MS = 1_000_000n;
const SECOND = 1_000_000_000n;
const DAY_MS = 86_400_000;

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function tag(): string {
  return hex(5);
}

/** A random one-second window start within the last ~20 hours, with sub-ms digits. */
function windowStart(ageMs?: number): bigint {
  const age = ageMs ?? 3_600_000 + Math.floor(Math.random() * 20 * 3_600_000);
  return BigInt(Date.now() - age) * MS + BigInt(Math.floor(Math.random() * 1_000_000));
}

function resourceOf(service: string, extra: Attributes = {}): Span['resource'] {
  return { attributes: { 'service.name': service, ...extra }, droppedAttributesCount: 0 };
}

function makeSpan(o: { service: string; start: bigint; durNs?: bigint } & Partial<Omit<Span, 'service'>>): Span {
  const { start, durNs, ...rest } = o;
  return {
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: '',
    traceState: '',
    name: 'operation',
    kind: 2,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + (durNs ?? 1_000_000n)).toString(),
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: 1,
    resource: resourceOf(o.service),
    scope: { name: 'contract', version: '1.0.0', attributes: {}, droppedAttributesCount: 0 },
    orderId: '',
    ...rest,
  };
}

function makeLog(o: { service: string; time: bigint } & Partial<Omit<LogRecord, 'service'>>): LogRecord {
  const { time, ...rest } = o;
  return {
    logId: hex(16),
    timeUnixNano: time.toString(),
    observedTimeUnixNano: (time + 5n).toString(),
    severityNumber: 9,
    severityText: 'INFO',
    body: 'log line',
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    resource: resourceOf(o.service),
    scope: { name: 'contract', version: '1.0.0', attributes: {}, droppedAttributesCount: 0 },
    orderId: '',
    ...rest,
  };
}

function makeEvent(o: { orderId: string; time: bigint } & Partial<OrderEvent>): OrderEvent {
  const { time, ...rest } = o;
  return {
    eventId: hex(12),
    type: 'order.created',
    system: 'shop',
    timeUnixNano: time.toString(),
    status: '',
    traceId: '',
    spanId: '',
    source: 'api',
    attributes: {},
    ...rest,
  };
}

/** Walks every page of a search; asserts page sizes and newest-first order across pages. */
async function walk<T>(search: (cursor: string | undefined) => Promise<Page<T>>, limit: number, timeOf: (item: T) => string) {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await search(cursor);
    pages++;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (page.nextCursor === null) break;
    expect(page.items.length).toBe(limit);
    cursor = page.nextCursor;
    if (pages > 1000) throw new Error('pagination does not end');
  }
  for (let i = 1; i < items.length; i++) {
    expect(BigInt(timeOf(items[i - 1]!)) >= BigInt(timeOf(items[i]!))).toBe(true);
  }
  return { items, pages };
}

const ids = (spans: Span[]) => spans.map((s) => s.spanId);
const sorted = (values: string[]) => [...values].sort();

export function storeContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await factory.create(CONTRACT_KEY_ATTRIBUTES);
    });

    afterAll(async () => {
      await store?.close();
      await factory.cleanup();
    });

    it('init is idempotent and an empty batch is a no-op', async () => {
      await store.init();
      await store.init();
      await store.write({});
      await store.write({ spans: [], logs: [], events: [] });
    });

    it('round-trips a span exactly: every AnyValue kind, events, links, status, resource, scope, ns > 2^53', async () => {
      const service = `svc-${tag()}`;
      const start = windowStart();
      const weird: Attributes = {
        str: 'héllo "quoted" \\ back\nline ✓ 🚚',
        empty: '',
        int: { int: '9007199254740993' },
        negInt: { int: '-9223372036854775808' },
        maxInt: { int: '9223372036854775807' },
        double: 3.25,
        wholeDouble: 2,
        negDouble: -0.000125,
        yes: true,
        no: false,
        bytes: { bytes: 'AAEC/w==' },
        array: ['a', { int: '1' }, 1.5, true, null, ['nested'], { kv: { k: 'v' } }],
        emptyArray: [],
        kv: { kv: { inner: 'x', deep: { kv: { n: { int: '7' } } } } },
        emptyKv: { kv: {} },
        nothing: null,
        'dotted.key with space': 'v',
      };
      Object.defineProperty(weird, '__proto__', { value: 'proto-value', enumerable: true, writable: true, configurable: true });
      const traceId = hex(16);
      const span = makeSpan({
        service,
        start,
        durNs: 1_234_567_891n,
        traceId,
        parentSpanId: hex(8),
        traceState: 'vendor=a,other=b',
        name: 'POST /orders',
        kind: 3,
        attributes: weird,
        droppedAttributesCount: 3,
        events: [
          { timeUnixNano: (start + 1n).toString(), name: 'retry', attributes: { attempt: { int: '2' } }, droppedAttributesCount: 1 },
          { timeUnixNano: (start + 2n).toString(), name: 'empty', attributes: {}, droppedAttributesCount: 0 },
        ],
        droppedEventsCount: 4,
        links: [{ traceId: hex(16), spanId: hex(8), traceState: 'k=v', attributes: { link: 'x' }, droppedAttributesCount: 2, flags: 257 }],
        droppedLinksCount: 5,
        status: { code: 2, message: 'payment declined: "insufficient funds"' },
        flags: 769,
        resource: { attributes: { 'service.name': service, 'host.name': 'node-1', pid: { int: '4242' }, weird: { kv: { a: [1, 2] } } }, droppedAttributesCount: 6 },
        scope: { name: 'io.ordertrace.test', version: '2.1.0', attributes: { 'scope.attr': true }, droppedAttributesCount: 7 },
        orderId: `ORD-${tag()}`,
      });
      expect(BigInt(span.startTimeUnixNano) > 2n ** 53n).toBe(true);
      await store.write({ spans: [span] });

      const trace = await store.getTrace(traceId);
      expect(trace).not.toBeNull();
      expect(trace!.traceId).toBe(traceId);
      expect(trace!.logs).toEqual([]);
      expect(trace!.spans).toHaveLength(1);
      expect(trace!.spans[0]).toStrictEqual(span);
      expect(trace!.spans[0]!.startTimeUnixNano).toBe(span.startTimeUnixNano);
      expect(trace!.spans[0]!.endTimeUnixNano).toBe(span.endTimeUnixNano);

      const page = await store.searchSpans({ service, fromNs: start.toString(), toNs: (start + SECOND).toString(), limit: 10 });
      expect(page.items).toStrictEqual([span]);
      expect(page.nextCursor).toBeNull();
    });

    it('round-trips log records exactly', async () => {
      const service = `svc-${tag()}`;
      const time = windowStart();
      const traceId = hex(16);
      const spanId = hex(8);
      const structured = makeLog({
        service,
        time,
        traceId,
        spanId,
        severityNumber: 17,
        severityText: 'ERROR',
        body: { kv: { message: 'deduction failed', sku: 'SKU-1', qty: { int: '9007199254740993' }, tags: ['a', 'b'] } },
        attributes: { 'exception.type': 'StockError', retryable: false, ratio: 0.25, raw: { bytes: 'AQID' } },
        droppedAttributesCount: 1,
        flags: 1,
        eventName: 'inventory.lock_failed',
        resource: { attributes: { 'service.name': service, region: 'eu-1' }, droppedAttributesCount: 2 },
        scope: { name: 'logger', version: '', attributes: { x: { int: '1' } }, droppedAttributesCount: 0 },
        orderId: `ORD-${tag()}`,
      });
      const plain = makeLog({ service, time: time + 1_000n, traceId, spanId, body: 'plain text ✓', observedTimeUnixNano: '0' });
      await store.write({ logs: [plain, structured] });

      const trace = await store.getTrace(traceId);
      expect(trace).not.toBeNull();
      expect(trace!.spans).toEqual([]);
      expect(trace!.logs).toStrictEqual([structured, plain]);

      const byTrace = await store.searchLogs({ traceId, limit: 10 });
      expect(byTrace.items).toStrictEqual([plain, structured]);
      const bySpan = await store.searchLogs({ spanId, service, limit: 10 });
      expect(bySpan.items).toStrictEqual([plain, structured]);
    });

    it('shows a span, log and event written twice (same batch and separate batches) once everywhere', async () => {
      const service = `svc-${tag()}`;
      const start = windowStart();
      const orderId = `ORD-${tag()}`;
      const traceId = hex(16);
      const a = makeSpan({ service, start, traceId, orderId, name: 'a', attributes: { 'order.id': orderId } });
      const b = makeSpan({ service, start: start + 10n * MS, traceId, orderId, name: 'b', parentSpanId: a.spanId });
      const log = makeLog({ service, time: start + 5n * MS, traceId, spanId: a.spanId, orderId, body: 'dup log' });
      const untraced = makeLog({ service, time: start + 6n * MS, orderId, body: 'untraced dup log' });
      const event = makeEvent({ orderId, time: start, traceId, spanId: a.spanId, type: 'payment.succeeded', source: 'span' });
      await store.write({ spans: [a, a, b], logs: [log, log, untraced], events: [event, event] });
      await store.write({ spans: [b, a], logs: [untraced, log], events: [event] });
      await store.write({ spans: [a] });

      const trace = await store.getTrace(traceId);
      expect(sorted(ids(trace!.spans))).toEqual(sorted([a.spanId, b.spanId]));
      expect(trace!.spans).toStrictEqual([a, b]);
      expect(trace!.logs).toStrictEqual([log]);

      const order = await store.getOrder(orderId);
      expect(order).not.toBeNull();
      expect(order!.traceIds).toEqual([traceId]);
      expect(order!.events).toStrictEqual([event]);
      expect(order!.spans).toStrictEqual([a, b]);
      expect(order!.logs).toStrictEqual([log, untraced]);

      const window = { service, fromNs: start.toString(), toNs: (start + SECOND).toString() };
      const spans = await store.searchSpans({ ...window, limit: 100 });
      expect(spans.items).toStrictEqual([b, a]);
      expect(spans.nextCursor).toBeNull();
      const walked = await walk((cursor) => store.searchSpans({ ...window, limit: 1, cursor }), 1, (s) => s.startTimeUnixNano);
      expect(ids(walked.items)).toEqual([b.spanId, a.spanId]);
      expect(walked.pages).toBe(2);

      const logs = await store.searchLogs({ ...window, limit: 100 });
      expect(logs.items).toStrictEqual([untraced, log]);
      const walkedLogs = await walk((cursor) => store.searchLogs({ ...window, limit: 1, cursor }), 1, (l) => l.timeUnixNano);
      expect(walkedLogs.items.map((l) => l.logId)).toEqual([untraced.logId, log.logId]);
      expect((await store.searchLogs({ ...window, q: 'DUP LOG', limit: 100 })).items).toHaveLength(2);
      expect((await store.searchLogs({ traceId, limit: 100 })).items).toStrictEqual([log]);
    });

    it('returns an order’s events in time order, ties broken by eventId', async () => {
      const orderId = `ORD-${tag()}`;
      const t = windowStart();
      const e1 = makeEvent({ orderId, time: t, type: 'order.created' });
      const e2 = makeEvent({ orderId, time: t + 60n * SECOND, type: 'payment.succeeded', eventId: `b-${tag()}` });
      const e3 = makeEvent({ orderId, time: t + 60n * SECOND, type: 'inventory.locked', eventId: `a-${tag()}` });
      const e4 = makeEvent({ orderId, time: t + 3_600n * SECOND, type: 'package.packed', status: 'packed', attributes: { 'shipment.id': `SH-${tag()}` } });
      await store.write({ events: [e4, e2] });
      await store.write({ events: [e3, e1] });
      const order = await store.getOrder(orderId);
      expect(order).not.toBeNull();
      expect(order!.events).toStrictEqual([e1, e3, e2, e4]);
      expect(order!.traceIds).toEqual([]);
      expect(order!.spans).toEqual([]);
      expect(order!.logs).toEqual([]);
    });

    it('lists events oldest first across orders and days (ties by eventId), once each, by window, order and cursor', async () => {
      // ~47 h and ~23 h ago: no other test writes events between 22 h and 5 days ago.
      const t = windowStart(47 * 3_600_000);
      const nextDay = t + 86_400n * SECOND;
      const orderA = `ORD-${tag()}`;
      const orderB = `ORD-${tag()}`;
      const a1 = makeEvent({ orderId: orderA, time: t });
      const b1 = makeEvent({ orderId: orderB, time: t + MS, eventId: `b-${tag()}`, type: 'payment.succeeded' });
      const a2 = makeEvent({ orderId: orderA, time: t + MS, eventId: `a-${tag()}`, type: 'payment.succeeded' });
      const b2 = makeEvent({ orderId: orderB, time: nextDay, type: 'package.packed', attributes: { 'shipment.id': `SH-${tag()}` } });
      const a3 = makeEvent({ orderId: orderA, time: nextDay + 5n * MS, type: 'order.cancelled' });
      await store.write({ events: [b2, a1, b1, a1] });
      await store.write({ events: [a3, a2, b1, b2] });
      const all = [a1, a2, b1, b2, a3];
      const window = { fromNs: t.toString(), toNs: (nextDay + SECOND).toString() };

      expect((await store.listEvents({ ...window, limit: 100 })).items).toStrictEqual(all);
      expect(await store.listEvents({ ...window, limit: 100 })).toMatchObject({ nextCursor: null });
      expect((await store.listEvents({ ...window, orderId: orderA, limit: 100 })).items).toStrictEqual([a1, a2, a3]);
      expect((await store.listEvents({ orderId: orderB, limit: 100 })).items).toStrictEqual([b1, b2]);
      expect((await store.listEvents({ fromNs: a2.timeUnixNano, toNs: b2.timeUnixNano, limit: 100 })).items).toStrictEqual([a2, b1]);
      expect((await store.listEvents({ fromNs: b2.timeUnixNano, toNs: window.toNs, limit: 100 })).items).toStrictEqual([b2, a3]);
      expect((await store.listEvents({ fromNs: a1.timeUnixNano, toNs: a1.timeUnixNano, limit: 100 })).items).toEqual([]);

      const pages = async (query: Omit<EventListQuery, 'limit' | 'cursor'>, limit: number) => {
        const items: OrderEvent[] = [];
        let cursor: string | undefined;
        let count = 0;
        do {
          const page = await store.listEvents({ ...query, limit, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          items.push(...page.items);
          cursor = page.nextCursor ?? undefined;
          if (++count > 100) throw new Error('pagination does not end');
        } while (cursor);
        return { items, count };
      };
      for (const limit of [1, 2, 3, 5]) {
        const walked = await pages(window, limit);
        expect(walked.items).toStrictEqual(all);
        expect(walked.count).toBe(Math.ceil(all.length / limit));
      }
      expect((await pages({ ...window, orderId: orderA }, 1)).items).toStrictEqual([a1, a2, a3]);
      await expect(store.listEvents({ limit: 10, cursor: 'not a cursor' })).rejects.toMatchObject({ code: 'OT_ERR_BAD_PARAMETER' });
      await expect(store.listEvents({ limit: 10, fromNs: 'yesterday' })).rejects.toMatchObject({ code: 'OT_ERR_BAD_PARAMETER' });
    });

    it('resolves order IDs, configured business keys and trace IDs to the order; unknown keys to null', async () => {
      const t = windowStart();
      const service = `svc-${tag()}`;
      const orderA = `ORD-${tag()}`;
      const orderB = `ORD-${tag()}`;
      const orderC = `ORD-${tag()}`;
      const returnId = `RET-${tag()}`;
      const shipmentId = `SH-${tag()}`;
      const paymentRef = `PAY-${tag()}`;
      const eventShipment = `SH-${tag()}`;
      const numericReturn = String(1e12 + Math.floor(Math.random() * 1e9));
      const unconfigured = `X-${tag()}`;
      const traceA = hex(16);
      const traceB = hex(16);
      const traceNoOrder = hex(16);
      await store.write({
        spans: [
          makeSpan({ service, start: t, traceId: traceA, orderId: orderA, attributes: { 'order.id': orderA, 'return.id': returnId, 'other.key': unconfigured } }),
          makeSpan({
            service,
            start: t + MS,
            traceId: traceA,
            orderId: orderA,
            resource: resourceOf(service, { 'shipment.id': shipmentId }),
          }),
          makeSpan({ service, start: t + 2n * MS, traceId: traceNoOrder }),
        ],
      });
      await store.write({
        logs: [makeLog({ service, time: t, traceId: traceB, orderId: orderB, attributes: { 'payment.reference': paymentRef } })],
      });
      await store.write({
        events: [
          makeEvent({ orderId: orderC, time: t, attributes: { 'shipment.id': eventShipment } }),
          makeEvent({ orderId: orderC, time: t + MS, attributes: { 'return.id': numericReturn } }),
        ],
      });

      expect(await store.resolveOrderKey(orderA)).toBe(orderA);
      expect(await store.resolveOrderKey(orderB)).toBe(orderB);
      expect(await store.resolveOrderKey(orderC)).toBe(orderC);
      expect(await store.resolveOrderKey(returnId)).toBe(orderA);
      expect(await store.resolveOrderKey(shipmentId)).toBe(orderA);
      expect(await store.resolveOrderKey(traceA)).toBe(orderA);
      expect(await store.resolveOrderKey(paymentRef)).toBe(orderB);
      expect(await store.resolveOrderKey(traceB)).toBe(orderB);
      expect(await store.resolveOrderKey(eventShipment)).toBe(orderC);
      expect(await store.resolveOrderKey(numericReturn)).toBe(orderC);

      expect(await store.resolveOrderKey(unconfigured)).toBeNull();
      expect(await store.resolveOrderKey(traceNoOrder)).toBeNull();
      expect(await store.resolveOrderKey(`ORD-${tag()}`)).toBeNull();
      expect(await store.resolveOrderKey('')).toBeNull();
      expect(await store.getOrder(`ORD-${tag()}`)).toBeNull();
      expect(await store.getTrace(hex(16))).toBeNull();
      expect(await store.getTrace(traceNoOrder)).not.toBeNull();
    });

    it('collects all traces of an order with their spans and logs, plus untraced logs carrying the order ID', async () => {
      const service = `svc-${tag()}`;
      const t = windowStart();
      const orderId = `ORD-${tag()}`;
      const otherOrder = `ORD-${tag()}`;
      const checkout = hex(16);
      const fulfilment = hex(16);
      const s1 = makeSpan({ service, start: t, traceId: checkout, orderId, name: 'checkout' });
      const s2 = makeSpan({ service, start: t + SECOND, traceId: checkout, name: 'db query (no order.id)' });
      const s3 = makeSpan({ service, start: t + 7_200n * SECOND, traceId: fulfilment, orderId, name: 'pack' });
      const s4 = makeSpan({ service, start: t + 7_300n * SECOND, traceId: fulfilment, name: 'label' });
      const other = makeSpan({ service, start: t + 2n * SECOND, traceId: hex(16), orderId: otherOrder, name: 'other order' });
      const l1 = makeLog({ service, time: t + 500n * MS, traceId: checkout, spanId: s2.spanId, body: 'in trace, no order.id' });
      const l2 = makeLog({ service, time: t + 3_600n * SECOND, orderId, body: 'untraced, order.id' });
      const l3 = makeLog({ service, time: t + 3_600n * SECOND, orderId: otherOrder, body: 'other order' });
      const e = makeEvent({ orderId, time: t, traceId: checkout, spanId: s1.spanId });
      await store.write({ spans: [s3, other, s1], logs: [l3] });
      await store.write({ spans: [s4, s2], logs: [l2, l1], events: [e] });

      const order = await store.getOrder(orderId);
      expect(order).not.toBeNull();
      expect(order!.orderId).toBe(orderId);
      expect(sorted(order!.traceIds)).toEqual(sorted([checkout, fulfilment]));
      expect(order!.spans).toStrictEqual([s1, s2, s3, s4]);
      expect(order!.logs).toStrictEqual([l1, l2]);
      expect(order!.events).toStrictEqual([e]);

      const trace = await store.getTrace(fulfilment);
      expect(trace!.spans).toStrictEqual([s3, s4]);
    });

    describe('searchSpans', () => {
      const S = `svc-${tag()}`;
      const S2 = `svc-${tag()}`;
      const env = `prod-${tag()}`;
      const base = windowStart();
      const window = { fromNs: base.toString(), toNs: (base + SECOND).toString() };
      const s1 = makeSpan({
        service: S,
        start: base + 100n,
        durNs: 5n * MS,
        name: 'checkout',
        status: { code: 1, message: '' },
        attributes: { 'http.status_code': { int: '200' }, retry: true },
      });
      const s2 = makeSpan({
        service: S,
        start: base + 200n,
        durNs: 50n * MS,
        name: 'pay',
        status: { code: 2, message: 'declined' },
        attributes: { 'http.status_code': { int: '500' }, big: { int: '9007199254740993' }, note: 'say "hi"' },
      });
      const s3 = makeSpan({
        service: S2,
        start: base + 300n,
        durNs: 500n * MS,
        name: 'checkout',
        resource: resourceOf(S2, { 'deployment.environment': env }),
      });
      const s4 = makeSpan({
        service: S2,
        start: base + 400n,
        durNs: 5n * SECOND,
        name: 'pack',
        status: { code: 2, message: '' },
        attributes: { ratio: 0.5, 'deployment.environment': 'attr-not-resource' },
      });
      const outside = makeSpan({ service: S, start: base + SECOND, name: 'checkout', status: { code: 2, message: '' } });
      const search = async (q: Partial<SpanQuery>) => ids((await store.searchSpans({ limit: 100, ...q })).items);

      beforeAll(async () => {
        await store.write({ spans: [s3, s1, outside] });
        await store.write({ spans: [s2, s4] });
      });

      it('filters by service alone, newest first', async () => {
        expect(await search({ service: S })).toEqual([outside.spanId, s2.spanId, s1.spanId]);
        expect(await search({ service: S2 })).toEqual([s4.spanId, s3.spanId]);
        expect(await search({ service: `svc-${tag()}` })).toEqual([]);
      });

      it('filters by name and by status within a time window', async () => {
        expect(await search({ ...window, name: 'checkout' })).toEqual([s3.spanId, s1.spanId]);
        expect(await search({ ...window, status: 'error' })).toEqual([s4.spanId, s2.spanId]);
        expect(await search({ ...window, status: 'ok' })).toEqual([s1.spanId]);
        expect(await search({ ...window, status: 'unset' })).toEqual([s3.spanId]);
      });

      it('filters by duration, bounds inclusive', async () => {
        expect(await search({ ...window, minDurationNs: String(50n * MS) })).toEqual([s4.spanId, s3.spanId, s2.spanId]);
        expect(await search({ ...window, maxDurationNs: String(50n * MS) })).toEqual([s2.spanId, s1.spanId]);
        expect(await search({ ...window, minDurationNs: String(50n * MS), maxDurationNs: String(500n * MS) })).toEqual([
          s3.spanId,
          s2.spanId,
        ]);
        expect(await search({ ...window, minDurationNs: String(50n * MS + 1n), maxDurationNs: String(500n * MS - 1n) })).toEqual([]);
      });

      it('filters by span and resource attributes in their string form', async () => {
        expect(await search({ ...window, attributes: { 'http.status_code': '500' } })).toEqual([s2.spanId]);
        expect(await search({ ...window, attributes: { 'http.status_code': '50' } })).toEqual([]);
        expect(await search({ ...window, attributes: { big: '9007199254740993' } })).toEqual([s2.spanId]);
        expect(await search({ ...window, attributes: { big: '9007199254740992' } })).toEqual([]);
        expect(await search({ ...window, attributes: { retry: 'true' } })).toEqual([s1.spanId]);
        expect(await search({ ...window, attributes: { retry: 'false' } })).toEqual([]);
        expect(await search({ ...window, attributes: { ratio: '0.5' } })).toEqual([s4.spanId]);
        expect(await search({ ...window, attributes: { note: 'say "hi"' } })).toEqual([s2.spanId]);
        expect(await search({ ...window, attributes: { 'deployment.environment': env } })).toEqual([s3.spanId]);
        expect(await search({ ...window, attributes: { 'deployment.environment': 'attr-not-resource' } })).toEqual([s4.spanId]);
        expect(await search({ ...window, attributes: { 'service.name': S2 } })).toEqual([s4.spanId, s3.spanId]);
        expect(await search({ ...window, attributes: { 'no.such.key': 'x' } })).toEqual([]);
      });

      it('combines filters', async () => {
        expect(await search({ service: S2, status: 'error' })).toEqual([s4.spanId]);
        expect(await search({ ...window, service: S, name: 'checkout', attributes: { 'http.status_code': '200' } })).toEqual([s1.spanId]);
        expect(await search({ ...window, service: S, name: 'checkout', status: 'error' })).toEqual([]);
        expect(await search({ service: S, status: 'error' })).toEqual([outside.spanId, s2.spanId]);
        expect(
          await search({ ...window, name: 'checkout', attributes: { 'service.name': S2, 'deployment.environment': env }, maxDurationNs: String(SECOND) }),
        ).toEqual([s3.spanId]);
      });

      it('applies the time range: from inclusive, to exclusive', async () => {
        expect(await search({ service: S2, fromNs: s3.startTimeUnixNano, toNs: s4.startTimeUnixNano })).toEqual([s3.spanId]);
        expect(await search({ fromNs: s2.startTimeUnixNano, toNs: s4.startTimeUnixNano, attributes: { 'service.name': S2 } })).toEqual([
          s3.spanId,
        ]);
        expect(await search({ service: S, fromNs: s2.startTimeUnixNano })).toEqual([outside.spanId, s2.spanId]);
        expect(await search({ service: S, toNs: s2.startTimeUnixNano })).toEqual([s1.spanId]);
        expect(await search({ service: S, fromNs: s1.startTimeUnixNano, toNs: s1.startTimeUnixNano })).toEqual([]);
      });
    });

    it('paginates newest first, visiting every span exactly once (ties and duplicates included)', async () => {
      const service = `svc-${tag()}`;
      const base = windowStart();
      const spans: Span[] = [];
      for (let i = 0; i < 25; i++) {
        // Groups of three share a start time, so a page boundary falls inside a tie.
        const start = base + BigInt(Math.floor(i / 3)) * 1_000n;
        spans.push(makeSpan({ service, start, name: `op-${i % 4}`, traceId: i % 2 ? hex(16) : spans[0]?.traceId ?? hex(16) }));
      }
      await store.write({ spans: spans.slice(0, 15) });
      await store.write({ spans: spans.slice(10) });
      await store.write({ spans: spans.filter((_, i) => i % 4 === 0) });
      for (const limit of [1, 4, 7, 25]) {
        const { items, pages } = await walk(
          (cursor) => store.searchSpans({ service, limit, cursor }),
          limit,
          (s) => s.startTimeUnixNano,
        );
        expect(sorted(ids(items))).toEqual(sorted(ids(spans)));
        expect(pages).toBe(Math.ceil(25 / limit));
      }
      const { items } = await walk(
        (cursor) => store.searchSpans({ service, name: 'op-1', limit: 2, cursor }),
        2,
        (s) => s.startTimeUnixNano,
      );
      expect(sorted(ids(items))).toEqual(sorted(ids(spans.filter((s) => s.name === 'op-1'))));
    });

    it('rejects a malformed cursor', async () => {
      await expect(store.searchSpans({ limit: 10, cursor: 'not a cursor' })).rejects.toMatchObject({ code: 'OT_ERR_BAD_PARAMETER' });
      await expect(store.searchLogs({ limit: 10, cursor: '!!!' })).rejects.toMatchObject({ code: 'OT_ERR_BAD_PARAMETER' });
    });

    describe('searchLogs', () => {
      const S = `svc-${tag()}`;
      const S2 = `svc-${tag()}`;
      const base = windowStart();
      const window = { fromNs: base.toString(), toNs: (base + SECOND).toString() };
      const traceId = hex(16);
      const spanId = hex(8);
      const l1 = makeLog({ service: S, time: base + 1n, body: 'Inventory deduction FAILED for SKU-1', severityNumber: 17, traceId, spanId });
      const l2 = makeLog({ service: S, time: base + 2n, body: 'payment ok', severityNumber: 9, attributes: { 'http.status_code': { int: '200' } } });
      const l3 = makeLog({ service: S2, time: base + 3n, body: { kv: { message: 'Deduction failed again' } }, severityNumber: 13, traceId });
      const l4 = makeLog({
        service: S2,
        time: base + 4n,
        body: 'Größe überschritten: "quota"',
        severityNumber: 21,
        resource: resourceOf(S2, { region: 'eu-west' }),
      });
      const outside = makeLog({ service: S, time: base + SECOND, body: 'deduction failed later' });
      const search = async (q: Partial<LogQuery>) => (await store.searchLogs({ limit: 100, ...q })).items.map((l) => l.logId);

      beforeAll(async () => {
        await store.write({ logs: [l3, l1, outside] });
        await store.write({ logs: [l4, l2, l1] });
      });

      it('matches q as a case-insensitive substring of the body text', async () => {
        expect(await search({ ...window, q: 'deduction failed' })).toEqual([l3.logId, l1.logId]);
        expect(await search({ ...window, q: 'DEDUCTION' })).toEqual([l3.logId, l1.logId]);
        expect(await search({ ...window, q: 'sku-1' })).toEqual([l1.logId]);
        expect(await search({ ...window, q: 'ÜBERSCHRITTEN' })).toEqual([l4.logId]);
        expect(await search({ ...window, q: '"quota"' })).toEqual([l4.logId]);
        expect(await search({ ...window, q: 'no such text' })).toEqual([]);
        expect(await search({ service: S, q: 'failed' })).toEqual([outside.logId, l1.logId]);
      });

      it('filters by service, severity, trace, span, attributes and time', async () => {
        expect(await search({ service: S })).toEqual([outside.logId, l2.logId, l1.logId]);
        expect(await search({ ...window, minSeverity: 17 })).toEqual([l4.logId, l1.logId]);
        expect(await search({ traceId })).toEqual([l3.logId, l1.logId]);
        expect(await search({ traceId, spanId })).toEqual([l1.logId]);
        expect(await search({ ...window, attributes: { 'http.status_code': '200' } })).toEqual([l2.logId]);
        expect(await search({ ...window, attributes: { region: 'eu-west' } })).toEqual([l4.logId]);
        expect(await search({ ...window, attributes: { 'service.name': S2 } })).toEqual([l4.logId, l3.logId]);
        expect(await search({ service: S2, fromNs: l3.timeUnixNano, toNs: l4.timeUnixNano })).toEqual([l3.logId]);
        expect(await search({ traceId, q: 'again', service: S2, minSeverity: 13 })).toEqual([l3.logId]);
      });

      it('paginates newest first', async () => {
        const { items } = await walk((cursor) => store.searchLogs({ ...window, limit: 2, cursor }), 2, (l) => l.timeUnixNano);
        expect(items.map((l) => l.logId)).toEqual([l4.logId, l3.logId, l2.logId, l1.logId]);
      });
    });

    it('lists services with their operations', async () => {
      const S = `svc-${tag()}`;
      const S2 = `svc-${tag()}`;
      const t = windowStart();
      await store.write({
        spans: [
          makeSpan({ service: S, start: t, name: 'b-op' }),
          makeSpan({ service: S, start: t, name: 'a-op' }),
          makeSpan({ service: S2, start: t, name: 'c-op' }),
        ],
      });
      await store.write({ spans: [makeSpan({ service: S, start: t + MS, name: 'a-op' })] });
      const services = await store.services();
      expect(services.find((s) => s.service === S)).toEqual({ service: S, operations: ['a-op', 'b-op'] });
      expect(services.find((s) => s.service === S2)).toEqual({ service: S2, operations: ['c-op'] });
      const names = services.map((s) => s.service);
      expect(new Set(names).size).toBe(names.length);
    });

    it('deleteBefore removes old data and keeps new data', async () => {
      const service = `svc-${tag()}`;
      const old = windowStart(10 * DAY_MS);
      const recent = windowStart(3_600_000);
      const oldOrder = `ORD-${tag()}`;
      const newOrder = `ORD-${tag()}`;
      const oldReturn = `RET-${tag()}`;
      const oldSpan = makeSpan({ service, start: old, orderId: oldOrder, attributes: { 'return.id': oldReturn } });
      const oldLog = makeLog({ service, time: old, traceId: oldSpan.traceId, orderId: oldOrder });
      const oldEvent = makeEvent({ orderId: oldOrder, time: old });
      const newSpan = makeSpan({ service, start: recent, orderId: newOrder });
      const newLog = makeLog({ service, time: recent, traceId: newSpan.traceId, orderId: newOrder });
      const newEvent = makeEvent({ orderId: newOrder, time: recent });
      await store.write({ spans: [oldSpan], logs: [oldLog], events: [oldEvent] });
      await store.write({ spans: [newSpan], logs: [newLog], events: [newEvent] });
      expect(await store.resolveOrderKey(oldReturn)).toBe(oldOrder);

      const removed = await store.deleteBefore(Date.now() - 5 * DAY_MS);
      expect(removed).toBeGreaterThanOrEqual(3);

      expect(await store.getTrace(oldSpan.traceId)).toBeNull();
      expect(await store.getOrder(oldOrder)).toBeNull();
      expect(await store.resolveOrderKey(oldOrder)).toBeNull();
      expect(await store.resolveOrderKey(oldReturn)).toBeNull();
      expect((await store.searchSpans({ service, limit: 10 })).items).toStrictEqual([newSpan]);
      expect((await store.searchLogs({ service, limit: 10 })).items).toStrictEqual([newLog]);

      const order = await store.getOrder(newOrder);
      expect(order!.events).toStrictEqual([newEvent]);
      expect(order!.spans).toStrictEqual([newSpan]);
      expect(order!.logs).toStrictEqual([newLog]);
      expect((await store.getTrace(newSpan.traceId))!.spans).toStrictEqual([newSpan]);
      expect(await store.deleteBefore(Date.now() - 5 * DAY_MS)).toBeGreaterThanOrEqual(0);
    });
  });
}
