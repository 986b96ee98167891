// OTLP/gRPC receiver with a raw grpc-js client: same mapping and semantics as OTLP/HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '../core/bus/bus.ts';
import { SqliteBus } from '../core/bus/sqlite-bus.ts';
import { buildTraceRequest } from '../bench/otlp-fixtures.ts';
import { startCollectorGrpc, type RunningGrpc } from './grpc.ts';
import { CollectorMetrics } from './metrics.ts';
import { IngestPipeline } from './pipeline.ts';

let dir: string;
let bus: SqliteBus;
let server: RunningGrpc;
let client: grpc.Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ot-grpc-'));
  bus = await SqliteBus.open({ path: join(dir, 'bus.sqlite'), durability: 'full' });
  await bus.ensureTopics(Object.values(Topics).map((name) => ({ name, partitions: 2 })));
  const metrics = new CollectorMetrics();
  const pipeline = new IngestPipeline({ bus, metrics, keyAttributes: [], spanNameEvents: [] });
  server = await startCollectorGrpc({ pipeline, metrics, maxBodyBytes: 64 * 1024, host: '127.0.0.1', port: 0 });
  client = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client.close();
  await server.close();
  await bus.close();
  rmSync(dir, { recursive: true, force: true });
});

function exportTraces(body: Uint8Array): Promise<{ error: grpc.ServiceError | null; response?: Buffer }> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(body),
      (error, response) => resolve({ error, response }),
    );
  });
}

describe('OTLP/gRPC receiver', () => {
  it('acknowledges a valid request with an empty ExportTraceServiceResponse', async () => {
    const { error, response } = await exportTraces(buildTraceRequest(3, 16, Date.now() - 1000));
    expect(error).toBeNull();
    expect(response!.length).toBe(0);
    expect(await bus.lag('nobody-yet', Topics.spans)).toBeGreaterThan(0);
  });

  it('answers undecodable protobuf with INVALID_ARGUMENT and a stable code', async () => {
    const { error } = await exportTraces(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error?.details).toMatch(/^OT_ERR_DECODE: /);
  });

  it('refuses messages above the size limit with RESOURCE_EXHAUSTED', async () => {
    const { error } = await exportTraces(buildTraceRequest(4, 1024, Date.now() - 1000));
    expect(error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });

  it('reports invalid spans as partial success (rejected_spans, error_message)', async () => {
    // A request whose only span has an 8-byte trace ID: field 1 (resource_spans) > 2 (scope_spans) > 2 (span) > 1 (trace_id).
    const span = Buffer.from([0x0a, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x12, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x2a, 0x01, 0x78]);
    const scopeSpans = Buffer.concat([Buffer.from([0x12, span.length]), span]);
    const resourceSpans = Buffer.concat([Buffer.from([0x12, scopeSpans.length]), scopeSpans]);
    const request = Buffer.concat([Buffer.from([0x0a, resourceSpans.length]), resourceSpans]);
    const { error, response } = await exportTraces(request);
    expect(error).toBeNull();
    // partial_success (field 1) { rejected_spans (1) = 1, error_message (2) = "OT_ERR_INVALID_ITEMS: …" }
    expect(response![0]).toBe(0x0a);
    expect(response!.subarray(2, 4)).toEqual(Buffer.from([0x08, 0x01]));
    expect(response!.toString('latin1')).toContain('OT_ERR_INVALID_ITEMS: 1 item(s) rejected');
  });

  it('answers UNAVAILABLE when the bus cannot take writes, which OTLP clients retry', async () => {
    await bus.close();
    const { error } = await exportTraces(buildTraceRequest(5, 4, Date.now() - 1000));
    expect(error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(error?.details).toMatch(/^OT_ERR_STORE_UNAVAILABLE: /);
  });
});
