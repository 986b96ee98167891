// Router, lookup box, Remote and the alerts page: the small state classes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, ApiError } from '../lib/api.ts';
import { AlertsPage } from './alerts-page.svelte.ts';
import { Lookup } from './lookup.svelte.ts';
import { Remote } from './remote.svelte.ts';
import { Router, type HashLocation } from './router.svelte.ts';
import { startApi, type LiveApi } from './test-api.ts';

function fakeLocation(initial: string): HashLocation & { hash: string; history: string[]; change(hash: string): void } {
  let listener = () => {};
  const loc = {
    hash: initial,
    history: [initial],
    read: () => loc.hash,
    assign: (hash: string) => {
      loc.hash = hash;
      loc.history.push(hash);
    },
    replace: (hash: string) => {
      loc.hash = hash;
      loc.history[loc.history.length - 1] = hash;
    },
    listen: (fn: () => void) => {
      listener = fn;
      return () => (listener = () => {});
    },
    change: (hash: string) => {
      loc.hash = hash;
      listener();
    },
  };
  return loc;
}

describe('Router', () => {
  it('follows the hash and writes routes back to it', () => {
    const loc = fakeLocation('#/orders/A-1');
    const router = new Router(loc);
    expect(router.route).toEqual({ name: 'order', key: 'A-1', trace: null, span: null });
    router.go({ name: 'search', params: { kind: 'logs', q: 'x y' } });
    expect(loc.hash).toBe('#/search?kind=logs&q=x+y');
    expect(router.route).toEqual({ name: 'search', params: { kind: 'logs', q: 'x y' } });
    router.replace({ name: 'trace', traceId: 'abc', span: null });
    expect(loc.history).toEqual(['#/orders/A-1', '#/traces/abc']);
    loc.change('#/health');
    expect(router.route).toEqual({ name: 'health' });
    // The same route again keeps the same object, so views do not reload.
    const before = router.route;
    loc.change('#/health');
    expect(router.route).toBe(before);
    router.dispose();
    loc.change('#/returns');
    expect(router.route).toEqual({ name: 'health' });
  });
});

describe('Lookup', () => {
  it('opens the order page for any key and hints on an empty box', () => {
    const lookup = new Lookup();
    lookup.text = '   ';
    expect(lookup.submit()).toBeNull();
    expect(lookup.hint).toMatch(/Type an order ID/);
    lookup.text = '  TRK-1Z999 ';
    expect(lookup.submit()).toEqual({ name: 'order', key: 'TRK-1Z999', trace: null, span: null });
    expect(lookup.hint).toBeNull();
  });
});

describe('Remote', () => {
  it('keeps only the newest of overlapping loads', async () => {
    const remote = new Remote<string>();
    let finishSlow: (v: string) => void = () => {};
    const slow = remote.load(() => new Promise<string>((resolve) => (finishSlow = resolve)));
    const fast = remote.load(async () => 'new');
    expect(await fast).toBe('new');
    finishSlow('old');
    expect(await slow).toBeNull();
    expect(remote.data).toBe('new');
    expect(remote.loading).toBe(false);
  });

  it('turns thrown errors into ApiErrors', async () => {
    const remote = new Remote<string>();
    await remote.load(async () => {
      throw new ApiError(503, 'OT_ERR_STORE_UNAVAILABLE', 'store busy');
    });
    expect(remote.error).toMatchObject({ status: 503, code: 'OT_ERR_STORE_UNAVAILABLE', message: 'store busy' });
    await remote.load(async () => {
      throw new TypeError('boom');
    });
    expect(remote.error).toMatchObject({ code: 'NETWORK', message: 'boom' });
  });
});

describe('AlertsPage', () => {
  let live: LiveApi;
  beforeAll(async () => {
    live = await startApi();
  });
  afterAll(() => live.close());

  it('lists alerts with the URL filters, and pages', async () => {
    const page = new AlertsPage(live.api);
    await page.show({ state: 'firing' });
    expect(page.unavailable).toBe(false);
    expect(page.page.data?.items).toEqual([]);
    expect(page.nextPage()).toBeNull();
    expect(page.filtered('severity', 'critical')).toEqual({ state: 'firing', severity: 'critical' });
    page.params = { state: 'firing', cursor: 'c' };
    expect(page.filtered('state', '')).toEqual({});
  });

  it('says the rules engine is absent when the server has no alerts route', async () => {
    const page = new AlertsPage(new Api(`${live.url}/no-such-prefix`));
    await page.show({});
    expect(page.page.error?.code).toBe('OT_ERR_NOT_FOUND');
    expect(page.unavailable).toBe(true);
  });

  it('passes a bad filter back as the API error', async () => {
    const page = new AlertsPage(live.api);
    await page.show({ state: 'sleeping' });
    expect(page.page.error?.code).toBe('OT_ERR_BAD_PARAMETER');
    expect(page.unavailable).toBe(false);
  });
});
