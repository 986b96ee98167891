// A real embedded store in a temp dir, holding the fixture, and the query API over it (tests only).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_KEY_ATTRIBUTES } from '../core/domain-config.ts';
import { DEFAULT_STAGES, type StageDef } from '../core/stages.ts';
import { SqliteStore } from '../core/store/sqlite-store.ts';
import { openRulesRuntime, type LoadedRulesRuntime } from '../rules/runtime.ts';
import { buildQueryApi } from './app.ts';
import { BATCH, NOW_MS } from './test-fixture.ts';

export interface TestApi {
  app: FastifyInstance;
  store: SqliteStore;
  /** The rules runtime when ruleFiles were given. */
  rules: LoadedRulesRuntime | undefined;
  /** The rules directory when ruleFiles were given. */
  rulesDir: string;
  close(): Promise<void>;
}

export interface TestApiOptions {
  stages?: StageDef[];
  write?: boolean;
  /** Rule files (name → YAML) written to a rules directory the API loads and watches. */
  ruleFiles?: Record<string, string>;
  /** The API's clock (default NOW_MS). */
  now?: () => number;
}

export async function openTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ordertrace-query-api-'));
  const store = await SqliteStore.open({ dataDir, durability: 'normal', keyAttributes: DEFAULT_KEY_ATTRIBUTES });
  await store.init();
  if (options.write !== false) await store.write(BATCH);
  const now = options.now ?? (() => NOW_MS);
  const rulesDir = join(dataDir, 'rules');
  let rules: LoadedRulesRuntime | undefined;
  if (options.ruleFiles) {
    mkdirSync(rulesDir);
    for (const [name, text] of Object.entries(options.ruleFiles)) writeFileSync(join(rulesDir, name), text);
    rules = openRulesRuntime({ dirs: [rulesDir], store, now, debounceMs: 50 });
  }
  const app = buildQueryApi({ store, stages: options.stages ?? DEFAULT_STAGES, now, ...(rules ? { rules } : {}) });
  await app.ready();
  return {
    app,
    store,
    rules,
    rulesDir,
    async close() {
      rules?.close();
      await app.close();
      await store.close(); // idempotent
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
