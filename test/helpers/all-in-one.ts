// Starts the real all-in-one wiring on ephemeral ports in a temp data dir, for end-to-end tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, type ApiClient } from './api-client.ts';
import { startAllInOne, type AllInOneSettings, type RunningAllInOne } from '../../cli/wiring.ts';

/** The bus/store settings of all-in-one's default (embedded) backends; the Kafka/ClickHouse ones are unused. */
export const EMBEDDED_BACKENDS = {
  bus: 'inprocess', store: 'sqlite', kafkaBrokers: '127.0.0.1:9092', kafkaPartitions: 1,
  clickhouseUrl: 'http://127.0.0.1:8123', clickhouseUser: 'default', clickhousePassword: undefined, clickhouseDatabase: 'ordertrace',
} as const satisfies Partial<AllInOneSettings>;

export interface TestInstance extends RunningAllInOne, ApiClient {
  dataDir: string;
  otlpUrl: string;
  grpcUrl: string;
  dispose(): Promise<void>;
}

/** A port that was free a moment ago (gRPC port 0 means "disabled" in the settings). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startTestInstance(dataDir = mkdtempSync(join(tmpdir(), 'ot-e2e-'))): Promise<TestInstance> {
  const running = await startAllInOne({
    host: '127.0.0.1', httpPort: 0, otlpPort: 0, otlpGrpcPort: await freePort(), dataDir, durability: 'full',
    retentionDays: 3650, maxBodyMiB: 4, config: undefined, logLevel: 'silent', rules: true, rulesDir: undefined, ...EMBEDDED_BACKENDS,
  });
  const instance: TestInstance = {
    ...running,
    ...apiClient(`http://127.0.0.1:${running.httpPort}`),
    dataDir,
    otlpUrl: `http://127.0.0.1:${running.otlpPort}`,
    grpcUrl: `http://127.0.0.1:${running.otlpGrpcPort}`,
    async dispose() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return instance;
}
