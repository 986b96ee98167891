// Starts distributed mode in-process, through the CLI's wiring functions, on ephemeral ports: a collector
// (Kafka bus), an ingester (Kafka → ClickHouse) and a query API (ClickHouse), each with its own bus or
// store connection as separate processes would have. Fresh ClickHouse database and a fresh consumer
// group per run, the group starting at the topics' current end (earlier runs' messages are not replayed).
import { Kafka } from 'kafkajs';
import { Topics } from '../../core/bus/bus.ts';
import { startCollector, startIngesterService, startQueryApi, startRulesService, type IngesterSettings, type Running } from '../../cli/wiring.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, requireClickHouse } from '../clickhouse/server.ts';
import { brokers, requireBroker } from '../kafka/broker.ts';
import { freePort } from './all-in-one.ts';
import { apiClient, type ApiClient } from './api-client.ts';

export interface DistributedInstance extends ApiClient {
  otlpUrl: string;
  grpcUrl: string;
  /** The collector's /metrics, /healthz, /readyz live on otlpUrl; the ingester's here. */
  ingesterStatusUrl: string;
  /** The rules worker's /metrics, /healthz, /readyz (when started with rules). */
  rulesStatusUrl: string | null;
  database: string;
  groupId: string;
  dispose(): Promise<void>;
}

/** Commits the group's offsets at the topics' current end, so it starts with what is published next. */
export async function startGroupAtEnd(groupId: string): Promise<void> {
  const admin = new Kafka({ clientId: 'ordertrace-test-admin', brokers, logLevel: 0 }).admin();
  await admin.connect();
  try {
    // Explicit offsets: resetOffsets({ earliest: false }) commits -1, which a consumer reads as "none".
    for (const topic of Object.values(Topics)) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    }
  } finally {
    await admin.disconnect();
  }
}

/** Fails (never skips) when Kafka or ClickHouse is unreachable. */
export async function startDistributed(purpose: string, options: { rules?: boolean } = {}): Promise<DistributedInstance> {
  await requireBroker();
  await requireClickHouse();
  const database = freshDatabase(purpose);
  const groupId = `ordertrace-ingester-${database}`;
  const common = {
    host: '127.0.0.1', config: undefined, logLevel: 'silent', dataDir: '/nonexistent', durability: 'full',
    bus: 'kafka', kafkaBrokers: brokers.join(','), kafkaPartitions: 3,
    store: 'clickhouse', clickhouseUrl: CLICKHOUSE_URL, clickhouseUser: 'default', clickhousePassword: undefined, clickhouseDatabase: database,
    retentionDays: 3650,
  } as const satisfies Partial<IngesterSettings>;

  const started: Running[] = [];
  const stopAll = async () => {
    for (const r of started.reverse()) await r.stop().catch(() => undefined);
  };
  try {
    // The collector ensures the topics exist before the group's offsets are placed.
    const collector = await startCollector({ ...common, otlpPort: 0, otlpGrpcPort: await freePort(), maxBodyMiB: 4 });
    started.push(collector);
    await startGroupAtEnd(groupId);
    const ingester = await startIngesterService({ ...common, metricsPort: 0 }, { groupId, lingerMs: 50 });
    started.push(ingester);
    let rulesStatusUrl: string | null = null;
    if (options.rules) {
      const rulesGroup = `ordertrace-rules-${database}`;
      await startGroupAtEnd(rulesGroup);
      const rules = await startRulesService({ ...common, metricsPort: 0, rulesDir: undefined }, rulesGroup);
      started.push(rules);
      rulesStatusUrl = `http://127.0.0.1:${rules.metricsPort}`;
    }
    const api = await startQueryApi({ ...common, httpPort: 0, rulesDir: undefined });
    started.push(api);
    return {
      ...apiClient(`http://127.0.0.1:${api.httpPort}`, 30_000),
      otlpUrl: `http://127.0.0.1:${collector.otlpPort}`,
      grpcUrl: `http://127.0.0.1:${collector.otlpGrpcPort}`,
      ingesterStatusUrl: `http://127.0.0.1:${ingester.metricsPort}`,
      rulesStatusUrl,
      database,
      groupId,
      async dispose() {
        await stopAll();
        await dropDatabase(database);
      },
    };
  } catch (error) {
    await stopAll();
    await dropDatabase(database).catch(() => undefined);
    throw error;
  }
}
