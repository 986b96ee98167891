import { describe, expect, it } from 'vitest';
import { OrdertraceError } from '../core/errors.ts';
import { parseDurationMs, parseLogQuery, parseSpanQuery, parseTime, type RawQuery } from './params.ts';
import { LOG_QUERY_SCHEMA, SPAN_QUERY_SCHEMA } from './schemas.ts';

function badParameter(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OrdertraceError);
    expect((error as OrdertraceError).code).toBe('OT_ERR_BAD_PARAMETER');
    expect((error as OrdertraceError).status).toBe(400);
    return (error as OrdertraceError).message;
  }
  throw new Error('expected OT_ERR_BAD_PARAMETER');
}

describe('parseTime', () => {
  it('reads RFC 3339 exactly, down to the nanosecond, with offsets', () => {
    expect(parseTime('from', '2026-03-01T10:00:00Z')).toBe('1772359200000000000');
    expect(parseTime('from', '2026-03-01T10:00:00.123456789Z')).toBe('1772359200123456789');
    expect(parseTime('from', '2026-03-01t10:00:00.5z')).toBe('1772359200500000000');
    expect(parseTime('from', '2026-03-01T10:00:00+08:00')).toBe('1772330400000000000');
    expect(parseTime('from', '2026-03-01T10:00:00.000000001-00:30')).toBe('1772361000000000001');
    expect(parseTime('from', '2024-02-29T00:00:00Z')).toBe('1709164800000000000');
  });

  it('reads milliseconds since the epoch, decimals included', () => {
    expect(parseTime('to', '1772359200000')).toBe('1772359200000000000');
    expect(parseTime('to', '1772359200000.000001')).toBe('1772359200000000001');
    expect(parseTime('to', '0')).toBe('0');
  });

  it('names the parameter and the value when it cannot', () => {
    expect(badParameter(() => parseTime('from', 'yesterday'))).toBe(
      'from must be an RFC 3339 timestamp (e.g. 2026-03-01T10:00:00Z) or milliseconds since the epoch, got "yesterday"',
    );
    expect(badParameter(() => parseTime('to', '2026-02-30T00:00:00Z'))).toBe('to must be a real calendar date and time, got "2026-02-30T00:00:00Z"');
    expect(badParameter(() => parseTime('to', '2026-03-01T24:00:00Z'))).toMatch(/^to must be a real calendar date/);
    expect(badParameter(() => parseTime('to', '2026-03-01T10:00:00'))).toMatch(/^to must be an RFC 3339 timestamp/); // no offset
    expect(badParameter(() => parseTime('from', '1772359200000000000'))).toMatch(/^from is too large for milliseconds since the epoch/);
    expect(badParameter(() => parseTime('from', '1.2.3'))).toMatch(/^from must be an RFC 3339/);
    expect(badParameter(() => parseTime('from', '1969-12-31T23:59:59Z'))).toMatch(/^from must be at or after 1970/);
  });
});

describe('parseDurationMs', () => {
  it('converts milliseconds (decimals allowed) to exact nanoseconds', () => {
    expect(parseDurationMs('minDurationMs', '250')).toBe('250000000');
    expect(parseDurationMs('minDurationMs', '1.5')).toBe('1500000');
    expect(parseDurationMs('minDurationMs', '.000001')).toBe('1');
    expect(parseDurationMs('minDurationMs', '0')).toBe('0');
  });

  it('rejects what is not a non-negative number', () => {
    expect(badParameter(() => parseDurationMs('minDurationMs', 'abc'))).toBe('minDurationMs must be a non-negative number, got "abc"');
    expect(badParameter(() => parseDurationMs('maxDurationMs', '-1'))).toBe('maxDurationMs must be a non-negative number, got "-1"');
    expect(badParameter(() => parseDurationMs('maxDurationMs', '1e3'))).toBe('maxDurationMs must be a non-negative number, got "1e3"');
    expect(badParameter(() => parseDurationMs('maxDurationMs', '1.0000001'))).toMatch(/more than 6 decimal places/);
  });
});

