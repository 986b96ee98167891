// OTLP/HTTP receiver (POST /v1/traces, /v1/logs, /v1/metrics) and POST /v1/events, per the OTLP/HTTP
// spec: protobuf or JSON bodies, optional gzip, partialSuccess for invalid items, google.rpc.Status
// error bodies in the request's encoding, and only 429/503 (with Retry-After) for retryable trouble.
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ErrorCodes, OrdertraceError, type ErrorCode } from '../core/errors.ts';
import type { LogRecord, MappingResult, Span } from '../core/model.ts';
import {
  decodeLogsJson,
  decodeLogsProto,
  decodeTracesJson,
  decodeTracesProto,
  encodeExportResponseProto,
  encodeRpcStatusProto,
  exportResponseJson,
  rpcStatusJson,
} from '../core/otlp/index.ts';
import type { CollectorMetrics } from './metrics.ts';
import { parseEventsBody, toOrderEvents } from './order-event-input.ts';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.ts';
import type { IngestPipeline } from './pipeline.ts';

const gunzipAsync = promisify(gunzip);

export interface CollectorHttpOptions {
  pipeline: IngestPipeline;
  metrics: CollectorMetrics;
  maxBodyBytes: number;
  now?: () => number;
  logger?: boolean | object;
  /** Answers /readyz: true when the bus takes writes. */
  ready?: () => Promise<boolean>;
  /** Body of /metrics (default: the collector's counters; all-in-one appends the ingester's). */
  metricsText?: () => Promise<string>;
}

/** OTLP routes answer errors as google.rpc.Status ('json' | 'proto'); /v1/events as {code, message} ('plain'). */
type Encoding = 'json' | 'proto' | 'plain';
const PROTO = 'application/x-protobuf';

/** google.rpc.Code for an HTTP status, as OTLP error bodies carry. */
function rpcCode(status: number): number {
  if (status === 429) return 8; // RESOURCE_EXHAUSTED
  if (status === 503) return 14; // UNAVAILABLE
  if (status >= 500) return 13; // INTERNAL
  return 3; // INVALID_ARGUMENT
}

function encodingOf(request: FastifyRequest): Encoding {
  if (request.url.startsWith('/v1/events')) return 'plain';
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith(PROTO) ? 'proto' : 'json';
}

function sendError(reply: FastifyReply, encoding: Encoding, code: ErrorCode, message: string, retryAfter?: number): FastifyReply {
  const status = ErrorCodes[code].status;
  const text = `${code}: ${message}`;
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  reply.code(status);
  if (encoding === 'proto') return reply.type(PROTO).send(Buffer.from(encodeRpcStatusProto(rpcCode(status), text)));
  if (encoding === 'plain') return reply.type('application/json').send({ code, message });
  return reply.type('application/json').send(rpcStatusJson(rpcCode(status), text));
}

/** Maps fastify's own errors (body limit, content type, JSON) onto our codes. */
function classify(error: unknown): { code: ErrorCode; message: string; retryAfter?: number } {
  if (error instanceof OrdertraceError) return { code: error.code, message: error.message, retryAfter: error.retryAfterSeconds };
  const e = error as { code?: string; message?: string; statusCode?: number };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'OT_ERR_TOO_LARGE', message: 'request body exceeds the size limit' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'OT_ERR_BAD_CONTENT_TYPE', message: 'use application/x-protobuf or application/json' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'OT_ERR_DECODE', message: e.message ?? 'malformed body' };
  }
  if (e.statusCode === 400) return { code: 'OT_ERR_DECODE', message: e.message ?? 'malformed request' };
  return { code: 'OT_ERR_STORE_UNAVAILABLE', message: 'internal error while storing; retry', retryAfter: 5 };
}

/** Undoes Content-Encoding; the size limit applies to the decompressed bytes (gzip bombs → 413). */
async function decodedBody(request: FastifyRequest, maxBodyBytes: number): Promise<Buffer> {
  const body = request.body as Buffer;
  const encoding = (request.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding === 'identity' || encoding === '') return body;
  if (encoding !== 'gzip') throw new OrdertraceError('OT_ERR_BAD_ENCODING', `Content-Encoding "${encoding}" is not supported; use gzip or none`);
  try {
    return await gunzipAsync(body, { maxOutputLength: maxBodyBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new OrdertraceError('OT_ERR_TOO_LARGE', `decompressed body exceeds ${maxBodyBytes} bytes`);
    }
    throw new OrdertraceError('OT_ERR_DECODE', `gzip body could not be decompressed: ${(error as Error).message}`);
  }
}

export function buildCollectorHttp(options: CollectorHttpOptions): FastifyInstance {
  const now = options.now ?? Date.now;
  // Per-request lines would drown the console at ingest rates; failures are logged by the error handler.
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: options.maxBodyBytes, logController: new LogController({ disableRequestLogging: true }) });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', PROTO, 'application/x-ndjson'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((error, request, reply) => {
    const { code, message, retryAfter } = classify(error);
    options.metrics.requestFailed(code);
    if (ErrorCodes[code].status >= 500 && !(error instanceof OrdertraceError)) request.log.error(error);
    return sendError(reply, encodingOf(request), code, message, retryAfter);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, encodingOf(request), 'OT_ERR_NOT_FOUND', `no route ${request.method} ${request.url}`));

  const otlpRoute = <T>(
    path: string,
    decode: { json: (text: string, nowMs: number) => MappingResult<T>; proto: (bytes: Uint8Array, nowMs: number) => MappingResult<T> },
    ingest: (result: MappingResult<T>) => Promise<{ rejected: number; message: string }>,
    kind: 'traces' | 'logs',
  ) => {
    app.post(path, async (request, reply) => {
      const encoding = encodingOf(request);
      const body = await decodedBody(request, options.maxBodyBytes);
      const result = encoding === 'proto' ? decode.proto(body, now()) : decode.json(body.toString('utf8'), now());
      const outcome = await ingest(result);
      if (encoding === 'proto') return reply.type(PROTO).send(Buffer.from(encodeExportResponseProto(outcome.rejected, outcome.message)));
      return reply.type('application/json').send(exportResponseJson(kind, outcome.rejected, outcome.message));
    });
  };
  otlpRoute<Span>('/v1/traces', { json: decodeTracesJson, proto: decodeTracesProto }, (r) => options.pipeline.ingestSpans(r), 'traces');
  otlpRoute<LogRecord>('/v1/logs', { json: decodeLogsJson, proto: decodeLogsProto }, (r) => options.pipeline.ingestLogs(r), 'logs');

  // Metrics are out of scope: accepted (so SDKs configured for all signals do not log errors) and dropped.
  app.post('/v1/metrics', async (request, reply) => {
    if (encodingOf(request) === 'proto') return reply.type(PROTO).send(Buffer.alloc(0));
    return reply.type('application/json').send({});
  });

  app.post('/v1/events', async (request, reply) => {
    const body = await decodedBody(request, options.maxBodyBytes);
    const ndjson = (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-ndjson');
    const events = toOrderEvents(parseEventsBody(body.toString('utf8'), ndjson), now());
    await options.pipeline.ingestEvents(events);
    return reply.type('application/json').send({ accepted: events.length });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = options.ready ? await options.ready() : true;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  const metricsText = options.metricsText ?? (async () => options.metrics.render());
  app.get('/metrics', async (_request, reply) => reply.type(PROMETHEUS_CONTENT_TYPE).send(await metricsText()));
  return app;
}
