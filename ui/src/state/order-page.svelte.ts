// The order page: the journey (Gantt, stages, statuses, alerts) of the order a key resolves to, its
// traces, and the trace chosen from them. A 32-hex key that is no order but a trace goes to the trace.
import type { Api } from '../lib/api.ts';
import type { Order, Trace } from '../lib/api-types.ts';
import { ganttLayout } from '../lib/gantt-layout.ts';
import type { Route } from '../lib/route.ts';
import { compareStatuses } from '../lib/status-rows.ts';
import { traceSummaries } from '../lib/trace-summary.ts';
import { Remote } from './remote.svelte.ts';
import { TraceView } from './trace-view.svelte.ts';

const TRACE_ID = /^[0-9a-fA-F]{32}$/;

/** The part of a trace an order response already holds: its spans and logs with that Trace ID. */
export function traceOfOrder(order: Order, traceId: string): Trace {
  return { traceId, spans: order.spans.filter((s) => s.traceId === traceId), logs: order.logs.filter((l) => l.traceId === traceId) };
}

export class OrderPage {
  readonly order = new Remote<Order>();
  readonly trace: TraceView;
  key = $state<string | null>(null);
  /** When the journey was fetched: the Gantt's "now". */
  loadedAtMs = $state(0);
  readonly #api: Api;
  readonly #redirect: (route: Route) => void;
  readonly #now: () => number;

  readonly #afterPaint: () => Promise<void>;

  /**
   * `afterPaint` resolves once the journey has been drawn: the view passes "after the next frame",
   * so the Gantt paints before a trace of thousands of spans is laid out.
   */
  constructor(api: Api, redirect: (route: Route) => void, options: { now?: () => number; afterPaint?: () => Promise<void> } = {}) {
    this.#api = api;
    this.#redirect = redirect;
    this.#now = options.now ?? Date.now;
    this.#afterPaint = options.afterPaint ?? (() => Promise.resolve());
    this.trace = new TraceView(api, { afterPaint: this.#afterPaint });
  }

  readonly gantt = $derived.by(() => (this.order.data ? ganttLayout(this.order.data.stages, this.loadedAtMs) : null));
  readonly statuses = $derived.by(() => (this.order.data ? compareStatuses(this.order.data) : null));
  readonly traces = $derived.by(() => (this.order.data ? traceSummaries(this.order.data.traceIds, this.order.data.spans) : []));

  /**
   * Shows the order `key` resolves to, and `traceId` (or, for a single-trace order, its only trace)
   * with `spanId` chosen.
   */
  async open(key: string, traceId: string | null = null, spanId: string | null = null): Promise<void> {
    if (this.key !== key || (!this.order.data && !this.order.loading)) {
      this.key = key;
      this.trace.close();
      const order = await this.order.load((signal) => this.#api.getOrder(key, signal));
      this.loadedAtMs = this.#now();
      if (!order) {
        if (this.order.error?.code === 'OT_ERR_ORDER_NOT_FOUND' && TRACE_ID.test(key) && (await this.#traceExists(key))) {
          this.#redirect({ name: 'trace', traceId: key.toLowerCase(), span: spanId });
        }
        return;
      }
      await this.#afterPaint();
    }
    if (this.key !== key) return; // a newer open() took over
    const order = this.order.data;
    const chosen = traceId ?? (order && order.traceIds.length === 1 ? order.traceIds[0]! : null);
    if (chosen) await this.trace.open(chosen, spanId, order ? traceOfOrder(order, chosen) : null);
    else this.trace.close();
  }

  async #traceExists(traceId: string): Promise<boolean> {
    try {
      await this.#api.getTrace(traceId);
      return true;
    } catch {
      return false;
    }
  }
}
