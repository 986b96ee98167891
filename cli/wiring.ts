// The only place that chooses implementations: all-in-one mode wires the SQLite store and the
// in-process bus into the collector, ingester and query API, in one process.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Topics } from '../core/bus/bus.ts';
import { SqliteBus } from '../core/bus/sqlite-bus.ts';
import { loadDomainConfig } from '../core/domain-config.ts';
import type { Settings } from '../core/settings.ts';
import { SqliteStore } from '../core/store/sqlite-store.ts';
import { startCollectorGrpc, type RunningGrpc } from '../collector/grpc.ts';
import { buildCollectorHttp } from '../collector/http.ts';
import { startIngester } from '../collector/ingester.ts';
import { CollectorMetrics } from '../collector/metrics.ts';
import { IngestPipeline } from '../collector/pipeline.ts';
import { buildQueryApi } from '../query-api/app.ts';

export type AllInOneSettings = Settings<
  'host' | 'httpPort' | 'otlpPort' | 'otlpGrpcPort' | 'dataDir' | 'durability' | 'retentionDays' | 'maxBodyMiB' | 'config' | 'logLevel'
>;

export interface RunningAllInOne {
  httpPort: number;
  otlpPort: number;
  otlpGrpcPort: number | null;
  stop(): Promise<void>;
}

const PARTITIONS = 8;
const RETENTION_SWEEP_MS = 10 * 60_000;

async function listen(app: FastifyInstance, host: string, port: number): Promise<number> {
  await app.listen({ host, port });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : port;
}

export async function startAllInOne(settings: AllInOneSettings): Promise<RunningAllInOne> {
  const domain = loadDomainConfig(settings.config);
  mkdirSync(settings.dataDir, { recursive: true });
  const logger = settings.logLevel === 'silent' ? false : { level: settings.logLevel };

  const bus = await SqliteBus.open({ path: join(settings.dataDir, 'bus.sqlite'), durability: settings.durability });
  await bus.ensureTopics(Object.values(Topics).map((name) => ({ name, partitions: PARTITIONS })));
  const store = await SqliteStore.open({ dataDir: settings.dataDir, durability: settings.durability, keyAttributes: domain.keyAttributes });

  const metrics = new CollectorMetrics();
  const pipeline = new IngestPipeline({ bus, metrics, keyAttributes: domain.keyAttributes, spanNameEvents: domain.spanNameEvents });
  const maxBodyBytes = Math.round(settings.maxBodyMiB * 1024 * 1024);
  const collector = buildCollectorHttp({ pipeline, metrics, maxBodyBytes, logger });
  const ingester = await startIngester({ bus, store });
  const queryApi = buildQueryApi({ store, stages: domain.stages, keyAttributes: domain.keyAttributes, logger });

  const otlpPort = await listen(collector, settings.host, settings.otlpPort);
  let grpc: RunningGrpc | null = null;
  if (settings.otlpGrpcPort !== 0) {
    grpc = await startCollectorGrpc({ pipeline, metrics, maxBodyBytes, host: settings.host, port: settings.otlpGrpcPort });
  }
  const httpPort = await listen(queryApi, settings.host, settings.httpPort);

  const sweep = () => store.deleteBefore(Date.now() - settings.retentionDays * 86_400_000).catch(() => undefined);
  void sweep();
  const retention = setInterval(sweep, RETENTION_SWEEP_MS);
  retention.unref();

  return {
    httpPort,
    otlpPort,
    otlpGrpcPort: grpc?.port ?? null,
    async stop() {
      clearInterval(retention);
      await collector.close();
      await grpc?.close();
      await queryApi.close();
      await ingester.stop();
      await bus.close();
      await store.close();
    },
  };
}
