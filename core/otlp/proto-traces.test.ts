import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { OrdertraceError } from '../errors.ts';
import type { Span } from '../model.ts';
import { decodeTracesJson, decodeTracesProto } from './index.ts';
import {
  BIG_INT,
  cat,
  double,
  expectedSpan,
  fixed32,
  fixed64,
  hexBytes,
  kv,
  len,
  msg,
  NOW_MS,
  sdkSpans,
  str,
  tag,
  varint,
  vint,
} from './test/helpers.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const SPAN = 'eee19b7ec3c1b174';
const T0 = 1_700_000_000_000_000_000n;

/** A valid Span message body (without the field-2 wrapper) plus extra fields. */
function spanFields(...extra: Uint8Array[]): Uint8Array {
  return cat(hexBytes(1, TRACE), hexBytes(2, SPAN), str(5, 'op'), fixed64(7, T0), fixed64(8, T0 + 1000n), ...extra);
}

/** ExportTraceServiceRequest with one resource and one scope holding the given Span bodies. */
function request(...spans: Uint8Array[]): Uint8Array {
  return msg(1, msg(1, kv(1, 'service.name', str(1, 'svc'))), msg(2, msg(1, str(1, 'scope')), ...spans.map((s) => msg(2, s))));
}

function decodeOne(spanBody: Uint8Array): Span {
  const r = decodeTracesProto(request(spanBody), NOW_MS);
  expect(r.errors).toEqual([]);
  expect(r.items).toHaveLength(1);
  return r.items[0]!;
}

function expectDecodeError(body: Uint8Array): void {
  let caught: unknown;
  try {
    decodeTracesProto(body, NOW_MS);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(OrdertraceError);
  expect((caught as OrdertraceError).code).toBe('OT_ERR_DECODE');
  expect((caught as OrdertraceError).status).toBe(400);
}

describe('decodeTracesProto — SDK encodings (ProtobufTraceSerializer)', () => {
  const spans = sdkSpans();
  const body = ProtobufTraceSerializer.serializeRequest(spans)!;
  const result = decodeTracesProto(body, NOW_MS);

  it('accepts every span', () => {
    expect(spans).toHaveLength(5);
    expect(result.rejected).toBe(0);
    expect(result.errors).toEqual([]);
    expect(result.items).toHaveLength(spans.length);
  });

  it('round-trips every field of every span exactly', () => {
    const byId = new Map(result.items.map((s) => [s.spanId, s]));
    for (const sdk of spans) {
      expect(byId.get(sdk.spanContext().spanId)).toEqual(expectedSpan(sdk));
    }
  });

  it('keeps ns timestamps, IDs and ints above 2^53 exact', () => {
    const root = result.items.find((s) => s.name === 'POST /orders')!;
    expect(root.startTimeUnixNano).toBe('1700000000123456789');
    expect(root.endTimeUnixNano).toBe('1700000000900000000');
    expect(root.attributes['big']).toEqual({ int: '1152921504606846976' });
    expect(BigInt((root.attributes['big'] as { int: string }).int)).toBe(BigInt(BIG_INT));
    expect(root.attributes['negative']).toEqual({ int: '-42' });
    expect(root.attributes['ratio']).toBe(0.25);
    expect(root.attributes['ok']).toBe(true);
    expect(root.attributes['tags']).toEqual(['a', 'b']);
    expect(root.attributes['codes']).toEqual([{ int: '1' }, { int: '2' }, { int: '3' }]);
    expect(root.attributes['blob']).toEqual({ bytes: Buffer.from([0, 1, 2, 250, 255]).toString('base64') });
    expect(root.attributes['nested']).toEqual({ kv: { inner: 'x', n: { int: '7' }, deeper: { kv: { list: ['y', 1.5] } } } });
    expect(root.attributes['unicode.text']).toBe('Grüße, 世界 🚚');
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(root.parentSpanId).toBe('');
    expect(root.kind).toBe(2);
  });

  it('derives service and orderId (span attribute first, then resource)', () => {
    const root = result.items.find((s) => s.name === 'POST /orders')!;
    const child = result.items.find((s) => s.name === 'inventory.lock')!;
    expect(root.service).toBe('checkout');
    expect(root.orderId).toBe('ORD-1');
    expect(child.orderId).toBe('ORD-RES');
    expect(child.parentSpanId).toBe(root.spanId);
    expect(child.status).toEqual({ code: 2, message: 'deduction failed' });
    expect(child.links[0]!.traceState).toBe('vendor=abc,other=1');
    expect(child.links[0]!.flags).toBe(0x301);
    expect(child.events[0]).toEqual({
      timeUnixNano: '1700000000300000001',
      name: 'retry',
      attributes: { attempt: { int: '2' }, reason: 'timeout' },
      droppedAttributesCount: 0,
    });
  });

  it('decodes a remote parent and its flags', () => {
    const consumer = result.items.find((s) => s.name === 'orders process')!;
    expect(consumer.parentSpanId).toBe('b7ad6b7169203331');
    expect(consumer.traceState).toBe('vendor=xyz');
    expect(consumer.flags).toBe(0x301);
    expect(consumer.kind).toBe(5);
    expect(consumer.scope).toEqual({ name: 'other-lib', version: '', attributes: {}, droppedAttributesCount: 0 });
  });

  it('gives the same spans as the JSON encoding of the same export (JsonTraceSerializer)', () => {
    const json = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!);
    const fromJson = decodeTracesJson(json, NOW_MS);
    expect(fromJson.rejected).toBe(0);
    // The JS JSON serializer writes 2^60 as the number 1152921504606847000 (shortest round-trip
    // form); the lossless parser keeps exactly what the wire says.
    const jsonRoot = fromJson.items.find((s) => s.name === 'POST /orders')!;
    expect(jsonRoot.attributes['big']).toEqual({ int: '1152921504606847000' });
    jsonRoot.attributes['big'] = { int: '1152921504606846976' };
    expect(fromJson.items).toEqual(result.items);
  });

  it('decodes from a Buffer view at a non-zero offset (pooled request buffers)', () => {
    const pooled = Buffer.concat([Buffer.from('garbage'), Buffer.from(body), Buffer.from('tail')]);
    const view = pooled.subarray(7, 7 + body.length);
    expect(view.byteOffset).not.toBe(0);
    expect(decodeTracesProto(view, NOW_MS)).toEqual(result);
  });

  it('shares one resource and scope object per scope', () => {
    const a = result.items.find((s) => s.name === 'POST /orders')!;
    const b = result.items.find((s) => s.name === 'inventory.lock')!;
    expect(a.resource).toBe(b.resource);
    expect(a.scope).toBe(b.scope);
  });
});

