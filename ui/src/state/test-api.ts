// A real query API over the query-api test fixture (order A-1001 and friends), listening on a free
// port, for the state-class tests: they fetch over HTTP exactly as the browser does.
import type { AddressInfo } from 'node:net';
import { openTestApi, type TestApi } from '../../../query-api/test-store.ts';
import { Api } from '../lib/api.ts';

export interface LiveApi {
  api: Api;
  url: string;
  store: TestApi['store'];
  close(): Promise<void>;
}

export async function startApi(): Promise<LiveApi> {
  const test = await openTestApi();
  await test.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(test.app.server.address() as AddressInfo).port}`;
  return { api: new Api(url), url, store: test.store, close: () => test.close() };
}
