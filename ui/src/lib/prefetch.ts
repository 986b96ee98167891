// Starts the API requests a deep link needs while the main bundle is still loading and compiling,
// so the data and the code arrive together instead of one after the other. Api.request takes a
// prefetched response (once) instead of asking again.
import { encodePart, parseHash } from './route.ts';

const pending = new Map<string, Promise<Response>>();

/** The API paths a route loads first. */
export function pathsFor(hash: string): string[] {
  const route = parseHash(hash);
  const part = encodePart; // the same form Api builds its paths with
  if (route.name === 'order') return [`/api/v1/orders/${part(route.key)}`, ...(route.trace ? [`/api/v1/traces/${part(route.trace.toLowerCase())}`] : [])];
  if (route.name === 'trace') return [`/api/v1/traces/${part(route.traceId.toLowerCase())}`];
  return [];
}

export function prefetch(hash: string, baseUrl = ''): void {
  for (const path of pathsFor(hash)) {
    const response = fetch(baseUrl + path, { headers: { accept: 'application/json' } });
    response.catch(() => {}); // a failure is seen (and reported) by whoever takes it
    pending.set(path, response);
  }
}

/** The prefetched response for `path`, once; undefined when none was started. */
export function takePrefetched(path: string): Promise<Response> | undefined {
  const response = pending.get(path);
  pending.delete(path);
  return response;
}