describe('decodeTracesProto — hand-made encodings', () => {
  it('decodes every AnyValue kind, including empty and negative int64', () => {
    const s = decodeOne(
      spanFields(
        kv(9, 's', str(1, 'text')),
        kv(9, 'b', vint(2, 1)),
        kv(9, 'i', vint(3, 1700000000123456789n)),
        kv(9, 'neg', vint(3, -9223372036854775808n)),
        kv(9, 'm1', vint(3, -1)),
        kv(9, 'd', double(4, -0.5)),
        kv(9, 'arr', msg(5, msg(1, str(1, 'x')), msg(1), msg(1, vint(3, 5)))),
        kv(9, 'kvl', msg(6, kv(1, 'k', vint(2, 0)))),
        kv(9, 'bytes', len(7, Uint8Array.from([0xde, 0xad]))),
        kv(9, 'empty', new Uint8Array(0)),
        msg(9, str(1, 'novalue')),
      ),
    );
    expect(s.attributes).toEqual({
      s: 'text',
      b: true,
      i: { int: '1700000000123456789' },
      neg: { int: '-9223372036854775808' },
      m1: { int: '-1' },
      d: -0.5,
      arr: ['x', null, { int: '5' }],
      kvl: { kv: { k: false } },
      bytes: { bytes: '3q0=' },
      empty: null,
      novalue: null,
    });
  });

  it('decodes u64 timestamps at the edges exactly', () => {
    const max = decodeOne(cat(hexBytes(1, TRACE), hexBytes(2, SPAN), str(5, 'op'), fixed64(7, 1n), fixed64(8, 2n ** 53n + 1n)));
    expect(max.startTimeUnixNano).toBe('1');
    expect(max.endTimeUnixNano).toBe('9007199254740993');
  });

  it('skips unknown fields of every wire type, and known fields with an unexpected wire type', () => {
    const unknown = cat(
      vint(99, 123456789012345n),
      fixed64(98, 1n),
      len(97, Uint8Array.from([1, 2, 3])),
      fixed32(96, 7),
      tag(95, 3), vint(1, 1), tag(94, 3), tag(94, 4), tag(95, 4), // nested group
      vint(5, 3), // name with varint wire type: not a name
    );
    const body = msg(
      1,
      unknown,
      msg(1, unknown, kv(1, 'service.name', str(1, 'svc')), vint(2, 4)),
      msg(2, unknown, msg(1, str(1, 'scope'), str(2, '9.9'), kv(3, 'sa', str(1, 'v')), vint(4, 2), unknown), msg(2, spanFields(unknown))),
      str(3, 'https://schema'),
    );
    const r = decodeTracesProto(cat(unknown, body, unknown), NOW_MS);
    expect(r.errors).toEqual([]);
    expect(r.items).toHaveLength(1);
    const s = r.items[0]!;
    expect(s.name).toBe('op');
    expect(s.resource).toEqual({ attributes: { 'service.name': 'svc' }, droppedAttributesCount: 4 });
    expect(s.scope).toEqual({ name: 'scope', version: '9.9', attributes: { sa: 'v' }, droppedAttributesCount: 2 });
  });

  it('finds the resource and scope even when they follow the spans on the wire', () => {
    const body = msg(1, msg(2, msg(2, spanFields()), msg(1, str(1, 'late-scope'))), msg(1, kv(1, 'service.name', str(1, 'late'))));
    const r = decodeTracesProto(body, NOW_MS);
    expect(r.items[0]!.service).toBe('late');
    expect(r.items[0]!.scope.name).toBe('late-scope');
  });

  it('defaults: no resource → unknown_service, empty scope, status unset', () => {
    const r = decodeTracesProto(msg(1, msg(2, msg(2, spanFields()))), NOW_MS);
    const s = r.items[0]!;
    expect(s.service).toBe('unknown_service');
    expect(s.resource).toEqual({ attributes: {}, droppedAttributesCount: 0 });
    expect(s.scope).toEqual({ name: '', version: '', attributes: {}, droppedAttributesCount: 0 });
    expect(s.status).toEqual({ code: 0, message: '' });
    expect(s.orderId).toBe('');
  });

  it('reads status, flags, kind, dropped counts, events and links', () => {
    const s = decodeOne(
      spanFields(
        str(3, 'k=v'),
        vint(6, 4),
        vint(10, 1),
        msg(11, fixed64(1, T0 + 5n), str(2, 'ev'), kv(3, 'a', str(1, 'b')), vint(4, 2)),
        vint(12, 3),
        msg(13, hexBytes(1, 'AB'.repeat(16)), hexBytes(2, 'CD'.repeat(8)), str(3, 'ts'), kv(4, 'l', vint(2, 1)), vint(5, 6), fixed32(6, 0x301)),
        vint(14, 7),
        msg(15, str(2, 'bad'), vint(3, 2)),
        fixed32(16, 0x101),
      ),
    );
    expect(s.traceState).toBe('k=v');
    expect(s.kind).toBe(4);
    expect(s.droppedAttributesCount).toBe(1);
    expect(s.events).toEqual([{ timeUnixNano: '1700000000000000005', name: 'ev', attributes: { a: 'b' }, droppedAttributesCount: 2 }]);
    expect(s.droppedEventsCount).toBe(3);
    expect(s.links).toEqual([
      { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceState: 'ts', attributes: { l: true }, droppedAttributesCount: 6, flags: 0x301 },
    ]);
    expect(s.droppedLinksCount).toBe(7);
    expect(s.status).toEqual({ code: 2, message: 'bad' });
    expect(s.flags).toBe(0x101);
  });

  it('treats an all-zero parent span ID as a root', () => {
    expect(decodeOne(spanFields(hexBytes(4, '0'.repeat(16)))).parentSpanId).toBe('');
  });

  it('keeps a "__proto__" attribute as plain data', () => {
    const s = decodeOne(spanFields(kv(9, '__proto__', str(1, 'x'))));
    expect(Object.getPrototypeOf(s.attributes)).toBe(Object.prototype);
    expect(Object.keys(s.attributes)).toEqual(['__proto__']);
    expect(s.attributes['__proto__']).toBe('x');
  });

  it('decodes repeated short strings correctly (string cache) and non-ASCII ones', () => {
    const s = decodeOne(
      spanFields(kv(9, 'k1', str(1, 'abc')), kv(9, 'k2', str(1, 'abd')), kv(9, 'k3', str(1, 'abc')), kv(9, 'k4', str(1, 'ä')), kv(9, 'k5', str(1, 'x'.repeat(100)))),
    );
    expect(s.attributes).toEqual({ k1: 'abc', k2: 'abd', k3: 'abc', k4: 'ä', k5: 'x'.repeat(100) });
  });

  it('decodes an empty body as an empty request', () => {
    expect(decodeTracesProto(new Uint8Array(0), NOW_MS)).toEqual({ items: [], rejected: 0, errors: [] });
  });
});

