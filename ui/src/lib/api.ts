// The query API client: typed GETs (and the two alert actions), every failure an ApiError carrying
// the server's stable code and message so views can show them as they are.
import type { Alert, AlertDetail, AlertPage, HealthResponses, LogPage, Order, ReturnQueues, RuleList, ServiceList, SpanPage, Trace } from './api-types.ts';
import { takePrefetched } from './prefetch.ts';
import { encodePart, queryString, type Params } from './route.ts';

/** Codes the client itself produces when no server answer could be read. */
export const NETWORK_ERROR = 'NETWORK';
export const BAD_RESPONSE = 'BAD_RESPONSE';

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /** The server has no such route: a feature (e.g. the rules engine's API) it does not offer. */
  get routeMissing(): boolean {
    return this.status === 404 && this.code === 'OT_ERR_NOT_FOUND';
  }
}

/** Who acts in alert actions until the API has authentication. */
export const ACTOR_HEADER = 'x-ordertrace-actor';

export class Api {
  readonly baseUrl: string;

  constructor(baseUrl = '') {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    let res: Response;
    try {
      const prefetched = init.method === undefined || init.method === 'GET' ? takePrefetched(path) : undefined;
      res = await (prefetched ?? fetch(this.baseUrl + path, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } }));
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, NETWORK_ERROR, (error as Error).message);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      throw new ApiError(res.status, BAD_RESPONSE, `HTTP ${res.status}: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      const err = body as { code?: unknown; message?: unknown } | null;
      const code = typeof err?.code === 'string' ? err.code : `HTTP_${res.status}`;
      const message = typeof err?.message === 'string' ? err.message : res.statusText;
      throw new ApiError(res.status, code, message);
    }
    return body as T;
  }

  getOrder(key: string, signal?: AbortSignal): Promise<Order> {
    return this.request(`/api/v1/orders/${encodePart(key)}`, { signal });
  }

  getTrace(traceId: string, signal?: AbortSignal): Promise<Trace> {
    return this.request(`/api/v1/traces/${encodePart(traceId)}`, { signal });
  }

  searchSpans(params: Params, signal?: AbortSignal): Promise<SpanPage> {
    return this.request(`/api/v1/spans${queryString(params)}`, { signal });
  }

  searchLogs(params: Params, signal?: AbortSignal): Promise<LogPage> {
    return this.request(`/api/v1/logs${queryString(params)}`, { signal });
  }

  services(signal?: AbortSignal): Promise<ServiceList> {
    return this.request('/api/v1/services', { signal });
  }

  ready(signal?: AbortSignal): Promise<{ status: string }> {
    return this.request('/readyz', { signal });
  }

  listAlerts(params: Params, signal?: AbortSignal): Promise<AlertPage> {
    return this.request(`/api/v1/alerts${queryString(params)}`, { signal });
  }

  getAlert(id: string, signal?: AbortSignal): Promise<AlertDetail> {
    return this.request(`/api/v1/alerts/${encodePart(id)}`, { signal });
  }

  alertAction(id: string, action: 'ack' | 'resolve', actor: string, comment = ''): Promise<Alert> {
    const body = comment ? { comment } : {};
    return this.request(`/api/v1/alerts/${encodePart(id)}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [ACTOR_HEADER]: actor },
      body: JSON.stringify(body),
    });
  }

  rules(signal?: AbortSignal): Promise<RuleList> {
    return this.request('/api/v1/rules', { signal });
  }

  returnQueues(signal?: AbortSignal): Promise<ReturnQueues> {
    return this.request('/api/v1/returns/queues', { signal });
  }

  /** One of the health dashboard's series (`GET /api/v1/health/<part>?from=&to=&bucket=`). */
  health<K extends keyof HealthResponses>(part: K, params: Params, signal?: AbortSignal): Promise<HealthResponses[K]> {
    return this.request(`/api/v1/health/${part}${queryString(params)}`, { signal });
  }
}