describe('parseSpanQuery', () => {
  it('defaults to the first 50, with no filters', () => {
    expect(parseSpanQuery({})).toEqual({ limit: 50 });
  });

  it('maps every documented parameter', () => {
    const raw: RawQuery = {
      service: 'payment',
      name: 'charge card',
      status: 'ERROR',
      minDurationMs: '1.5',
      maxDurationMs: '2000',
      from: '2026-03-01T10:00:00Z',
      to: '1772359260000',
      limit: '2',
      cursor: 'opaque:cursor/+=',
      'attr.order.id': 'A-1001',
      'attr.http.status_code': '500',
    };
    expect(parseSpanQuery(raw)).toEqual({
      service: 'payment',
      name: 'charge card',
      status: 'error',
      minDurationNs: '1500000',
      maxDurationNs: '2000000000',
      fromNs: '1772359200000000000',
      toNs: '1772359260000000000',
      limit: 2,
      cursor: 'opaque:cursor/+=',
      attributes: { 'order.id': 'A-1001', 'http.status_code': '500' },
    });
    // Docs and parser agree: every parameter the schema documents was used above.
    expect(Object.keys(SPAN_QUERY_SCHEMA.properties as object).sort()).toEqual(Object.keys(raw).filter((k) => !k.startsWith('attr.')).sort());
  });

  it('treats empty values as absent', () => {
    expect(parseSpanQuery({ service: '', status: '', limit: '', 'attr.order.id': '' })).toEqual({ limit: 50 });
  });

  it('rejects bad values, naming the parameter', () => {
    expect(badParameter(() => parseSpanQuery({ status: 'failed' }))).toBe('status must be one of unset, ok, error, got "failed"');
    expect(badParameter(() => parseSpanQuery({ limit: '0' }))).toBe('limit must be an integer from 1 to 1000, got "0"');
    expect(badParameter(() => parseSpanQuery({ limit: '1001' }))).toBe('limit must be an integer from 1 to 1000, got "1001"');
    expect(badParameter(() => parseSpanQuery({ limit: '2.5' }))).toBe('limit must be an integer from 1 to 1000, got "2.5"');
    expect(badParameter(() => parseSpanQuery({ minDurationMs: 'abc' }))).toBe('minDurationMs must be a non-negative number, got "abc"');
    expect(badParameter(() => parseSpanQuery({ minDurationMs: '10', maxDurationMs: '5' }))).toBe(
      'maxDurationMs must not be less than minDurationMs, got minDurationMs="10" maxDurationMs="5"',
    );
    expect(badParameter(() => parseSpanQuery({ from: '2026-03-01T10:00:00Z', to: '2026-03-01T09:00:00Z' }))).toMatch(/^from must be earlier than to/);
    expect(badParameter(() => parseSpanQuery({ service: ['a', 'b'] }))).toBe('service must be given at most once, got 2 values ["a","b"]');
    expect(badParameter(() => parseSpanQuery({ 'attr.': 'x' }))).toMatch(/^attr\. needs an attribute name/);
  });

  it('rejects unknown parameters instead of widening the search', () => {
    expect(badParameter(() => parseSpanQuery({ serivce: 'payment' }))).toMatch(/^unknown query parameter "serivce" \(did you mean "service"\?\); known: service, name/);
    expect(badParameter(() => parseSpanQuery({ q: 'x' }))).toMatch(/^unknown query parameter "q"/); // a log parameter
    expect(badParameter(() => parseSpanQuery({ 'attributes.order.id': 'x' }))).toMatch(/^unknown query parameter "attributes.order.id"/);
  });
});

describe('parseLogQuery', () => {
  it('maps every documented parameter, normalising IDs and severity names', () => {
    const raw: RawQuery = {
      service: 'inventory',
      q: 'Deduction Failed',
      traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
      spanId: '00F067AA0BA902B7',
      minSeverity: 'Warn',
      from: '1772359200000',
      to: '2026-03-01T11:00:00Z',
      limit: '1000',
      cursor: 'c1',
      'attr.order.id': 'A-1001',
    };
    expect(parseLogQuery(raw)).toEqual({
      service: 'inventory',
      q: 'Deduction Failed',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      minSeverity: 13,
      fromNs: '1772359200000000000',
      toNs: '1772362800000000000',
      limit: 1000,
      cursor: 'c1',
      attributes: { 'order.id': 'A-1001' },
    });
    expect(Object.keys(LOG_QUERY_SCHEMA.properties as object).sort()).toEqual(Object.keys(raw).filter((k) => !k.startsWith('attr.')).sort());
    expect(parseLogQuery({ minSeverity: '17' }).minSeverity).toBe(17);
  });

  it('rejects bad values, naming the parameter', () => {
    expect(badParameter(() => parseLogQuery({ traceId: 'abc' }))).toBe('traceId must be 32 hexadecimal characters, got "abc"');
    expect(badParameter(() => parseLogQuery({ spanId: 'zz' }))).toBe('spanId must be 16 hexadecimal characters, got "zz"');
    expect(badParameter(() => parseLogQuery({ minSeverity: '25' }))).toMatch(/^minSeverity must be an integer from 1 to 24 or one of trace, debug/);
    expect(badParameter(() => parseLogQuery({ minSeverity: 'constructor' }))).toMatch(/^minSeverity must be/);
    expect(badParameter(() => parseLogQuery({ status: 'error' }))).toMatch(/^unknown query parameter "status"/); // a span parameter
  });
});