describe('decodeTracesProto — validation and partial success', () => {
  const bad: Array<[string, Uint8Array, string]> = [
    ['short traceId', cat(hexBytes(1, 'ab'.repeat(8)), hexBytes(2, SPAN), str(5, 'op'), fixed64(7, T0), fixed64(8, T0)), 'invalid traceId'],
    ['missing traceId', cat(hexBytes(2, SPAN), str(5, 'op'), fixed64(7, T0), fixed64(8, T0)), 'invalid traceId'],
    ['zero traceId', cat(hexBytes(1, '0'.repeat(32)), hexBytes(2, SPAN), str(5, 'op'), fixed64(7, T0), fixed64(8, T0)), 'invalid traceId'],
    ['zero spanId', cat(hexBytes(1, TRACE), hexBytes(2, '0'.repeat(16)), str(5, 'op'), fixed64(7, T0), fixed64(8, T0)), 'invalid spanId'],
    ['long spanId', cat(hexBytes(1, TRACE), hexBytes(2, SPAN + '00'), str(5, 'op'), fixed64(7, T0), fixed64(8, T0)), 'invalid spanId'],
    ['bad parent', cat(hexBytes(1, TRACE), hexBytes(2, SPAN), hexBytes(4, 'abcd'), str(5, 'op'), fixed64(7, T0), fixed64(8, T0)), 'invalid parentSpanId'],
    ['no name', cat(hexBytes(1, TRACE), hexBytes(2, SPAN), fixed64(7, T0), fixed64(8, T0)), 'missing name'],
    ['no start', cat(hexBytes(1, TRACE), hexBytes(2, SPAN), str(5, 'op'), fixed64(8, T0)), 'missing startTimeUnixNano'],
    ['no end', cat(hexBytes(1, TRACE), hexBytes(2, SPAN), str(5, 'op'), fixed64(7, T0)), 'missing endTimeUnixNano'],
    ['end before start', cat(hexBytes(1, TRACE), hexBytes(2, SPAN), str(5, 'op'), fixed64(7, T0), fixed64(8, T0 - 1n)), 'endTimeUnixNano is before startTimeUnixNano'],
    [
      'future',
      cat(hexBytes(1, TRACE), hexBytes(2, SPAN), str(5, 'op'), fixed64(7, T0), fixed64(8, BigInt(NOW_MS + 86_400_000) * 1_000_000n + 1n)),
      'endTimeUnixNano is more than 24h in the future',
    ],
  ];

  for (const [what, spanBody, reason] of bad) {
    it(`rejects a span with ${what}`, () => {
      const r = decodeTracesProto(request(spanFields(), spanBody, spanFields()), NOW_MS);
      expect(r.items).toHaveLength(2);
      expect(r.rejected).toBe(1);
      expect(r.errors).toEqual([`span 1 of scope 0 of resource 0: ${reason}`]);
    });
  }

  it('accepts a span ending exactly at now + 24h', () => {
    const edge = BigInt(NOW_MS + 86_400_000) * 1_000_000n;
    expect(decodeTracesProto(request(cat(hexBytes(1, TRACE), hexBytes(2, SPAN), str(5, 'op'), fixed64(7, T0), fixed64(8, edge))), NOW_MS).rejected).toBe(0);
  });

  it('counts every rejection but keeps only the first 5 reasons, with their positions', () => {
    const noName = cat(hexBytes(1, TRACE), hexBytes(2, SPAN), fixed64(7, T0), fixed64(8, T0));
    const body = cat(
      request(...Array.from({ length: 6 }, () => noName)),
      msg(1, msg(2, msg(2, spanFields())), msg(2, msg(2, spanFields()), msg(2, noName))),
    );
    const r = decodeTracesProto(body, NOW_MS);
    expect(r.rejected).toBe(7);
    expect(r.items).toHaveLength(2);
    expect(r.errors).toHaveLength(5);
    expect(r.errors[0]).toBe('span 0 of scope 0 of resource 0: missing name');
    expect(r.errors[4]).toBe('span 4 of scope 0 of resource 0: missing name');
  });

  it('reports the scope and resource index of a rejected span', () => {
    const noName = cat(hexBytes(1, TRACE), hexBytes(2, SPAN), fixed64(7, T0), fixed64(8, T0));
    const body = cat(request(spanFields()), msg(1, msg(2, msg(2, spanFields())), msg(2, msg(2, spanFields()), msg(2, noName))));
    expect(decodeTracesProto(body, NOW_MS).errors).toEqual(['span 1 of scope 1 of resource 1: missing name']);
  });
});

