// One trace on screen: its waterfall with the critical path, the chosen span, and that span's logs.
// Used by the trace page and, for the chosen trace, by the order page.
import type { Api } from '../lib/api.ts';
import type { Trace } from '../lib/api-types.ts';
import { waterfall } from '../lib/waterfall.ts';
import { Remote } from './remote.svelte.ts';

export class TraceView {
  readonly remote = new Remote<Trace>();
  traceId = $state<string | null>(null);
  selectedSpanId = $state<string | null>(null);
  readonly #api: Api;
  readonly #afterPaint: () => Promise<void>;

  /**
   * `afterPaint` resolves once a seed (see open) has been drawn: the view passes "after the next
   * frame", so the complete trace is asked for, sent and parsed after the waterfall is on screen.
   */
  constructor(api: Api, options: { afterPaint?: () => Promise<void> } = {}) {
    this.#api = api;
    this.#afterPaint = options.afterPaint ?? (() => Promise.resolve());
  }

  readonly layout = $derived.by(() => (this.remote.data ? waterfall(this.remote.data.spans) : null));

  readonly selectedRow = $derived.by(() => this.layout?.rows.find((r) => r.span.spanId === this.selectedSpanId) ?? null);

  /** Logs correlated with the chosen span (same trace and span ID), in time order. */
  readonly selectedLogs = $derived.by(() => {
    const id = this.selectedSpanId;
    return id && this.remote.data ? this.remote.data.logs.filter((l) => l.spanId === id) : [];
  });

  /** Log records of the trace that name no span. */
  readonly traceOnlyLogs = $derived.by(() => (this.remote.data ? this.remote.data.logs.filter((l) => l.spanId === '') : []));

  /**
   * Shows `traceId` (loading it unless it is already shown) with `spanId` chosen. `seed` — the
   * trace's spans and logs the caller already has (an order's) — is shown at once, and the complete
   * trace is loaded after it has been drawn.
   */
  async open(traceId: string, spanId: string | null = null, seed: Trace | null = null): Promise<void> {
    this.selectedSpanId = spanId;
    const id = traceId.toLowerCase();
    if (this.traceId === id && (this.remote.data || this.remote.loading)) return;
    this.traceId = id;
    if (seed && seed.spans.length > 0) {
      this.remote.set(seed);
      await this.#afterPaint();
      if (this.traceId !== id) return; // closed, or another trace opened meanwhile
    }
    await this.remote.load((signal) => this.#api.getTrace(id, signal), {
      keepData: seed !== null,
      unchanged: (shown, full) => shown.spans.length === full.spans.length && shown.logs.length === full.logs.length,
    });
  }

  select(spanId: string | null): void {
    this.selectedSpanId = spanId;
  }

  close(): void {
    this.traceId = null;
    this.selectedSpanId = null;
    this.remote.reset();
  }
}
