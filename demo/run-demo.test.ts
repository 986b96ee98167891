import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type { AddressInfo } from 'node:net';
import { runDemo } from './run-demo.ts';
import { FAULTS, FAULT_LABELS } from './plan.ts';

interface Received {
  path: string;
  contentType: string;
  bytes: number;
}

/** A stand-in OTLP/HTTP collector: records each request, answers 200 with an empty export response. */
async function fakeCollector(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => { bytes += chunk.length; });
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: String(req.headers['content-type'] ?? ''), bytes });
      const json = String(req.headers['content-type']).includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received };
}

describe('runDemo against a local OTLP/HTTP endpoint', () => {
  let collector: Awaited<ReturnType<typeof fakeCollector>>;
  beforeEach(async () => { collector = await fakeCollector(); });
  afterEach(async () => { await new Promise((resolve) => collector.server.close(resolve)); });

  it('backfills the faults and backlog, places N live orders, and sends spans and logs as OTLP protobuf', async () => {
    const lines: string[] = [];
    const summary = await runDemo({
      endpoint: collector.url, seed: 7, ratePerSecond: 20, orders: 5, backlogOrders: 20, recentOrders: 3, log: (l) => lines.push(l),
    });

    // what reached the wire
    const traces = collector.received.filter((r) => r.path === '/v1/traces');
    const logs = collector.received.filter((r) => r.path === '/v1/logs');
    expect(traces.length).toBeGreaterThan(0);
    expect(logs.length).toBeGreaterThan(0);
    expect(traces.length + logs.length).toBe(collector.received.length);
    for (const r of collector.received) {
      expect(r.contentType).toBe('application/x-protobuf');
      expect(r.bytes).toBeGreaterThan(0);
    }
    // every service exports separately (own resource, own exporter): at least one trace request each
    expect(traces.length).toBeGreaterThanOrEqual(7);
    expect(summary.exportRequests).toBe(collector.received.length);

    // the summary
    expect(summary.seed).toBe(7);
    expect(summary.stoppedBy).toBe('count');
    expect(summary.orders.live).toBe(5);
    expect(summary.orders.backlog).toBeGreaterThan(30);
    expect(summary.spans.sent).toBe(summary.spans.emitted);
    expect(summary.logs.sent).toBe(summary.logs.emitted);
    expect(summary.spans.failed + summary.logs.failed).toBe(0);
    expect(summary.spans.sent).toBeGreaterThan(1000);
    for (const f of FAULTS) {
      expect(summary.examples[f]).toMatch(/^ORD-\d{4}-\d{6}$/);
      expect(summary.faultOrders[f]).toContain(summary.examples[f]);
      expect(lines.some((l) => l.includes(FAULT_LABELS[f]) && l.includes(summary.examples[f]))).toBe(true);
    }
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  }, 60_000);

  it('speaks OTLP/HTTP JSON when asked, and stops on abort', async () => {
    const abort = new AbortController();
    const lines: string[] = [];
    const done = runDemo({
      endpoint: collector.url, protocol: 'http/json', seed: 3, ratePerSecond: 50, backlogOrders: 5, recentOrders: 1, signal: abort.signal,
      log: (l) => { lines.push(l); if (l.startsWith('live:')) setTimeout(() => abort.abort(), 300); },
    });
    const summary = await done;
    expect(summary.stoppedBy).toBe('signal');
    expect(summary.protocol).toBe('http/json');
    expect(collector.received.length).toBeGreaterThan(0);
    for (const r of collector.received) expect(r.contentType).toBe('application/json');
    expect(collector.received.some((r) => r.path === '/v1/traces')).toBe(true);
    expect(collector.received.some((r) => r.path === '/v1/logs')).toBe(true);
    expect(summary.spans.failed).toBe(0);
  }, 60_000);

  it('exports over OTLP/gRPC to grpcEndpoint', async () => {
    // A bare gRPC server with pass-through (de)serialisers: counts Export calls, does not decode them.
    const calls: Record<string, number[]> = { traces: [], logs: [] };
    const raw = (b: Buffer): Buffer => b;
    const method = (path: string): grpc.MethodDefinition<Buffer, Buffer> => ({
      path, requestStream: false, responseStream: false,
      requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw,
    });
    const handler = (signal: string): grpc.handleUnaryCall<Buffer, Buffer> => (call, callback) => {
      calls[signal]?.push(call.request.length);
      callback(null, Buffer.alloc(0));
    };
    const server = new grpc.Server();
    server.addService({ Export: method('/opentelemetry.proto.collector.trace.v1.TraceService/Export') }, { Export: handler('traces') });
    server.addService({ Export: method('/opentelemetry.proto.collector.logs.v1.LogsService/Export') }, { Export: handler('logs') });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    try {
      const summary = await runDemo({
        endpoint: collector.url, protocol: 'grpc', grpcEndpoint: `http://127.0.0.1:${port}`, seed: 5, ratePerSecond: 20, orders: 2, backlogOrders: 5, recentOrders: 1,
      });
      expect(summary.spans.failed + summary.logs.failed).toBe(0);
      expect(summary.spans.sent).toBe(summary.spans.emitted);
      expect(calls.traces?.length).toBeGreaterThan(0);
      expect(calls.logs?.length).toBeGreaterThan(0);
      expect([...(calls.traces ?? []), ...(calls.logs ?? [])].every((n) => n > 0)).toBe(true);
      expect(collector.received).toHaveLength(0);
    } finally {
      server.forceShutdown();
    }
  }, 60_000);
});
