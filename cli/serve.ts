// Serving the three roles over already opened backends: the collector's listeners, the ingester with its
// status server, the query API, and the retention sweep. No implementation choices here (backends.ts).
import type { FastifyInstance } from 'fastify';
import type { Bus } from '../core/bus/bus.ts';
import type { DomainConfig } from '../core/domain-config.ts';
import type { Store } from '../core/store/store.ts';
import { startCollectorGrpc, type RunningGrpc } from '../collector/grpc.ts';
import type { Probe } from '../collector/health.ts';
import { buildCollectorHttp } from '../collector/http.ts';
import { buildStatusHttp } from '../collector/ingester-http.ts';
import { startIngester, type IngesterOptions, type RunningIngester } from '../collector/ingester.ts';
import { CollectorMetrics } from '../collector/metrics.ts';
import { IngestPipeline } from '../collector/pipeline.ts';
import { buildQueryApi } from '../query-api/app.ts';
import type { RulesRuntime } from '../query-api/routes/context.ts';

export type Logger = false | { level: string };

const RETENTION_SWEEP_MS = 10 * 60_000;

export async function listen(app: FastifyInstance, host: string, port: number): Promise<number> {
  await app.listen({ host, port });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : port;
}

export interface ServedCollector {
  metrics: CollectorMetrics;
  otlpPort: number;
  otlpGrpcPort: number | null;
  close(): Promise<void>;
}

export async function serveCollector(options: {
  bus: Bus;
  domain: DomainConfig;
  host: string;
  otlpPort: number;
  otlpGrpcPort: number;
  maxBodyMiB: number;
  logger: Logger;
  ready: Probe;
  /** Extra Prometheus text appended to /metrics (all-in-one: the ingester's). */
  extraMetrics?: () => Promise<string>;
}): Promise<ServedCollector> {
  const metrics = new CollectorMetrics();
  const pipeline = new IngestPipeline({ bus: options.bus, metrics, keyAttributes: options.domain.keyAttributes, spanNameEvents: options.domain.spanNameEvents });
  const maxBodyBytes = Math.round(options.maxBodyMiB * 1024 * 1024);
  const extra = options.extraMetrics;
  const http = buildCollectorHttp({
    pipeline, metrics, maxBodyBytes, logger: options.logger, ready: options.ready,
    ...(extra ? { metricsText: async () => metrics.render() + (await extra()) } : {}),
  });
  const otlpPort = await listen(http, options.host, options.otlpPort);
  let grpc: RunningGrpc | null = null;
  try {
    if (options.otlpGrpcPort !== 0) grpc = await startCollectorGrpc({ pipeline, metrics, maxBodyBytes, host: options.host, port: options.otlpGrpcPort });
  } catch (error) {
    await http.close();
    throw error;
  }
  return {
    metrics,
    otlpPort,
    otlpGrpcPort: grpc?.port ?? null,
    async close() {
      await http.close();
      await grpc?.close();
    },
  };
}

export interface ServedIngester {
  ingester: RunningIngester;
  /** Port of /metrics, /healthz, /readyz; null when not served (all-in-one serves them on the collector's port). */
  metricsPort: number | null;
  close(): Promise<void>;
}

export async function serveIngester(
  options: Omit<IngesterOptions, 'bus' | 'store'> & { bus: Bus; store: Store; ready: Probe; status?: { host: string; port: number; logger: Logger } },
): Promise<ServedIngester> {
  const ingester = await startIngester(options);
  let status: FastifyInstance | null = null;
  let metricsPort: number | null = null;
  if (options.status) {
    status = buildStatusHttp({ metrics: () => ingester.renderMetrics(), ready: options.ready, logger: options.status.logger });
    try {
      metricsPort = await listen(status, options.status.host, options.status.port);
    } catch (error) {
      await ingester.stop();
      throw error;
    }
  }
  return {
    ingester,
    metricsPort,
    async close() {
      await status?.close();
      await ingester.stop();
    },
  };
}

export async function serveQueryApi(options: {
  store: Store;
  domain: DomainConfig;
  host: string;
  httpPort: number;
  logger: Logger;
  rules: RulesRuntime;
}): Promise<{ httpPort: number; close(): Promise<void> }> {
  const app = buildQueryApi({ store: options.store, stages: options.domain.stages, keyAttributes: options.domain.keyAttributes, logger: options.logger, rules: options.rules, ui: true });
  const httpPort = await listen(app, options.host, options.httpPort);
  return { httpPort, close: () => app.close() };
}

/** Deletes data older than the retention now and every 10 minutes; returns the stopper. */
export function startRetentionSweep(store: Store, retentionDays: number): () => void {
  const sweep = () => store.deleteBefore(Date.now() - retentionDays * 86_400_000).catch(() => undefined);
  void sweep();
  const timer = setInterval(sweep, RETENTION_SWEEP_MS);
  timer.unref();
  return () => clearInterval(timer);
}
