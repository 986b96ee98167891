// A real embedded store in a temp dir, holding the fixture, and the query API over it (tests only).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_KEY_ATTRIBUTES } from '../core/domain-config.ts';
import { DEFAULT_STAGES, type StageDef } from '../core/stages.ts';
import { SqliteStore } from '../core/store/sqlite-store.ts';
import { buildQueryApi } from './app.ts';
import { BATCH, NOW_MS } from './test-fixture.ts';

export interface TestApi {
  app: FastifyInstance;
  store: SqliteStore;
  close(): Promise<void>;
}

export async function openTestApi(options: { stages?: StageDef[]; write?: boolean } = {}): Promise<TestApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-query-api-'));
  const store = await SqliteStore.open({ dataDir, durability: 'normal', keyAttributes: DEFAULT_KEY_ATTRIBUTES });
  await store.init();
  if (options.write !== false) await store.write(BATCH);
  const app = buildQueryApi({ store, stages: options.stages ?? DEFAULT_STAGES, now: () => NOW_MS });
  await app.ready();
  return {
    app,
    store,
    async close() {
      await app.close();
      await store.close(); // idempotent
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
