import { describe, expect, it } from 'vitest';
import { OrdertraceError } from '../errors.ts';
import { decodeLogsJson } from './index.ts';
import { computeLogId } from './log-id.ts';
import { NOW_MS } from './test/helpers.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

function body(records: unknown[]): string {
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payments' } }, { key: 'order.id', value: { stringValue: 'ORD-R' } }] },
        scopeLogs: [{ scope: { name: 'lg', version: '1' }, logRecords: records }],
      },
    ],
  });
}

describe('decodeLogsJson', () => {
  it('maps every LogRecord field (lowerCamelCase)', () => {
    const r = decodeLogsJson(
      body([
        {
          timeUnixNano: '1700000000000000001',
          observedTimeUnixNano: '1700000000000000002',
          severityNumber: 13,
          severityText: 'WARN',
          body: { kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'low stock' } }] } },
          attributes: [{ key: 'order.id', value: { stringValue: 'ORD-1' } }],
          droppedAttributesCount: 2,
          flags: 1,
          traceId: TRACE.toUpperCase(),
          spanId: SPAN,
          eventName: 'inventory.low',
        },
      ]),
      NOW_MS,
    );
    expect(r.errors).toEqual([]);
    const { logId, ...rest } = r.items[0]!;
    expect(rest).toEqual({
      timeUnixNano: '1700000000000000001',
      observedTimeUnixNano: '1700000000000000002',
      severityNumber: 13,
      severityText: 'WARN',
      body: { kv: { msg: 'low stock' } },
      attributes: { 'order.id': 'ORD-1' },
      droppedAttributesCount: 2,
      flags: 1,
      traceId: TRACE,
      spanId: SPAN,
      eventName: 'inventory.low',
      service: 'payments',
      resource: { attributes: { 'service.name': 'payments', 'order.id': 'ORD-R' }, droppedAttributesCount: 0 },
      scope: { name: 'lg', version: '1', attributes: {}, droppedAttributesCount: 0 },
      orderId: 'ORD-1',
    });
    expect(logId).toBe(computeLogId(rest));
  });

  it('accepts snake_case names, severity names, number int64s and ignores unknown fields', () => {
    const text = `{"resource_logs":[{"scope_logs":[{"log_records":[{
      "time_unix_nano":1700000000123456789,"observed_time_unix_nano":"1700000000123456790",
      "severity_number":"SEVERITY_NUMBER_FATAL4","severity_text":"FATAL","event_name":"e",
      "trace_id":"${TRACE}","span_id":"${SPAN}","dropped_attributes_count":1,"new_field":[1],
      "body":{"int_value":1700000000123456789}}]}]}]}`;
    const l = decodeLogsJson(text, NOW_MS).items[0]!;
    expect(l).toMatchObject({
      timeUnixNano: '1700000000123456789',
      observedTimeUnixNano: '1700000000123456790',
      severityNumber: 24,
      severityText: 'FATAL',
      eventName: 'e',
      traceId: TRACE,
      spanId: SPAN,
      droppedAttributesCount: 1,
      body: { int: '1700000000123456789' },
      service: 'unknown_service',
      orderId: '',
    });
  });

  it('maps every severity name', () => {
    const names = ['SEVERITY_NUMBER_UNSPECIFIED', 'SEVERITY_NUMBER_TRACE', 'SEVERITY_NUMBER_DEBUG2', 'SEVERITY_NUMBER_INFO3', 'SEVERITY_NUMBER_WARN4', 'SEVERITY_NUMBER_ERROR', 'SEVERITY_NUMBER_FATAL'];
    const r = decodeLogsJson(body(names.map((n) => ({ timeUnixNano: '1700000000000000000', severityNumber: n }))), NOW_MS);
    expect(r.items.map((l) => l.severityNumber)).toEqual([0, 1, 6, 11, 16, 17, 21]);
  });

  it('uses the observed time when time is missing; rejects a record with neither', () => {
    const r = decodeLogsJson(body([{ observedTimeUnixNano: '1700000000000000009' }, { timeUnixNano: '0', observedTimeUnixNano: 0 }, { body: { stringValue: 'x' } }]), NOW_MS);
    expect(r.items).toHaveLength(1);
    expect(r.items[0]!.timeUnixNano).toBe('1700000000000000009');
    expect(r.rejected).toBe(2);
    expect(r.errors).toEqual([
      'log record 1 of scope 0 of resource 0: missing timeUnixNano and observedTimeUnixNano',
      'log record 2 of scope 0 of resource 0: missing timeUnixNano and observedTimeUnixNano',
    ]);
  });

  it('rejects bad IDs and future or malformed times, keeps the rest', () => {
    const t = '1700000000000000000';
    const r = decodeLogsJson(
      body([
        { timeUnixNano: t },
        { timeUnixNano: t, traceId: 'abc' },
        { timeUnixNano: t, traceId: TRACE, spanId: 'not-hex-not-hex!' },
        { timeUnixNano: '1800000000000000000' },
        { timeUnixNano: 'yesterday' },
        { timeUnixNano: t, traceId: '', spanId: '' },
        { timeUnixNano: t, traceId: '0'.repeat(32), spanId: '0'.repeat(16) },
        { timeUnixNano: t, observedTimeUnixNano: -1 },
      ]),
      NOW_MS,
    );
    expect(r.items).toHaveLength(3);
    expect(r.items[2]!.traceId).toBe('');
    expect(r.rejected).toBe(5);
    expect(r.errors).toEqual([
      'log record 1 of scope 0 of resource 0: invalid traceId',
      'log record 2 of scope 0 of resource 0: invalid spanId',
      'log record 3 of scope 0 of resource 0: timeUnixNano is more than 24h in the future',
      'log record 4 of scope 0 of resource 0: invalid timeUnixNano',
      'log record 7 of scope 0 of resource 0: invalid observedTimeUnixNano',
    ]);
  });

  it('derives the order ID from the resource when the record has none', () => {
    expect(decodeLogsJson(body([{ timeUnixNano: '1700000000000000000' }]), NOW_MS).items[0]!.orderId).toBe('ORD-R');
  });

  it('gives equal logIds to equal records, whatever their attribute order, and different ones otherwise', () => {
    const a = { key: 'a', value: { stringValue: '1' } };
    const b = { key: 'b', value: { intValue: 2 } };
    const t = '1700000000000000000';
    const r = decodeLogsJson(
      body([
        { timeUnixNano: t, attributes: [a, b], body: { stringValue: 'x' } },
        { timeUnixNano: t, attributes: [b, a], body: { stringValue: 'x' } },
        { timeUnixNano: t, attributes: [a, b], body: { stringValue: 'y' } },
        { timeUnixNano: t, attributes: [a, { key: 'b', value: { stringValue: '2' } }], body: { stringValue: 'x' } },
        { timeUnixNano: '1700000000000000001', attributes: [a, b], body: { stringValue: 'x' } },
      ]),
      NOW_MS,
    );
    const ids = r.items.map((l) => l.logId);
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(4);
  });

  it('throws OT_ERR_DECODE for a body that is not an OTLP JSON request', () => {
    for (const text of ['<xml/>', '{"resourceLogs":[{"scopeLogs":[{"logRecords":7}]}]}', '42']) {
      expect(() => decodeLogsJson(text, NOW_MS)).toThrow(OrdertraceError);
    }
  });
});
