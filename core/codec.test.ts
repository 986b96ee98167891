// Bus message values (core/codec.ts): format 2 round-trips spans, logs and order events exactly; format-1
// values (JSON arrays, as older collectors wrote them) still decode; a decoded record keeps its text, which
// the ClickHouse store then stores as the record's body without encoding it again.
import { describe, expect, it } from 'vitest';
import { compactSpan } from './compact-records.ts';
import { tabSeparated } from './store/clickhouse/insert-format.ts';
import { decodeRecords, encodeRecords } from './codec.ts';
import type { LogRecord, OrderEvent, Span } from './model.ts';
import { spanFromBody, spanRow } from './store/clickhouse/rows.ts';

const span = (spanId: string, extra: Partial<Span> = {}): Span => ({
  traceId: 'a'.repeat(32),
  spanId,
  parentSpanId: '',
  traceState: 'k=v',
  name: 'POST /pay\n"quoted"',
  kind: 2,
  startTimeUnixNano: '1795588529134000022',
  endTimeUnixNano: '1795588529136250033',
  attributes: { 'order.id': 'ORD-1', big: { int: '9007199254740993' }, ratio: 0.5, ok: true, none: null, list: ['x', { kv: { y: 'z' } }] },
  droppedAttributesCount: 1,
  events: [{ timeUnixNano: '1795588529134001000', name: 'retry', attributes: { attempt: { int: '2' } }, droppedAttributesCount: 0 }],
  droppedEventsCount: 0,
  links: [{ traceId: 'b'.repeat(32), spanId: '1'.repeat(16), traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 1 }],
  droppedLinksCount: 0,
  status: { code: 2, message: 'declined ✗' },
  flags: 257,
  service: 'payment',
  resource: { attributes: { 'service.name': 'payment' }, droppedAttributesCount: 0 },
  scope: { name: 'lib', version: '1', attributes: {}, droppedAttributesCount: 0 },
  orderId: 'ORD-1',
  ...extra,
});

const log: LogRecord = {
  logId: 'l1',
  timeUnixNano: '1795588529134000022',
  observedTimeUnixNano: '0',
  severityNumber: 17,
  severityText: 'ERROR',
  body: { kv: { text: 'stock\tlow', sku: ['A', 'B'] } },
  attributes: { sku: 'A' },
  droppedAttributesCount: 0,
  flags: 0,
  traceId: '',
  spanId: '',
  eventName: '',
  service: 'inventory',
  resource: { attributes: {}, droppedAttributesCount: 0 },
  scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0 },
  orderId: 'ORD-1',
};

const event: OrderEvent = {
  eventId: 'e1',
  orderId: 'ORD-1',
  type: 'payment.succeeded',
  system: 'payment',
  timeUnixNano: '1795588529134000022',
  status: 'paid',
  traceId: '',
  spanId: '',
  source: 'api',
  attributes: { 'payment.reference': 'PAY-9' },
};

describe('bus codec', () => {
  it('writes format 2 (a kind header, one compact line per record) and reads every kind back exactly', () => {
    const spans = [span('0000000000000001'), span('0000000000000002', { name: 'ünïcode 🚚', attributes: {} })];
    const value = encodeRecords(spans);
    expect(value.toString().split('\n')).toHaveLength(3);
    expect(value.toString().startsWith('#2s\n[1,')).toBe(true);
    expect(value.length).toBeLessThan(Buffer.byteLength(JSON.stringify(spans)));
    expect(decodeRecords<Span>(value)).toStrictEqual(spans);
    expect(decodeRecords<LogRecord>(encodeRecords([log]))).toStrictEqual([log]);
    expect(decodeRecords<OrderEvent>(encodeRecords([event, { ...event, eventId: 'e2' }]))).toStrictEqual([event, { ...event, eventId: 'e2' }]);
  });

  it('still reads format 1 (a JSON array), and writes it for records of no known kind', () => {
    expect(decodeRecords<Span>(Buffer.from(JSON.stringify([span('0000000000000001')])))).toStrictEqual([span('0000000000000001')]);
    const other = [{ id: 1 }, { id: 2 }];
    expect(encodeRecords(other).toString()).toBe(JSON.stringify(other));
    expect(decodeRecords(encodeRecords(other))).toEqual(other);
    expect(encodeRecords([]).toString()).toBe('[]');
    expect(encodeRecords([event, log]).toString().startsWith('[')).toBe(true); // mixed kinds
  });

  it('refuses values it cannot read, naming the problem', () => {
    expect(() => decodeRecords(Buffer.from('#9x\n{}'))).toThrow('unknown header "#9x"');
    expect(() => decodeRecords(Buffer.from('#2s\n{"a":1}'))).toThrow('span text is not a JSON array');
    expect(() => decodeRecords(Buffer.from('#2s\n[7,"x"]'))).toThrow('unknown span format 7');
    expect(() => decodeRecords(Buffer.from('{"a":1}'))).toThrow('bus message value is not a JSON array');
  });

  it('a decoded span keeps its text: the ClickHouse row stores it as the body, and the body reads back as the span', () => {
    const value = encodeRecords([span('0000000000000001')]);
    const line = value.toString().split('\n')[1]!;
    const [decoded] = decodeRecords<Span>(value);
    expect(Object.keys(decoded!)).toEqual(Object.keys(span('0000000000000001'))); // nothing visible added
    expect(JSON.stringify(decoded)).toBe(JSON.stringify(span('0000000000000001')));
    expect(compactSpan(decoded!)).toBe(line);
    const row = spanRow(decoded!);
    expect(Buffer.isBuffer(row.body) ? row.body.toString('utf8') : 'not the bytes it arrived as').toBe(line);
    expect(spanFromBody(row.body.toString())).toStrictEqual(span('0000000000000001'));
    const fresh = spanRow(span('0000000000000001'));
    expect(fresh.body).toBe(line); // encoding afresh gives the same text…
    expect(tabSeparated([row]).data.toString()).toBe(tabSeparated([fresh]).data.toString()); // …and the same insert
  });
});
