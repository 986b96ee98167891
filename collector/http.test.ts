// The OTLP/HTTP and /v1/events receivers against bad and good input, with the real in-process bus.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Topics, type Bus } from '../core/bus/bus.ts';
import { SqliteBus } from '../core/bus/sqlite-bus.ts';
import { decodeRecords } from '../core/codec.ts';
import type { OrderEvent, Span } from '../core/model.ts';
import { buildCollectorHttp } from './http.ts';
import { CollectorMetrics } from './metrics.ts';
import { IngestPipeline } from './pipeline.ts';
import { buildTraceRequest } from '../bench/otlp-fixtures.ts';

const MAX_BODY = 256 * 1024;
let bus: Bus;
let app: FastifyInstance;
let metrics: CollectorMetrics;
const dirs: string[] = [];
const newBusPath = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ot-col-'));
  dirs.push(dir);
  return join(dir, 'bus.sqlite');
};

beforeEach(async () => {
  bus = await SqliteBus.open({ path: newBusPath(), durability: 'full' });
  await bus.ensureTopics(Object.values(Topics).map((name) => ({ name, partitions: 2 })));
  metrics = new CollectorMetrics();
  const pipeline = new IngestPipeline({ bus, metrics, keyAttributes: ['payment.reference'], spanNameEvents: [] });
  app = buildCollectorHttp({ pipeline, metrics, maxBodyBytes: MAX_BODY });
});
afterEach(async () => {
  await app.close();
  await bus.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Everything published on a topic so far, decoded. */
async function published<T>(topic: string, expected: number): Promise<T[]> {
  const seen: T[] = [];
  const sub = await bus.subscribe({ groupId: `probe-${Math.random()}`, topics: [topic], handler: async (batch) => {
    for (const r of batch.records) seen.push(...decodeRecords<T>(r.value));
  } });
  const deadline = Date.now() + 5000;
  while (seen.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100)); // and nothing more arrives
  await sub.stop();
  return seen;
}

const nowNs = () => (BigInt(Date.now()) * 1_000_000n).toString();
function jsonSpan(overrides: Record<string, unknown> = {}) {
  return {
    traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'POST /orders', kind: 2,
    startTimeUnixNano: nowNs(), endTimeUnixNano: nowNs(),
    attributes: [{ key: 'order.id', value: { stringValue: 'ORD-9' } }, { key: 'order.event', value: { stringValue: 'order.created' } }],
    ...overrides,
  };
}
const jsonRequest = (spans: unknown[]) => JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] });
const postJson = (url: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });
const good = () => postJson('/v1/traces', jsonRequest([jsonSpan()]));

