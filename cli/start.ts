// `ordertrace start`: all-in-one mode, plus the demo pipeline unless --no-demo.
import type { Settings } from '../core/settings.ts';
import { runDemo } from '../demo/run-demo.ts';
import { startAllInOne } from './wiring.ts';

export const START_SETTINGS = [
  'host', 'httpPort', 'otlpPort', 'otlpGrpcPort', 'dataDir', 'durability', 'retentionDays', 'maxBodyMiB', 'config', 'demo', 'demoRate', 'logLevel',
] as const;

export async function runStart(settings: Settings<(typeof START_SETTINGS)[number]>): Promise<void> {
  const running = await startAllInOne(settings);
  const shown = settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host;
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`ordertrace all-in-one is running (data in ${settings.dataDir})`);
  say(`  query API  http://${shown}:${running.httpPort}/api/v1/services   (OpenAPI: /api/openapi.json)`);
  say(`  OTLP/HTTP  http://${shown}:${running.otlpPort}/v1/traces, /v1/logs; order events: /v1/events`);
  if (running.otlpGrpcPort !== null) say(`  OTLP/gRPC  ${shown}:${running.otlpGrpcPort}`);

  const demoAbort = new AbortController();
  const demo = settings.demo
    ? runDemo({
        endpoint: `http://${shown}:${running.otlpPort}`,
        ratePerSecond: settings.demoRate,
        signal: demoAbort.signal,
        log: (line) => say(`  demo: ${line}`),
      }).catch((error: unknown) => say(`  demo stopped: ${(error as Error).message}`))
    : Promise.resolve();
  if (settings.demo) say(`  demo traffic: ${settings.demoRate} orders/s (disable with --no-demo); look orders up at http://${shown}:${running.httpPort}/api/v1/orders/<order id>`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`received ${signal}, shutting down`);
    demoAbort.abort();
    await demo;
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
