// `ordertrace demo`: the simulated order pipeline against any collector.
import type { Settings } from '../core/settings.ts';
import { runDemo } from '../demo/run-demo.ts';

export const DEMO_SETTINGS = ['endpoint', 'protocol', 'demoRate', 'orders'] as const;

export async function runDemoCommand(settings: Settings<(typeof DEMO_SETTINGS)[number]>): Promise<void> {
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  const summary = await runDemo({
    endpoint: settings.endpoint,
    protocol: settings.protocol as 'http/protobuf' | 'http/json' | 'grpc',
    ratePerSecond: settings.demoRate,
    orders: settings.orders,
    signal: abort.signal,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`demo finished: ${JSON.stringify(summary)}\n`);
}