describe('OTLP/HTTP receiver', () => {
  it('acknowledges a valid JSON request with an empty response and publishes spans and derived events', async () => {
    const res = await good();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({});
    const spans = await published<Span>(Topics.spans, 1);
    expect(spans.map((s) => [s.traceId, s.orderId, s.service])).toEqual([['5b8efff798038103d269b633813fc60c', 'ORD-9', 'shop']]);
    const events = await published<OrderEvent>(Topics.events, 1);
    expect(events.map((e) => [e.orderId, e.type, e.system])).toEqual([['ORD-9', 'order.created', 'shop']]);
  });

  it('acknowledges protobuf with a protobuf response, keyed by order', async () => {
    const body = Buffer.from(buildTraceRequest(0, 32, Date.now() - 1000));
    const res = await app.inject({ method: 'POST', url: '/v1/traces', payload: body, headers: { 'content-type': 'application/x-protobuf' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-protobuf/);
    expect(res.rawPayload.length).toBe(0); // ExportTraceServiceResponse with partial_success unset
    expect(await published<Span>(Topics.spans, 32)).toHaveLength(32);
  });

  it('keeps valid items and reports invalid ones as partialSuccess', async () => {
    const future = ((BigInt(Date.now()) + 25n * 3600_000n) * 1_000_000n).toString();
    const res = await postJson('/v1/traces', jsonRequest([
      jsonSpan({ spanId: '1111111111111111' }),
      jsonSpan({ spanId: 'zz' }), // bad ID
      jsonSpan({ spanId: '2222222222222222', traceId: '00000000000000000000000000000000' }), // all-zero trace ID
      jsonSpan({ spanId: '3333333333333333', name: undefined }), // missing name
      jsonSpan({ spanId: '4444444444444444', startTimeUnixNano: '0' }), // timestamp 0
      jsonSpan({ spanId: '5555555555555555', startTimeUnixNano: future, endTimeUnixNano: future }), // > now + 24 h
    ]));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.partialSuccess.rejectedSpans).toBe('5');
    expect(body.partialSuccess.errorMessage).toMatch(/^OT_ERR_INVALID_ITEMS: 5 item/);
    expect((await published<Span>(Topics.spans, 1)).map((s) => s.spanId)).toEqual(['1111111111111111']);
  });

  it.each([
    ['malformed JSON', 'application/json', Buffer.from('{"resourceSpans": ['), 400, 'OT_ERR_DECODE'],
    ['JSON that is not an object', 'application/json', Buffer.from('[1,2]'), 400, 'OT_ERR_DECODE'],
    ['truncated protobuf', 'application/x-protobuf', Buffer.from(buildTraceRequest(0, 4, Date.now())).subarray(0, 50), 400, 'OT_ERR_DECODE'],
    ['garbage protobuf', 'application/x-protobuf', Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]), 400, 'OT_ERR_DECODE'],
    ['a wrong content type', 'text/plain', Buffer.from('hello'), 415, 'OT_ERR_BAD_CONTENT_TYPE'],
    ['an oversized body', 'application/json', Buffer.alloc(MAX_BODY + 1, 32), 413, 'OT_ERR_TOO_LARGE'],
  ])('answers %s with a google.rpc.Status and keeps serving', async (_what, type, payload, status, code) => {
    const res = await app.inject({ method: 'POST', url: '/v1/traces', payload, headers: { 'content-type': type } });
    expect(res.statusCode).toBe(status);
    if (type === 'application/x-protobuf') {
      expect(res.headers['content-type']).toMatch(/application\/x-protobuf/);
      expect(res.rawPayload.toString('latin1')).toContain(`${code}: `);
    } else {
      const body = res.json();
      expect(body.message.startsWith(`${code}: `)).toBe(true);
      expect(typeof body.code).toBe('number');
    }
    expect((await good()).statusCode).toBe(200);
  });

  it('applies the size limit after decompression (gzip bomb → 413)', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)); // 50 MiB of spaces, ~50 KiB compressed
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const res = await postJson('/v1/traces', bomb, { 'content-encoding': 'gzip' });
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/^OT_ERR_TOO_LARGE: /);
    expect((await good()).statusCode).toBe(200);
  });

  it('accepts gzip bodies and rejects unknown encodings and corrupt gzip', async () => {
    expect((await postJson('/v1/traces', gzipSync(jsonRequest([jsonSpan()])), { 'content-encoding': 'gzip' })).statusCode).toBe(200);
    const br = await postJson('/v1/traces', Buffer.from('x'), { 'content-encoding': 'br' });
    expect([br.statusCode, br.json().message.split(':')[0]]).toEqual([415, 'OT_ERR_BAD_ENCODING']);
    const corrupt = await postJson('/v1/traces', Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect([corrupt.statusCode, corrupt.json().message.split(':')[0]]).toEqual([400, 'OT_ERR_DECODE']);
  });

  it('answers 503 with Retry-After when the bus cannot take writes', async () => {
    await bus.close();
    const res = await good();
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.json().message).toMatch(/^OT_ERR_STORE_UNAVAILABLE: /);
    bus = await SqliteBus.open({ path: newBusPath(), durability: 'full' }); // for afterEach
  });

  it('answers 429 with Retry-After when too many requests are in flight, and publishes every acknowledged one', async () => {
    const pipeline = new IngestPipeline({ bus, metrics, keyAttributes: [], spanNameEvents: [], maxInFlight: 1 });
    const tight = buildCollectorHttp({ pipeline, metrics, maxBodyBytes: MAX_BODY });
    const responses = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      tight.inject({ method: 'POST', url: '/v1/traces', payload: Buffer.from(buildTraceRequest(100 + i, 8, Date.now() - 1000)), headers: { 'content-type': 'application/x-protobuf' } })));
    await tight.close();
    const refused = responses.filter((r) => r.statusCode === 429);
    const acked = responses.filter((r) => r.statusCode === 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(acked.length).toBeGreaterThan(0);
    expect(refused.length + acked.length).toBe(12);
    expect(refused[0]!.headers['retry-after']).toBe('1');
    expect(refused[0]!.rawPayload.toString('latin1')).toContain('OT_ERR_OVERLOADED: ');
    expect(await published<Span>(Topics.spans, acked.length * 8)).toHaveLength(acked.length * 8);
  });

  it('accepts and drops metrics', async () => {
    const res = await postJson('/v1/metrics', JSON.stringify({ resourceMetrics: [] }));
    expect(res.statusCode).toBe(200);
  });

  it('exposes counters on /metrics', async () => {
    await good();
    await postJson('/v1/traces', '{');
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toContain('ordertrace_collector_enqueued_total{signal="spans"} 1');
    expect(text).toContain('ordertrace_collector_failed_requests_total{code="OT_ERR_DECODE"} 1');
  });
});

