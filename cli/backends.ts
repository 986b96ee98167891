// The only place that chooses implementations: openBus() picks the in-process bus or Kafka, openStore()
// SQLite or ClickHouse, from the settings. Every command (start, collector, ingester, query-api) uses them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Bus } from '../core/bus/bus.ts';
import { Topics } from '../core/bus/bus.ts';
import { KafkaBus, type KafkaLogLevel } from '../core/bus/kafka-bus.ts';
import { SqliteBus } from '../core/bus/sqlite-bus.ts';
import { UnavailableError } from '../core/errors.ts';
import { SETTINGS, SettingsError, type Settings } from '../core/settings.ts';
import { ClickHouseStore } from '../core/store/clickhouse-store.ts';
import { SqliteStore } from '../core/store/sqlite-store.ts';
import type { Store } from '../core/store/store.ts';

export type BusSettings = Settings<'bus' | 'dataDir' | 'durability' | 'kafkaBrokers' | 'kafkaPartitions' | 'logLevel'>;
export type StoreSettings = Settings<
  'store' | 'dataDir' | 'durability' | 'retentionDays' | 'clickhouseUrl' | 'clickhouseUser' | 'clickhousePassword' | 'clickhouseDatabase'
>;

/** Partitions of the in-process bus's topics (it spreads work over partitions, not machines). */
const INPROCESS_PARTITIONS = 8;
/** Kafka partitions one ingester works on at once, so the batcher can merge them into one store write. */
const KAFKA_PARTITIONS_CONCURRENTLY = 6;

const named = (key: keyof typeof SETTINGS) => `${SETTINGS[key].flag} (${SETTINGS[key].env})`;

export function kafkaBrokerList(text: string): string[] {
  const brokers = text.split(',').map((b) => b.trim()).filter((b) => b !== '');
  const bad = brokers.filter((b) => !/^[^\s:/]+:\d{1,5}$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b));
  if (brokers.length === 0 || bad.length > 0) {
    throw new SettingsError([`${named('kafkaBrokers')} must be a comma-separated list of host:port, got "${text}"`]);
  }
  return brokers;
}

function checkClickHouseUrl(text: string): void {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new SettingsError([`${named('clickhouseUrl')} must be an http:// or https:// URL, got "${text}"`]);
  }
}

/** Checks what the table's per-setting validators cannot (formats of brokers and URLs), before connecting. */
export function checkBackendSettings(settings: Partial<BusSettings & StoreSettings>): void {
  if (settings.bus === 'kafka' && settings.kafkaBrokers !== undefined) kafkaBrokerList(settings.kafkaBrokers);
  if (settings.store === 'clickhouse' && settings.clickhouseUrl !== undefined) checkClickHouseUrl(settings.clickhouseUrl);
}

function kafkaLogLevel(level: BusSettings['logLevel']): KafkaLogLevel {
  if (level === 'silent') return 'nothing';
  if (level === 'fatal' || level === 'error') return 'error';
  if (level === 'debug' || level === 'trace') return 'info';
  return 'warn';
}

/** Partitions of each ordertrace topic, as openBus() creates them (the rules worker keys its state by them). */
export function topicPartitions(settings: Pick<BusSettings, 'bus' | 'kafkaPartitions'>): number {
  return settings.bus === 'inprocess' ? INPROCESS_PARTITIONS : settings.kafkaPartitions;
}

/** Opens the bus the settings choose and makes sure ordertrace's topics exist. */
export async function openBus(settings: BusSettings, clientId = 'ordertrace'): Promise<Bus> {
  if (settings.bus === 'inprocess') {
    mkdirSync(settings.dataDir, { recursive: true });
    const bus = await SqliteBus.open({ path: join(settings.dataDir, 'bus.sqlite'), durability: settings.durability });
    await bus.ensureTopics(Object.values(Topics).map((name) => ({ name, partitions: INPROCESS_PARTITIONS })));
    return bus;
  }
  const brokers = kafkaBrokerList(settings.kafkaBrokers);
  const quiet = settings.logLevel === 'silent';
  let bus: KafkaBus;
  try {
    bus = await KafkaBus.open({
      brokers,
      clientId,
      logLevel: kafkaLogLevel(settings.logLevel),
      partitionsConsumedConcurrently: KAFKA_PARTITIONS_CONCURRENTLY,
      ...(quiet ? { onError: () => undefined } : {}),
    });
  } catch (error) {
    throw new UnavailableError(`cannot reach Kafka at ${brokers.join(',')} (${named('kafkaBrokers')}): ${(error as Error).message}`);
  }
  try {
    await bus.ensureTopics(Object.values(Topics).map((name) => ({ name, partitions: settings.kafkaPartitions })));
  } catch (error) {
    await bus.close();
    throw error;
  }
  return bus;
}

/** Opens (and migrates) the store the settings choose. */
export async function openStore(settings: StoreSettings, keyAttributes: string[]): Promise<Store> {
  if (settings.store === 'sqlite') {
    mkdirSync(settings.dataDir, { recursive: true });
    return SqliteStore.open({ dataDir: settings.dataDir, durability: settings.durability, keyAttributes });
  }
  checkClickHouseUrl(settings.clickhouseUrl);
  try {
    return await ClickHouseStore.open({
      url: settings.clickhouseUrl,
      username: settings.clickhouseUser,
      ...(settings.clickhousePassword !== undefined ? { password: settings.clickhousePassword } : {}),
      database: settings.clickhouseDatabase,
      keyAttributes,
      retentionDays: settings.retentionDays,
    });
  } catch (error) {
    if (!(error instanceof UnavailableError)) throw error;
    throw new UnavailableError(`cannot reach ClickHouse at ${settings.clickhouseUrl} (${named('clickhouseUrl')}): ${error.message}`);
  }
}
