// Wires each command from the settings: backends come from openBus()/openStore() (backends.ts, the only
// place choosing implementations), roles from serve.ts. All-in-one runs the three roles in one process.
import type { Bus } from '../core/bus/bus.ts';
import { loadDomainConfig } from '../core/domain-config.ts';
import type { Settings } from '../core/settings.ts';
import type { Store } from '../core/store/store.ts';
import { allOf, busProbe, storeProbe } from '../collector/health.ts';
import { INGESTER_GROUP, type IngesterOptions, type RunningIngester } from '../collector/ingester.ts';
import { buildStatusHttp } from '../collector/ingester-http.ts';
import { checkBackendSettings, openBus, openStore, topicPartitions, type BusSettings, type StoreSettings } from './backends.ts';
import { RULES_GROUP } from '../rules/worker.ts';
import { openRules, serveRules, type ServedRules } from './rules-role.ts';
import { listen, serveCollector, serveIngester, serveQueryApi, startRetentionSweep, type Logger } from './serve.ts';

export { openBus, openStore } from './backends.ts';

type Common = Settings<'host' | 'config' | 'logLevel'>;
type RulesFiles = Settings<'rulesDir'>;
export type CollectorSettings = Common & BusSettings & Settings<'otlpPort' | 'otlpGrpcPort' | 'maxBodyMiB'>;
export type IngesterSettings = Common & BusSettings & StoreSettings & Settings<'metricsPort'>;
export type QueryApiSettings = Common & StoreSettings & RulesFiles & Settings<'httpPort'>;
export type RulesSettings = Common & BusSettings & StoreSettings & RulesFiles & Settings<'metricsPort'>;
export type AllInOneSettings = Common & BusSettings & StoreSettings & RulesFiles & Settings<'httpPort' | 'otlpPort' | 'otlpGrpcPort' | 'maxBodyMiB' | 'rules'>;

/** Tuning the settings table does not expose (tests use a fresh group and a short linger). */
export type IngesterTuning = Pick<IngesterOptions, 'groupId' | 'lingerMs' | 'maxWriteRecords' | 'onError'>;

export interface Running {
  stop(): Promise<void>;
}

const loggerFor = (level: Common['logLevel']): Logger => (level === 'silent' ? false : { level });

async function closeQuietly(...resources: Array<Bus | Store | null>): Promise<void> {
  for (const resource of resources) await resource?.close().catch(() => undefined);
}

export async function startCollector(settings: CollectorSettings): Promise<Running & { otlpPort: number; otlpGrpcPort: number | null }> {
  checkBackendSettings(settings);
  const domain = loadDomainConfig(settings.config);
  const bus = await openBus(settings, 'ordertrace-collector');
  try {
    const collector = await serveCollector({ ...settings, bus, domain, logger: loggerFor(settings.logLevel), ready: busProbe(bus, INGESTER_GROUP) });
    return {
      otlpPort: collector.otlpPort,
      otlpGrpcPort: collector.otlpGrpcPort,
      async stop() {
        await collector.close();
        await bus.close();
      },
    };
  } catch (error) {
    await closeQuietly(bus);
    throw error;
  }
}

/** Opens the bus and the store, serves a role over them, and closes both after the role stops (or fails to start). */
async function overBusAndStore<T extends Running>(
  settings: BusSettings & StoreSettings,
  clientId: string,
  keyAttributes: string[],
  serve: (bus: Bus, store: Store) => Promise<T>,
): Promise<T> {
  const bus = await openBus(settings, clientId);
  let store: Store | null = null;
  try {
    store = await openStore(settings, keyAttributes);
    const served = await serve(bus, store);
    const opened = store;
    return {
      ...served,
      async stop() {
        await served.stop();
        await bus.close();
        await opened.close();
      },
    };
  } catch (error) {
    await closeQuietly(bus, store);
    throw error;
  }
}

export async function startIngesterService(
  settings: IngesterSettings,
  tuning: IngesterTuning = {},
): Promise<Running & { metricsPort: number; ingester: RunningIngester }> {
  checkBackendSettings(settings);
  const domain = loadDomainConfig(settings.config);
  return overBusAndStore(settings, 'ordertrace-ingester', domain.keyAttributes, async (bus, store) => {
    const groupId = tuning.groupId ?? INGESTER_GROUP;
    const served = await serveIngester({
      ...tuning, bus, store, groupId,
      ready: allOf(busProbe(bus, groupId), storeProbe(store)),
      status: { host: settings.host, port: settings.metricsPort, logger: loggerFor(settings.logLevel) },
    });
    const stopSweep = startRetentionSweep(store, settings.retentionDays);
    return {
      metricsPort: served.metricsPort!,
      ingester: served.ingester,
      async stop() {
        stopSweep();
        await served.close();
      },
    };
  });
}

