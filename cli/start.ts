// `ordertrace start`: all-in-one mode. With the embedded store the demo pipeline runs unless --no-demo;
// with --store clickhouse (a one-box production-like setup) only when --demo is given explicitly.
import type { Settings } from '../core/settings.ts';
import { runDemo } from '../demo/run-demo.ts';
import { say, shownHost, stopOnSignals } from './lifecycle.ts';
import { startAllInOne } from './wiring.ts';

export const START_SETTINGS = [
  'host', 'httpPort', 'otlpPort', 'otlpGrpcPort', 'dataDir', 'durability', 'retentionDays', 'maxBodyMiB', 'config', 'rules', 'rulesDir', 'demo', 'demoRate', 'logLevel',
  'store', 'bus', 'kafkaBrokers', 'kafkaPartitions', 'clickhouseUrl', 'clickhouseUser', 'clickhousePassword', 'clickhouseDatabase',
] as const;

export type StartSettings = Settings<(typeof START_SETTINGS)[number]>;

/** The demo runs by default only on the embedded store; elsewhere it must be asked for. */
export const demoWanted = (settings: StartSettings, demoExplicit: boolean): boolean => (demoExplicit ? settings.demo : settings.store === 'sqlite');

export async function runStart(settings: StartSettings, demoExplicit: boolean): Promise<void> {
  const running = await startAllInOne(settings);
  const shown = shownHost(settings.host);
  const demoOn = demoWanted(settings, demoExplicit);
  const where = settings.store === 'sqlite' ? `data in ${settings.dataDir}` : `store: ClickHouse ${settings.clickhouseUrl}/${settings.clickhouseDatabase}`;
  const bus = settings.bus === 'kafka' ? `bus: Kafka ${settings.kafkaBrokers}` : 'bus: in-process';
  say(`ordertrace all-in-one is running (${where}; ${bus})`);
  say(`  query API  http://${shown}:${running.httpPort}/api/v1/services   (OpenAPI: /api/openapi.json)`);
  say(`  OTLP/HTTP  http://${shown}:${running.otlpPort}/v1/traces, /v1/logs; order events: /v1/events; /metrics`);
  if (running.otlpGrpcPort !== null) say(`  OTLP/gRPC  ${shown}:${running.otlpGrpcPort}`);

  const demoAbort = new AbortController();
  const demo = demoOn
    ? runDemo({
        endpoint: `http://${shown}:${running.otlpPort}`,
        ratePerSecond: settings.demoRate,
        signal: demoAbort.signal,
        log: (line) => say(`  demo: ${line}`),
      }).catch((error: unknown) => say(`  demo stopped: ${(error as Error).message}`))
    : Promise.resolve();
  if (demoOn) say(`  demo traffic: ${settings.demoRate} orders/s (disable with --no-demo); look orders up at http://${shown}:${running.httpPort}/api/v1/orders/<order id>`);

  stopOnSignals(async () => {
    demoAbort.abort();
    await demo;
    await running.stop();
  });
}
