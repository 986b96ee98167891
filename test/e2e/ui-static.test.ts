// The query API serves the built UI at `/` without shadowing the API: explicit routes answer as
// before, unknown paths get the API's JSON 404, and without a build `/` says how to make one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KEY_ATTRIBUTES } from '../../core/domain-config.ts';
import { DEFAULT_STAGES } from '../../core/stages.ts';
import { SqliteStore } from '../../core/store/sqlite-store.ts';
import { buildQueryApi } from '../../query-api/app.ts';
import { UI_CSP, UI_NOT_BUILT_MESSAGE } from '../../query-api/static.ts';

const INDEX = '<!doctype html><title>ordertrace</title><script type="module" src="./assets/index-abc123.js"></script>';
const ASSET = 'console.log("ui")';

let dataDir: string;
let uiDir: string;
let store: SqliteStore;
const apps: FastifyInstance[] = [];

async function api(ui: string): Promise<FastifyInstance> {
  const app = buildQueryApi({ store, stages: DEFAULT_STAGES, ui });
  await app.ready();
  apps.push(app);
  return app;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'ot-ui-static-'));
  uiDir = join(dataDir, 'ui-dist');
  mkdirSync(join(uiDir, 'assets'), { recursive: true });
  writeFileSync(join(uiDir, 'index.html'), INDEX);
  writeFileSync(join(uiDir, 'assets', 'index-abc123.js'), ASSET);
  writeFileSync(join(uiDir, '.secret'), 'no');
  store = await SqliteStore.open({ dataDir, durability: 'normal', keyAttributes: DEFAULT_KEY_ATTRIBUTES });
  await store.init();
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the UI on the query API', () => {
  it('serves index.html at / with a strict content security policy and no caching', async () => {
    const app = await api(uiDir);
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe(INDEX);
    expect(res.headers['content-security-policy']).toBe(UI_CSP);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves hashed assets as immutable', async () => {
    const app = await api(uiDir);
    const res = await app.inject({ url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe(ASSET);
  });

  it('leaves the API, health probes and their errors as they were', async () => {
    const app = await api(uiDir);
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
    expect((await app.inject({ url: '/api/v1/services' })).json()).toEqual({ services: [] });
    expect((await app.inject({ url: '/api/openapi.json' })).json()).toHaveProperty('openapi');
    const missingOrder = await app.inject({ url: '/api/v1/orders/NOPE' });
    expect({ status: missingOrder.statusCode, code: missingOrder.json().code }).toEqual({ status: 404, code: 'OT_ERR_ORDER_NOT_FOUND' });
    for (const url of ['/api/v1/nope', '/no-such-file.js', '/.secret', '/assets/../../package.json']) {
      const res = await app.inject({ url });
      expect({ url, status: res.statusCode, code: res.json().code }).toEqual({ url, status: 404, code: 'OT_ERR_NOT_FOUND' });
    }
  });

  it('says how to build the UI when it is not built', async () => {
    const app = await api(join(dataDir, 'not-built'));
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:ui');
    expect(res.body.trim()).toBe(UI_NOT_BUILT_MESSAGE);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('is off unless asked for', async () => {
    const app = buildQueryApi({ store, stages: DEFAULT_STAGES });
    apps.push(app);
    const res = await app.inject({ url: '/' });
    expect({ status: res.statusCode, code: res.json().code }).toEqual({ status: 404, code: 'OT_ERR_NOT_FOUND' });
  });
});
