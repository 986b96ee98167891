import { describe, expect, it } from 'vitest';
import { OrdertraceError } from '../errors.ts';
import { decodeTracesJson } from './index.ts';
import { NOW_MS } from './test/helpers.ts';

const TRACE = '5B8EFFF798038103D269B633813FC60C';
const SPAN = 'EEE19B7EC3C1B174';

function body(spans: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
        scopeSpans: [{ scope: { name: 's' }, spans }],
      },
    ],
    ...extra,
  });
}

const okSpan = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  traceId: TRACE,
  spanId: SPAN,
  name: 'op',
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000000000001',
  ...over,
});

function expectDecodeError(text: string, message?: RegExp): void {
  let caught: unknown;
  try {
    decodeTracesJson(text, NOW_MS);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(OrdertraceError);
  expect((caught as OrdertraceError).code).toBe('OT_ERR_DECODE');
  if (message) expect((caught as OrdertraceError).message).toMatch(message);
}

describe('decodeTracesJson', () => {
  it('maps a complete lowerCamelCase span, normalising IDs to lowercase', () => {
    const text = `{"resourceSpans":[{"resource":{"attributes":[
        {"key":"service.name","value":{"stringValue":"checkout"}},
        {"key":"order.id","value":{"stringValue":"ORD-R"}}],"droppedAttributesCount":1},
      "scopeSpans":[{"scope":{"name":"lib","version":"1.0","attributes":[{"key":"x","value":{"boolValue":true}}],"droppedAttributesCount":2},
        "spans":[{"traceId":"${TRACE}","spanId":"${SPAN}","parentSpanId":"00F067AA0BA902B7","traceState":"a=b",
          "name":"op","kind":2,"startTimeUnixNano":1700000000123456789,"endTimeUnixNano":"1700000000987654321",
          "attributes":[{"key":"order.id","value":{"stringValue":"ORD-1"}}],"droppedAttributesCount":3,
          "events":[{"timeUnixNano":"1700000000200000000","name":"ev","attributes":[{"key":"k","value":{"intValue":"5"}}],"droppedAttributesCount":1}],
          "droppedEventsCount":4,
          "links":[{"traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"B7AD6B7169203331","traceState":"t=1",
            "attributes":[],"droppedAttributesCount":2,"flags":769}],
          "droppedLinksCount":5,"status":{"code":2,"message":"failed"},"flags":257}]}]}]}`;
    const r = decodeTracesJson(text, NOW_MS);
    expect(r.errors).toEqual([]);
    expect(r.items[0]).toEqual({
      traceId: TRACE.toLowerCase(),
      spanId: SPAN.toLowerCase(),
      parentSpanId: '00f067aa0ba902b7',
      traceState: 'a=b',
      name: 'op',
      kind: 2,
      startTimeUnixNano: '1700000000123456789',
      endTimeUnixNano: '1700000000987654321',
      attributes: { 'order.id': 'ORD-1' },
      droppedAttributesCount: 3,
      events: [{ timeUnixNano: '1700000000200000000', name: 'ev', attributes: { k: { int: '5' } }, droppedAttributesCount: 1 }],
      droppedEventsCount: 4,
      links: [
        { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceState: 't=1', attributes: {}, droppedAttributesCount: 2, flags: 769 },
      ],
      droppedLinksCount: 5,
      status: { code: 2, message: 'failed' },
      flags: 257,
      service: 'checkout',
      resource: { attributes: { 'service.name': 'checkout', 'order.id': 'ORD-R' }, droppedAttributesCount: 1 },
      scope: { name: 'lib', version: '1.0', attributes: { x: true }, droppedAttributesCount: 2 },
      orderId: 'ORD-1',
    });
  });

  it('accepts snake_case field names, enum names, string and number int64s, and ignores unknown fields', () => {
    const text = `{"resource_spans":[{"resource":{"attributes":[{"key":"service.name","value":{"string_value":"svc"}}],"dropped_attributes_count":"2"},
      "schema_url":"x","whatever":{"deep":[1,2]},
      "scope_spans":[{"scope":{"name":"lib","unknownScopeField":1},"schema_url":"y",
        "spans":[{"trace_id":"${TRACE}","span_id":"${SPAN}","parent_span_id":"","trace_state":"s=1","name":"op",
          "kind":"SPAN_KIND_PRODUCER","start_time_unix_nano":"1700000000000000001","end_time_unix_nano":1700000000000000002,
          "dropped_attributes_count":"7","dropped_events_count":1,"dropped_links_count":"2",
          "status":{"code":"STATUS_CODE_OK","message":"fine"},"futureField":{"a":1},
          "attributes":[
            {"key":"s","value":{"string_value":"t"}},
            {"key":"b","value":{"bool_value":true}},
            {"key":"i","value":{"int_value":"-9223372036854775808"}},
            {"key":"in","value":{"intValue":1700000000123456789}},
            {"key":"small","value":{"intValue":42}},
            {"key":"lead","value":{"intValue":"007"}},
            {"key":"d","value":{"double_value":1.5}},
            {"key":"dint","value":{"doubleValue":3}},
            {"key":"dstr","value":{"doubleValue":"2.5"}},
            {"key":"inf","value":{"doubleValue":"-Infinity"}},
            {"key":"a","value":{"array_value":{"values":[{"stringValue":"x"},{},{"intValue":"1"}]}}},
            {"key":"kv","value":{"kvlist_value":{"values":[{"key":"n","value":{"kvlistValue":{"values":[]}}}]}}},
            {"key":"bytes","value":{"bytes_value":"3q2+7w=="}},
            {"key":"urlbytes","value":{"bytesValue":"3q2-7w"}},
            {"key":"empty","value":{}},
            {"key":"missing"},
            {"key":"nullish","value":{"stringValue":null}},
            {"value":{"stringValue":"no key"}}
          ]}]}]}]}`;
    const r = decodeTracesJson(text, NOW_MS);
    expect(r.errors).toEqual([]);
    const s = r.items[0]!;
    expect(s.kind).toBe(4);
    expect(s.traceState).toBe('s=1');
    expect(s.parentSpanId).toBe('');
    expect(s.startTimeUnixNano).toBe('1700000000000000001');
    expect(s.endTimeUnixNano).toBe('1700000000000000002');
    expect(s.droppedAttributesCount).toBe(7);
    expect(s.droppedEventsCount).toBe(1);
    expect(s.droppedLinksCount).toBe(2);
    expect(s.status).toEqual({ code: 1, message: 'fine' });
    expect(s.resource.droppedAttributesCount).toBe(2);
    expect(s.service).toBe('svc');
    expect(s.attributes).toEqual({
      s: 't',
      b: true,
      i: { int: '-9223372036854775808' },
      in: { int: '1700000000123456789' },
      small: { int: '42' },
      lead: { int: '7' },
      d: 1.5,
      dint: 3,
      dstr: 2.5,
      inf: -Infinity,
      a: ['x', null, { int: '1' }],
      kv: { kv: { n: { kv: {} } } },
      bytes: { bytes: '3q2+7w==' },
      urlbytes: { bytes: '3q2+7w==' },
      empty: null,
      missing: null,
      nullish: null,
    });
  });

  it('accepts every span kind and status code name', () => {
    const kinds = ['SPAN_KIND_UNSPECIFIED', 'SPAN_KIND_INTERNAL', 'SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT', 'SPAN_KIND_PRODUCER', 'SPAN_KIND_CONSUMER'];
    const r = decodeTracesJson(body(kinds.map((kind, i) => okSpan({ kind, status: { code: ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'][i % 3] } }))), NOW_MS);
    expect(r.items.map((s) => s.kind)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.items.map((s) => s.status.code)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('defaults missing optional fields', () => {
    const s = decodeTracesJson(body([okSpan()]), NOW_MS).items[0]!;
    expect(s).toMatchObject({
      parentSpanId: '',
      traceState: '',
      kind: 0,
      attributes: {},
      events: [],
      links: [],
      status: { code: 0, message: '' },
      flags: 0,
      orderId: '',
    });
  });

  it('accepts an empty request and a request without spans', () => {
    expect(decodeTracesJson('{}', NOW_MS)).toEqual({ items: [], rejected: 0, errors: [] });
    expect(decodeTracesJson('{"resourceSpans":[{"scopeSpans":[{}]}]}', NOW_MS).items).toEqual([]);
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['a short traceId', { traceId: 'abcd' }, 'invalid traceId'],
    ['a non-hex traceId', { traceId: 'zz'.repeat(16) }, 'invalid traceId'],
    ['a base64 traceId', { traceId: 'W47/95gDgQPSabYzgT/GDA==' }, 'invalid traceId'],
    ['a numeric traceId', { traceId: 12 }, 'invalid traceId'],
    ['an all-zero traceId', { traceId: '0'.repeat(32) }, 'invalid traceId'],
    ['no spanId', { spanId: undefined }, 'invalid spanId'],
    ['an all-zero spanId', { spanId: '0'.repeat(16) }, 'invalid spanId'],
    ['a bad parentSpanId', { parentSpanId: 'xyz' }, 'invalid parentSpanId'],
    ['no name', { name: undefined }, 'missing name'],
    ['an empty name', { name: '' }, 'missing name'],
    ['no start time', { startTimeUnixNano: undefined }, 'missing startTimeUnixNano'],
    ['a zero end time', { endTimeUnixNano: 0 }, 'missing endTimeUnixNano'],
    ['a negative time', { startTimeUnixNano: '-5' }, 'invalid startTimeUnixNano'],
    ['a fractional time', { startTimeUnixNano: 1.5 }, 'invalid startTimeUnixNano'],
    ['a garbage time', { startTimeUnixNano: '17e17' }, 'invalid startTimeUnixNano'],
    ['a time above uint64', { endTimeUnixNano: '18446744073709551616' }, 'invalid endTimeUnixNano'],
    ['end before start', { endTimeUnixNano: '1699999999999999999' }, 'endTimeUnixNano is before startTimeUnixNano'],
    ['a start far in the future', { startTimeUnixNano: '1800000000000000000', endTimeUnixNano: '1800000000000000000' }, 'startTimeUnixNano is more than 24h in the future'],
  ];
  for (const [what, over, reason] of bad) {
    it(`rejects a span with ${what}, keeping the valid ones`, () => {
      const r = decodeTracesJson(body([okSpan(), okSpan(over)]), NOW_MS);
      expect(r.items).toHaveLength(1);
      expect(r.rejected).toBe(1);
      expect(r.errors).toEqual([`span 1 of scope 0 of resource 0: ${reason}`]);
    });
  }

  it('rejects a span entry that is not an object', () => {
    const r = decodeTracesJson(body([okSpan(), 'nope', null]), NOW_MS);
    expect(r.items).toHaveLength(1);
    expect(r.rejected).toBe(2);
    expect(r.errors[0]).toBe('span 1 of scope 0 of resource 0: not an object');
  });

  it('derives orderId from an int order.id and falls back to unknown_service', () => {
    const text = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [okSpan({ attributes: [{ key: 'order.id', value: { intValue: '12345' } }] })] }] }],
    });
    const s = decodeTracesJson(text, NOW_MS).items[0]!;
    expect(s.orderId).toBe('12345');
    expect(s.service).toBe('unknown_service');
  });

  it('throws OT_ERR_DECODE (not a stack overflow) for absurdly nested values', () => {
    const n = 100_000;
    const v = '{"arrayValue":{"values":['.repeat(n) + '{"stringValue":"leaf"}' + ']}}'.repeat(n);
    const text = '{"resourceSpans":[{"scopeSpans":[{"spans":[' + JSON.stringify(okSpan()).slice(0, -1) + ',"attributes":[{"key":"deep","value":' + v + '}]}]}]}]}';
    expectDecodeError(text, /nested deeper/);
    // The same with a big integer in the body, which makes the lossless parser use its reviver.
    expectDecodeError(text.replace('"leaf"', '12345678901234567890'));
  });

  it('throws OT_ERR_DECODE on a body that is not an OTLP JSON request', () => {
    expectDecodeError('not json');
    expectDecodeError('{"resourceSpans":[');
    expectDecodeError('');
    expectDecodeError('[1,2]', /not a JSON object/);
    expectDecodeError('null');
    expectDecodeError('"str"');
    expectDecodeError('{"resourceSpans":{}}', /resourceSpans is not an array/);
    expectDecodeError('{"resourceSpans":[1]}', /resourceSpans\[0\] is not an object/);
    expectDecodeError('{"resourceSpans":[{"scopeSpans":"x"}]}', /scopeSpans is not an array/);
    expectDecodeError('{"resourceSpans":[{"scopeSpans":[{"spans":{}}]}]}', /spans is not an array/);
  });
});
