// Retention on the real server: deleteBefore drops whole day partitions of every table
// (ALTER TABLE … DROP PARTITION), counts the span/log/event rows dropped, and keeps newer days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord, OrderEvent, Span } from '../../core/model.ts';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { DAY_TABLES } from '../../core/store/clickhouse/schema.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, rawRows, requireClickHouse } from './server.ts';

const DAY_MS = 86_400_000;
const database = freshDatabase('retention');

function span(day: number, i: number, orderId: string): Span {
  const start = BigInt(day) * 86_400_000_000_000n + 3_600_000_000_000n + BigInt(i) * 1_000_000n;
  return {
    traceId: `${day.toString(16)}${i}`.padStart(32, '0'),
    spanId: `${i + 1}`.padStart(16, '0'),
    parentSpanId: '',
    traceState: '',
    name: 'op',
    kind: 1,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 1000n).toString(),
    attributes: { 'return.id': `RET-${orderId}` },
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: 0,
    service: 'retention-svc',
    resource: { attributes: { 'service.name': 'retention-svc' }, droppedAttributesCount: 0 },
    scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0 },
    orderId,
  };
}

function log(day: number, orderId: string): LogRecord {
  return {
    logId: `log-${day}`,
    timeUnixNano: (BigInt(day) * 86_400_000_000_000n + 7_200_000_000_000n).toString(),
    observedTimeUnixNano: '0',
    severityNumber: 9,
    severityText: '',
    body: 'x',
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    service: 'retention-svc',
    resource: { attributes: { 'service.name': 'retention-svc' }, droppedAttributesCount: 0 },
    scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0 },
    orderId,
  };
}

function event(day: number, orderId: string): OrderEvent {
  return {
    eventId: `ev-${day}`,
    orderId,
    type: 'order.created',
    system: 'shop',
    timeUnixNano: (BigInt(day) * 86_400_000_000_000n).toString(),
    status: '',
    traceId: '',
    spanId: '',
    source: 'api',
    attributes: {},
  };
}

async function partitions(): Promise<Record<string, number[]>> {
  const rows = await rawRows<{ table: string; partition: string }>(
    `SELECT DISTINCT table, partition FROM system.parts WHERE database = '${database}' AND active`,
  );
  const out: Record<string, number[]> = {};
  for (const table of DAY_TABLES) out[table] = [];
  for (const row of rows) out[row.table]?.push(Number(row.partition));
  for (const days of Object.values(out)) days.sort((a, b) => a - b);
  return out;
}

describe('ClickHouse retention', () => {
  let store: ClickHouseStore;
  const today = Math.floor(Date.now() / DAY_MS);
  const days = [today - 10, today - 6, today - 1];

  beforeAll(async () => {
    await requireClickHouse();
    store = await ClickHouseStore.open({ url: CLICKHOUSE_URL, database, keyAttributes: ['return.id'] });
    for (const day of days) {
      const orderId = `ORD-${day}`;
      const batch = { spans: [span(day, 0, orderId), span(day, 1, orderId)], logs: [log(day, orderId)], events: [event(day, orderId)] };
      await store.write(batch);
      await store.write({ spans: [batch.spans[0]!] }); // a redelivered duplicate: a physical row too
    }
  });
  afterAll(async () => {
    await store?.close();
    await dropDatabase(database);
  });

  it('drops the day partitions of every table that end before the cutoff, and only those', async () => {
    const before = await partitions();
    for (const table of DAY_TABLES) expect(before[table], table).toEqual(days);

    // Cutoff inside day today-6: that day is not over, so it stays (data kept ≤ 1 day longer).
    const removed = await store.deleteBefore((today - 6) * DAY_MS + DAY_MS / 2);
    expect(removed).toBe(3 + 1 + 1); // spans (incl. the duplicate row), log, event of day today-10

    const after = await partitions();
    for (const table of DAY_TABLES) expect(after[table], table).toEqual([today - 6, today - 1]);
    expect(await store.getOrder(`ORD-${today - 10}`)).toBeNull();
    expect(await store.resolveOrderKey(`RET-ORD-${today - 10}`)).toBeNull();
    expect(await store.getTrace(span(today - 10, 0, '').traceId)).toBeNull();
    const kept = await store.getOrder(`ORD-${today - 6}`);
    expect(kept?.spans).toHaveLength(2);
    expect(kept?.logs).toHaveLength(1);
    expect(kept?.events).toHaveLength(1);
    expect(await store.resolveOrderKey(`RET-ORD-${today - 6}`)).toBe(`ORD-${today - 6}`);

    expect(await store.deleteBefore((today - 6) * DAY_MS + DAY_MS / 2)).toBe(0);
    expect(await store.deleteBefore((today - 5) * DAY_MS)).toBe(5);
    expect((await partitions()).spans).toEqual([today - 1]);
    expect((await store.searchSpans({ service: 'retention-svc', limit: 10 })).items).toHaveLength(2);
  });

  it('rejects a cutoff that is not a finite number', async () => {
    await expect(store.deleteBefore(Number.NaN)).rejects.toMatchObject({ code: 'OT_ERR_BAD_PARAMETER' });
  });
});
