// The UI's URL state: every view is a hash route, so any screen can be linked, bookmarked and
// reloaded. Pure: parseHash and formatRoute are inverses for every route they produce.
//   #/                          home
//   #/orders/<key>?trace=&span= an order (optionally one of its traces and a span)
//   #/traces/<traceId>?span=    one trace
//   #/search?kind=spans|logs&…  search; every other parameter is the API's own (service, attr.<k>, …)
//   #/alerts?state=…            alerts;  #/returns
//   #/health?since=24h | ?from=&to=  health dashboard over a time range (health-range.ts)
export type Params = Record<string, string>;

export type Route =
  | { name: 'home' }
  | { name: 'order'; key: string; trace: string | null; span: string | null }
  | { name: 'trace'; traceId: string; span: string | null }
  | { name: 'search'; params: Params }
  | { name: 'alerts'; params: Params }
  /** params: the time range (since, or from/to); absent when the URL has none. */
  | { name: 'health'; params?: Params }
  | { name: 'returns' }
  | { name: 'notFound'; hash: string };

/** encodeURIComponent plus the characters it leaves alone (matches the links rules put in guides). */
export function encodePart(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `?a=1&b=2` without empty values, or '' when nothing is left. */
export function queryString(params: Params): string {
  const entries = Object.entries(params).filter(([, v]) => v !== '');
  return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
}

function parseQuery(text: string): Params {
  const params: Params = {};
  for (const [k, v] of new URLSearchParams(text)) if (v !== '') params[k] = v;
  return params;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const params = parseQuery(q === -1 ? '' : raw.slice(q + 1));
  let parts: string[];
  try {
    parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    return { name: 'notFound', hash };
  }
  const [head, id, ...rest] = parts;
  if (rest.length > 0) return { name: 'notFound', hash };
  if (head === undefined) return { name: 'home' };
  if (head === 'orders' && id) return { name: 'order', key: id, trace: params.trace ?? null, span: params.span ?? null };
  if (head === 'traces' && id) return { name: 'trace', traceId: id, span: params.span ?? null };
  if (id !== undefined) return { name: 'notFound', hash };
  if (head === 'search') return { name: 'search', params };
  if (head === 'alerts') return { name: 'alerts', params };
  if (head === 'health') return Object.keys(params).length > 0 ? { name: 'health', params } : { name: 'health' };
  if (head === 'returns') return { name: 'returns' };
  return { name: 'notFound', hash };
}

export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'order':
      return `#/orders/${encodePart(route.key)}${queryString({ trace: route.trace ?? '', span: route.span ?? '' })}`;
    case 'trace':
      return `#/traces/${encodePart(route.traceId)}${queryString({ span: route.span ?? '' })}`;
    case 'search':
      return `#/search${queryString(route.params)}`;
    case 'alerts':
      return `#/alerts${queryString(route.params)}`;
    case 'health':
      return `#/health${queryString(route.params ?? {})}`;
    case 'returns':
      return '#/returns';
    case 'notFound':
      return route.hash;
  }
}

/** Links used across views. */
export const links = {
  order: (key: string, trace: string | null = null, span: string | null = null) => formatRoute({ name: 'order', key, trace, span }),
  trace: (traceId: string, span: string | null = null) => formatRoute({ name: 'trace', traceId, span }),
  search: (params: Params) => formatRoute({ name: 'search', params }),
  alerts: (params: Params) => formatRoute({ name: 'alerts', params }),
  health: (params: Params = {}) => formatRoute({ name: 'health', params }),
};
