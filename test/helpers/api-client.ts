// A query-API client for end-to-end tests: GET + JSON, and polling until ingest has caught up.

export interface ApiClient {
  apiUrl: string;
  /** GET a query-API path and parse JSON. */
  get(path: string): Promise<{ status: number; body: any }>;
  /** Polls until fn resolves truthy (ingest is asynchronous). */
  until<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs?: number): Promise<T>;
}

export function apiClient(apiUrl: string, defaultTimeoutMs = 15_000): ApiClient {
  return {
    apiUrl,
    async get(path) {
      const res = await fetch(apiUrl + path);
      return { status: res.status, body: await res.json() };
    },
    async until(fn, timeoutMs = defaultTimeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await fn();
        if (value) return value;
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}
