import { JsonLogsSerializer, ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { OrdertraceError } from '../errors.ts';
import { decodeLogsJson, decodeLogsProto } from './index.ts';
import { computeLogId } from './log-id.ts';
import {
  cat,
  expectedLog,
  fixed32,
  fixed64,
  hexBytes,
  kv,
  LOG_SPAN_ID,
  LOG_TRACE_ID,
  msg,
  NOW_MS,
  sdkLogs,
  str,
  vint,
} from './test/helpers.ts';

const T0 = 1_700_000_000_000_000_000n;

function request(...records: Uint8Array[]): Uint8Array {
  return msg(1, msg(1, kv(1, 'service.name', str(1, 'svc')), kv(1, 'order.id', str(1, 'ORD-R'))), msg(2, msg(1, str(1, 'lg')), ...records.map((r) => msg(2, r))));
}

describe('decodeLogsProto — SDK encodings (ProtobufLogsSerializer)', () => {
  const logs = sdkLogs();
  const body = ProtobufLogsSerializer.serializeRequest(logs)!;
  const result = decodeLogsProto(body, NOW_MS);

  it('accepts every record and round-trips every field exactly', () => {
    expect(logs).toHaveLength(3);
    expect(result.errors).toEqual([]);
    expect(result.rejected).toBe(0);
    expect(result.items).toHaveLength(logs.length);
    for (let i = 0; i < logs.length; i++) {
      const { logId, ...rest } = result.items[i]!;
      expect(rest).toEqual(expectedLog(logs[i]!));
      expect(logId).toMatch(/^[0-9a-f]{32}$/);
      expect(logId).toBe(computeLogId(rest));
    }
  });

  it('maps trace context, event name, body kinds, scope attributes and big ints', () => {
    const first = result.items[0]!;
    expect(first.traceId).toBe(LOG_TRACE_ID);
    expect(first.spanId).toBe(LOG_SPAN_ID);
    expect(first.flags).toBe(1);
    expect(first.eventName).toBe('payment.result');
    expect(first.timeUnixNano).toBe('1700000000111111111');
    expect(first.observedTimeUnixNano).toBe('1700000000222222222');
    expect(first.severityNumber).toBe(9);
    expect(first.body).toEqual({
      kv: { message: 'payment captured', amount: 12.5, items: [{ int: '1' }, 'two', { kv: { three: true } }], raw: { bytes: 'CQgH' } },
    });
    expect(first.attributes['big']).toEqual({ int: '1152921504606846976' });
    expect(first.attributes['blob']).toEqual({ bytes: 'AQID' });
    expect(first.attributes['map']).toEqual({ kv: { a: { int: '1' }, b: 'two' } });
    expect(first.scope).toEqual({ name: 'payments-logger', version: '2.0.0', attributes: { 'scope.attr': 'yes', 'scope.n': { int: '1' } }, droppedAttributesCount: 0 });
    expect(first.service).toBe('payments');
    expect(first.orderId).toBe('ORD-7');
    const second = result.items[1]!;
    expect(second.traceId).toBe('');
    expect(second.spanId).toBe('');
    expect(second.body).toBe('plain text body');
    expect(second.severityNumber).toBe(18);
    expect(second.orderId).toBe('');
    expect(result.items[2]!.body).toEqual({ int: '42' });
  });

  it('gives the same records as the JSON encoding (JsonLogsSerializer), logId included', () => {
    const json = new TextDecoder().decode(JsonLogsSerializer.serializeRequest(logs)!);
    const fromJson = decodeLogsJson(json, NOW_MS);
    const first = fromJson.items[0]!;
    // 2^60 written by JSON.stringify as 1152921504606847000: kept as the wire says.
    expect(first.attributes['big']).toEqual({ int: '1152921504606847000' });
    first.attributes['big'] = { int: '1152921504606846976' };
    first.logId = computeLogId({ ...first, logId: undefined } as never);
    expect(fromJson.items).toEqual(result.items);
  });

  it('gives the same logId for the same record sent twice', () => {
    const again = decodeLogsProto(body, NOW_MS + 1000);
    expect(again.items.map((l) => l.logId)).toEqual(result.items.map((l) => l.logId));
    expect(new Set(result.items.map((l) => l.logId)).size).toBe(result.items.length);
  });
});

describe('decodeLogsProto — hand-made encodings and validation', () => {
  const base = (...extra: Uint8Array[]): Uint8Array => cat(fixed64(1, T0), ...extra);

  it('reads every LogRecord field', () => {
    const r = decodeLogsProto(
      request(
        cat(
          fixed64(1, T0),
          vint(2, 17),
          str(3, 'ERROR'),
          msg(5, str(1, 'boom')),
          kv(6, 'order.id', str(1, 'ORD-1')),
          vint(7, 3),
          fixed32(8, 1),
          hexBytes(9, LOG_TRACE_ID.toUpperCase()),
          hexBytes(10, LOG_SPAN_ID),
          fixed64(11, T0 + 7n),
          str(12, 'order.failed'),
          vint(4, 99), // field 4 (deprecated name) is unknown here
        ),
      ),
      NOW_MS,
    );
    expect(r.errors).toEqual([]);
    const l = r.items[0]!;
    expect(l).toMatchObject({
      timeUnixNano: '1700000000000000000',
      observedTimeUnixNano: '1700000000000000007',
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'boom',
      attributes: { 'order.id': 'ORD-1' },
      droppedAttributesCount: 3,
      flags: 1,
      traceId: LOG_TRACE_ID,
      spanId: LOG_SPAN_ID,
      eventName: 'order.failed',
      service: 'svc',
      orderId: 'ORD-1',
    });
  });

  it('falls back to the resource order.id', () => {
    expect(decodeLogsProto(request(base()), NOW_MS).items[0]!.orderId).toBe('ORD-R');
  });

  it('uses observed time when time is 0, and rejects a record with neither', () => {
    const r = decodeLogsProto(request(cat(fixed64(11, T0 + 5n)), cat(vint(2, 9)), base()), NOW_MS);
    expect(r.items).toHaveLength(2);
    expect(r.items[0]!.timeUnixNano).toBe('1700000000000000005');
    expect(r.items[0]!.observedTimeUnixNano).toBe('1700000000000000005');
    expect(r.rejected).toBe(1);
    expect(r.errors).toEqual(['log record 1 of scope 0 of resource 0: missing timeUnixNano and observedTimeUnixNano']);
  });

  it('rejects a record more than 24h in the future', () => {
    const future = BigInt(NOW_MS + 86_400_000) * 1_000_000n + 1n;
    const r = decodeLogsProto(request(cat(fixed64(1, future)), cat(fixed64(11, future))), NOW_MS);
    expect(r.rejected).toBe(2);
    expect(r.errors[0]).toBe('log record 0 of scope 0 of resource 0: timeUnixNano is more than 24h in the future');
  });

  it('allows empty IDs, treats all-zero IDs as uncorrelated, rejects malformed ones', () => {
    const r = decodeLogsProto(
      request(
        base(),
        base(hexBytes(9, '0'.repeat(32)), hexBytes(10, '0'.repeat(16))),
        base(hexBytes(9, 'ab'.repeat(15))),
        base(hexBytes(9, LOG_TRACE_ID), hexBytes(10, 'ab')),
        base(hexBytes(10, LOG_SPAN_ID)),
      ),
      NOW_MS,
    );
    expect(r.items).toHaveLength(3);
    expect(r.items[1]!.traceId).toBe('');
    expect(r.items[1]!.spanId).toBe('');
    expect(r.items[2]!.spanId).toBe(LOG_SPAN_ID);
    expect(r.errors).toEqual([
      'log record 2 of scope 0 of resource 0: invalid traceId',
      'log record 3 of scope 0 of resource 0: invalid spanId',
    ]);
  });

  it('throws OT_ERR_DECODE on a truncated request', () => {
    const good = ProtobufLogsSerializer.serializeRequest(sdkLogs())!;
    expect(() => decodeLogsProto(good.subarray(0, good.length - 3), NOW_MS)).toThrow(OrdertraceError);
    try {
      decodeLogsProto(good.subarray(0, 20), NOW_MS);
    } catch (err) {
      expect((err as OrdertraceError).code).toBe('OT_ERR_DECODE');
    }
  });
});