describe('POST /v1/events', () => {
  const event = (over: Record<string, unknown> = {}) => ({ orderId: 'ORD-77', type: 'package.packed', system: 'wms', time: '2026-11-25T09:30:00.123456789Z', status: 'packed', attributes: { 'shipment.id': 'S1', weight: 2.5 }, ...over });

  it('accepts a JSON array, keeps nanoseconds and the given eventId', async () => {
    const res = await postJson('/v1/events', JSON.stringify([event({ eventId: 'wms-1' }), event({ type: 'carrier.picked_up', time: 1795599000123 })]));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ accepted: 2 });
    const events = await published<OrderEvent>(Topics.events, 2);
    const packed = events.find((e) => e.type === 'package.packed')!;
    expect(packed).toMatchObject({ eventId: 'wms-1', orderId: 'ORD-77', system: 'wms', status: 'packed', source: 'api', timeUnixNano: '1795599000123456789', attributes: { 'shipment.id': 'S1', weight: '2.5' } });
    expect(events.find((e) => e.type === 'carrier.picked_up')!.timeUnixNano).toBe('1795599000123000000');
  });

  it('accepts NDJSON and gives retries of an event without eventId the same id', async () => {
    const ndjson = `${JSON.stringify(event())}\n\n${JSON.stringify(event())}\n`;
    const res = await postJson('/v1/events', ndjson, { 'content-type': 'application/x-ndjson' });
    expect(res.json()).toEqual({ accepted: 2 });
    const events = await published<OrderEvent>(Topics.events, 2);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(1);
  });

  it('rejects the whole request, naming each invalid event and field', async () => {
    const res = await postJson('/v1/events', JSON.stringify([event(), event({ orderId: '' }), event({ time: 'yesterday' }), event({ traceId: 'xyz', colour: 'red' })]));
    expect(res.statusCode).toBe(400);
    const { message } = res.json();
    expect(res.json().code).toBe('OT_ERR_INVALID_EVENT');
    expect(message).toMatch(/^\d+ problem\(s\), nothing stored/);
    expect(message).toContain('event 1.orderId');
    expect(message).toContain('event 2.time');
    expect(message).toContain('event 3.traceId');
    expect(message).toContain('event 3: must NOT have additional properties');
    expect(await published<OrderEvent>(Topics.events, 0)).toEqual([]);
  });

  it('rejects malformed JSON and NDJSON lines with OT_ERR_DECODE', async () => {
    expect((await postJson('/v1/events', '[{')).json()).toMatchObject({ code: 'OT_ERR_DECODE', message: expect.stringMatching(/^body is not valid JSON/) });
    const ndjson = await postJson('/v1/events', '{"a":1}\n{oops', { 'content-type': 'application/x-ndjson' });
    expect([ndjson.statusCode, ndjson.json().code, ndjson.json().message]).toEqual([400, 'OT_ERR_DECODE', expect.stringMatching(/^line 2/)]);
  });
});
