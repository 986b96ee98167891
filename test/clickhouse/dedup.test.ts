// ClickHouse keeps every redelivered copy (plain MergeTree, no insert-time de-duplication): the
// copies are really on disk, and every store read still shows each record once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord, OrderEvent, Span } from '../../core/model.ts';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, rawRows, requireClickHouse } from './server.ts';

const database = freshDatabase('dedup');
const now = BigInt(Date.now() - 60_000) * 1_000_000n;
const TRACE = 'd'.repeat(32);
const ORDER = 'ORD-dedup';
const resource = { attributes: { 'service.name': 'dedup-svc' }, droppedAttributesCount: 0 };
const scope = { name: '', version: '', attributes: {}, droppedAttributesCount: 0 };

const spans: Span[] = [0, 1, 2].map((i) => ({
  traceId: TRACE,
  spanId: `${i + 1}`.padStart(16, '0'),
  parentSpanId: '',
  traceState: '',
  name: 'op',
  kind: 1,
  startTimeUnixNano: (now + BigInt(i)).toString(),
  endTimeUnixNano: (now + BigInt(i) + 100n).toString(),
  attributes: { 'order.id': ORDER },
  droppedAttributesCount: 0,
  events: [],
  droppedEventsCount: 0,
  links: [],
  droppedLinksCount: 0,
  status: { code: 2, message: '' },
  flags: 0,
  service: 'dedup-svc',
  resource,
  scope,
  orderId: ORDER,
}));
const log: LogRecord = {
  logId: 'dedup-log',
  timeUnixNano: (now + 5n).toString(),
  observedTimeUnixNano: '0',
  severityNumber: 17,
  severityText: 'ERROR',
  body: 'failed',
  attributes: {},
  droppedAttributesCount: 0,
  flags: 0,
  traceId: TRACE,
  spanId: spans[0]!.spanId,
  eventName: '',
  service: 'dedup-svc',
  resource,
  scope,
  orderId: ORDER,
};
const event: OrderEvent = {
  eventId: 'dedup-event',
  orderId: ORDER,
  type: 'payment.failed',
  system: 'payments',
  timeUnixNano: now.toString(),
  status: '',
  traceId: TRACE,
  spanId: spans[0]!.spanId,
  source: 'span',
  attributes: {},
};

describe('ClickHouse query-time de-duplication', () => {
  let store: ClickHouseStore;
  beforeAll(async () => {
    await requireClickHouse();
    store = await ClickHouseStore.open({ url: CLICKHOUSE_URL, database, keyAttributes: [] });
    // Three deliveries of the same batch, the last in reverse order.
    await store.write({ spans, logs: [log], events: [event] });
    await store.write({ spans, logs: [log], events: [event] });
    await store.write({ spans: [...spans].reverse(), logs: [log], events: [event] });
  });
  afterAll(async () => {
    await store?.close();
    await dropDatabase(database);
  });

  it('keeps the physical copies (nothing is de-duplicated on insert)', async () => {
    const count = async (table: string) => Number((await rawRows<{ n: string }>(`SELECT count() AS n FROM \`${database}\`.${table}`))[0]!.n);
    expect(await count('spans')).toBe(9);
    expect(await count('logs')).toBe(3);
    expect(await count('events')).toBe(3);
  });

  it('shows each record once in every read', async () => {
    expect((await store.getTrace(TRACE))!.spans).toStrictEqual(spans);
    expect((await store.getTrace(TRACE))!.logs).toStrictEqual([log]);
    const order = (await store.getOrder(ORDER))!;
    expect(order.spans).toStrictEqual(spans);
    expect(order.logs).toStrictEqual([log]);
    expect(order.events).toStrictEqual([event]);
    expect(order.traceIds).toEqual([TRACE]);
    expect((await store.searchSpans({ service: 'dedup-svc', limit: 100 })).items).toStrictEqual([...spans].reverse());
    expect((await store.searchSpans({ service: 'dedup-svc', status: 'error', limit: 100 })).items).toHaveLength(3);
    expect((await store.searchLogs({ traceId: TRACE, limit: 100 })).items).toStrictEqual([log]);
    expect((await store.searchLogs({ q: 'FAIL', service: 'dedup-svc', limit: 100 })).items).toStrictEqual([log]);
    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.searchSpans({ service: 'dedup-svc', limit: 1, ...(cursor ? { cursor } : {}) });
      pages.push(...page.items.map((s) => s.spanId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual([...spans].reverse().map((s) => s.spanId));
    expect(await store.services()).toContainEqual({ service: 'dedup-svc', operations: ['op'] });
  });
});
