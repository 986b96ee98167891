// Starts the real all-in-one wiring on ephemeral ports in a temp data dir, for end-to-end tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAllInOne, type RunningAllInOne } from '../../cli/wiring.ts';

export interface TestInstance extends RunningAllInOne {
  dataDir: string;
  otlpUrl: string;
  grpcUrl: string;
  apiUrl: string;
  /** GET a query-API path and parse JSON. */
  get(path: string): Promise<{ status: number; body: any }>;
  /** Polls until fn resolves truthy (ingest is asynchronous). */
  until<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs?: number): Promise<T>;
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
    retentionDays: 3650, maxBodyMiB: 4, config: undefined, logLevel: 'silent',
  });
  const apiUrl = `http://127.0.0.1:${running.httpPort}`;
  const instance: TestInstance = {
    ...running,
    dataDir,
    otlpUrl: `http://127.0.0.1:${running.otlpPort}`,
    grpcUrl: `http://127.0.0.1:${running.otlpGrpcPort}`,
    apiUrl,
    async get(path) {
      const res = await fetch(apiUrl + path);
      return { status: res.status, body: await res.json() };
    },
    async until(fn, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await fn();
        if (value) return value;
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async dispose() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return instance;
}