export async function startQueryApi(settings: QueryApiSettings): Promise<Running & { httpPort: number }> {
  checkBackendSettings(settings);
  const domain = loadDomainConfig(settings.config);
  const store = await openStore(settings, domain.keyAttributes);
  const rules = openRules({ store, domain, rulesDir: settings.rulesDir });
  try {
    const api = await serveQueryApi({ store, domain, host: settings.host, httpPort: settings.httpPort, logger: loggerFor(settings.logLevel), rules });
    return {
      httpPort: api.httpPort,
      async stop() {
        await api.close();
        rules.close();
        await store.close();
      },
    };
  } catch (error) {
    rules.close();
    await closeQuietly(store);
    throw error;
  }
}

/** `ordertrace rules`: the rules worker (a consumer group member) with /metrics, /healthz, /readyz on --metrics-port. */
export async function startRulesService(settings: RulesSettings, groupId = RULES_GROUP): Promise<Running & { metricsPort: number; served: ServedRules }> {
  checkBackendSettings(settings);
  const domain = loadDomainConfig(settings.config);
  return overBusAndStore(settings, 'ordertrace-rules', domain.keyAttributes, async (bus, store) => {
    const served = await serveRules({ bus, store, domain, rulesDir: settings.rulesDir, partitions: topicPartitions(settings), groupId });
    const { worker } = served;
    const status = buildStatusHttp({
      metrics: async () => worker.metrics.render({ openOrders: worker.openOrders(), pendingTimers: worker.pendingTimers() }),
      ready: allOf(busProbe(bus, groupId), storeProbe(store)),
      logger: loggerFor(settings.logLevel),
    });
    let metricsPort: number;
    try {
      metricsPort = await listen(status, settings.host, settings.metricsPort);
    } catch (error) {
      await served.close();
      throw error;
    }
    return {
      metricsPort,
      served,
      async stop() {
        await status.close();
        await served.close();
      },
    };
  });
}

export interface RunningAllInOne extends Running {
  httpPort: number;
  otlpPort: number;
  otlpGrpcPort: number | null;
}

/** Collector, ingester and query API in one process over one bus and one store. */
export async function startAllInOne(settings: AllInOneSettings, tuning: IngesterTuning = {}): Promise<RunningAllInOne> {
  checkBackendSettings(settings);
  const domain = loadDomainConfig(settings.config);
  const logger = loggerFor(settings.logLevel);
  const bus = await openBus(settings);
  let store: Store | null = null;
  const stops: Array<() => Promise<void> | void> = [];
  try {
    store = await openStore(settings, domain.keyAttributes);
    const groupId = tuning.groupId ?? INGESTER_GROUP;
    const ready = allOf(busProbe(bus, groupId), storeProbe(store));
    const { ingester, close: closeIngester } = await serveIngester({ ...tuning, bus, store, groupId, ready });
    stops.push(closeIngester);
    const opened = store;
    const rules = settings.rules ? await serveRules({ bus, store, domain, rulesDir: settings.rulesDir, partitions: topicPartitions(settings) }) : null;
    const runtime = rules?.runtime ?? openRules({ store, domain, rulesDir: settings.rulesDir });
    stops.push(() => (rules ? rules.close() : runtime.close()));
    const rulesMetrics = async () => (rules ? rules.worker.metrics.render({ openOrders: rules.worker.openOrders(), pendingTimers: rules.worker.pendingTimers() }) : '');
    const collector = await serveCollector({ ...settings, bus, domain, logger, ready, extraMetrics: async () => (await ingester.renderMetrics()) + (await rulesMetrics()) });
    stops.push(() => collector.close());
    const api = await serveQueryApi({ store, domain, host: settings.host, httpPort: settings.httpPort, logger, rules: runtime });
    stops.push(() => api.close());
    stops.push(startRetentionSweep(store, settings.retentionDays));
    return {
      httpPort: api.httpPort,
      otlpPort: collector.otlpPort,
      otlpGrpcPort: collector.otlpGrpcPort,
      async stop() {
        // Receivers first, then the ingester (drains its batch), then the backends.
        for (const stop of stops.reverse()) await stop();
        await bus.close();
        await opened.close();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    await closeQuietly(bus, store);
    throw error;
  }
}
