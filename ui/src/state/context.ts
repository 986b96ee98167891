// The API client and the router, shared with every view through Svelte context (set once by App).
import { getContext, setContext } from 'svelte';
import type { Api } from '../lib/api.ts';
import type { Router } from './router.svelte.ts';

const API = Symbol('api');
const ROUTER = Symbol('router');

export function provide(api: Api, router: Router): void {
  setContext(API, api);
  setContext(ROUTER, router);
}

/** The same context as a Map, for rendering a component alone in tests. */
export function contextMap(api: Api, router: Router): Map<symbol, unknown> {
  return new Map<symbol, unknown>([
    [API, api],
    [ROUTER, router],
  ]);
}

export function useApi(): Api {
  return getContext<Api>(API);
}

export function useRouter(): Router {
  return getContext<Router>(ROUTER);
}
