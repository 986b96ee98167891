// Distributed mode: `ordertrace collector`, `ordertrace ingester`, `ordertrace query-api`, one role per
// process, scaled independently, joined by the bus (Kafka) and the store (ClickHouse).
import type { Settings } from '../core/settings.ts';
import { say, shownHost, stopOnSignals } from './lifecycle.ts';
import { startCollector, startIngesterService, startQueryApi, startRulesService } from './wiring.ts';

const BUS = ['bus', 'kafkaBrokers', 'kafkaPartitions', 'dataDir', 'durability'] as const;
const STORE = ['store', 'clickhouseUrl', 'clickhouseUser', 'clickhousePassword', 'clickhouseDatabase', 'retentionDays', 'dataDir', 'durability'] as const;
const unique = <T extends string>(keys: readonly T[]): T[] => [...new Set(keys)];

export const COLLECTOR_SETTINGS = unique(['host', 'otlpPort', 'otlpGrpcPort', 'maxBodyMiB', 'config', 'logLevel', ...BUS] as const);
export const INGESTER_SETTINGS = unique(['host', 'metricsPort', 'config', 'logLevel', ...BUS, ...STORE] as const);
export const QUERY_API_SETTINGS = unique(['host', 'httpPort', 'config', 'rulesDir', 'logLevel', ...STORE] as const);
export const RULES_SETTINGS = unique(['host', 'metricsPort', 'config', 'rulesDir', 'logLevel', ...BUS, ...STORE] as const);

export async function runCollector(settings: Settings<(typeof COLLECTOR_SETTINGS)[number]>): Promise<void> {
  const running = await startCollector(settings);
  const host = shownHost(settings.host);
  say(`ordertrace collector is running (bus: ${settings.bus === 'kafka' ? `Kafka ${settings.kafkaBrokers}` : `in-process, ${settings.dataDir}`})`);
  say(`  OTLP/HTTP  http://${host}:${running.otlpPort}/v1/traces, /v1/logs; /v1/events; /metrics /healthz /readyz`);
  if (running.otlpGrpcPort !== null) say(`  OTLP/gRPC  ${host}:${running.otlpGrpcPort}`);
  stopOnSignals(() => running.stop());
}

export async function runIngester(settings: Settings<(typeof INGESTER_SETTINGS)[number]>): Promise<void> {
  const running = await startIngesterService(settings);
  say(`ordertrace ingester is running (group ${running.ingester.groupId}; store: ${settings.store === 'clickhouse' ? `ClickHouse ${settings.clickhouseUrl}/${settings.clickhouseDatabase}` : `SQLite, ${settings.dataDir}`})`);
  say(`  status     http://${shownHost(settings.host)}:${running.metricsPort}/metrics /healthz /readyz`);
  stopOnSignals(() => running.stop());
}

export async function runQueryApi(settings: Settings<(typeof QUERY_API_SETTINGS)[number]>): Promise<void> {
  const running = await startQueryApi(settings);
  say(`ordertrace query API is running (store: ${settings.store === 'clickhouse' ? `ClickHouse ${settings.clickhouseUrl}/${settings.clickhouseDatabase}` : `SQLite, ${settings.dataDir}`})`);
  say(`  query API  http://${shownHost(settings.host)}:${running.httpPort}/api/v1/services   (OpenAPI: /api/openapi.json; /healthz /readyz)`);
  stopOnSignals(() => running.stop());
}

export async function runRules(settings: Settings<(typeof RULES_SETTINGS)[number]>): Promise<void> {
  const running = await startRulesService(settings);
  const rules = running.served.runtime.current().rules.length;
  say(`ordertrace rules worker is running (${rules} rules${settings.rulesDir ? ` incl. ${settings.rulesDir}` : ''}; group ordertrace-rules; store: ${settings.store === 'clickhouse' ? `ClickHouse ${settings.clickhouseUrl}/${settings.clickhouseDatabase}` : `SQLite, ${settings.dataDir}`})`);
  say(`  status     http://${shownHost(settings.host)}:${running.metricsPort}/metrics /healthz /readyz`);
  stopOnSignals(() => running.stop());
}