describe('decodeTracesProto — malformed bodies throw OT_ERR_DECODE', () => {
  const good = ProtobufTraceSerializer.serializeRequest(sdkSpans())!;

  it('every truncation of a real request', () => {
    // Cutting inside the top-level length-delimited field always leaves it short.
    for (const cut of [1, 2, 10, 50, Math.floor(good.length / 2), good.length - 1]) {
      expectDecodeError(good.subarray(0, cut));
    }
  });

  it('a sub-message length running past its parent', () => {
    // The span claims 55 bytes, its scope holds only 52; the buffer goes on (a trailing field).
    expectDecodeError(cat(msg(1, msg(2, cat(tag(2, 2), varint(55), spanFields()))), str(2, 'trailing bytes')));
  });

  it('a truncated varint, fixed64 and fixed32', () => {
    expectDecodeError(Uint8Array.from([0x08, 0xff]));
    expectDecodeError(request(cat(tag(7, 1), Uint8Array.from([1, 2, 3]))));
    expectDecodeError(request(cat(tag(16, 5), Uint8Array.from([1]))));
  });

  it('an over-long varint, field number 0, wire types 6/7 and a stray end-group', () => {
    expectDecodeError(cat(tag(1, 0), Uint8Array.from(new Array(11).fill(0xff))));
    expectDecodeError(Uint8Array.from([0x00, 0x01]));
    expectDecodeError(Uint8Array.from([0x0e]));
    expectDecodeError(Uint8Array.from([0x0f]));
    expectDecodeError(cat(tag(5, 4)));
    expectDecodeError(cat(tag(5, 3), tag(6, 4)));
    expectDecodeError(cat(tag(5, 3), vint(1, 1)));
  });

  it('AnyValue nesting or groups deeper than the limit (no stack overflow)', () => {
    // AnyValue{array_value{values: [AnyValue{…}]}} nested 70 times (the limit is 64).
    let value: Uint8Array = str(1, 'leaf');
    for (let i = 0; i < 70; i++) value = msg(5, len(1, value));
    expectDecodeError(request(spanFields(kv(9, 'deep', value))));
    let ok: Uint8Array = str(1, 'leaf');
    for (let i = 0; i < 60; i++) ok = msg(5, len(1, ok));
    expect(decodeTracesProto(request(spanFields(kv(9, 'deep', ok))), NOW_MS).items).toHaveLength(1);
    const groups = cat(...Array.from({ length: 100 }, () => tag(7, 3)), ...Array.from({ length: 100 }, () => tag(7, 4)));
    expectDecodeError(cat(tag(7, 3), groups, tag(7, 4)));
    const huge = cat(...Array.from({ length: 100_000 }, () => tag(7, 3)));
    expectDecodeError(huge);
  });

  it('text that is not protobuf', () => {
    expectDecodeError(new TextEncoder().encode('{"resourceSpans":[]}'));
  });
});
