// The search page: the form, its URL (every parameter lives there, so a search can be shared), the
// span or log results with cursor paging, and the span-duration histogram.
import type { Api } from '../lib/api.ts';
import type { LogPage, ServiceList, SpanPage } from '../lib/api-types.ts';
import { durationHistogram, type Bucket } from '../lib/histogram.ts';
import { firstPageParams, nextPageParams } from '../lib/paging.ts';
import type { Params } from '../lib/route.ts';
import { apiParams, emptyForm, formFromParams, paramsFromForm, type SearchForm, type SearchKind } from '../lib/search-params.ts';
import { spanDurationMs } from '../lib/time.ts';
import { Remote } from './remote.svelte.ts';

/** Duration filters carry up to 6 decimals (ns precision) in the API. */
const msText = (ms: number) => String(Number(ms.toFixed(6)));

export class SearchPage {
  form = $state<SearchForm>(emptyForm());
  /** The URL parameters of the search on screen. */
  params = $state.raw<Params>({});
  readonly spans = new Remote<SpanPage>();
  readonly logs = new Remote<LogPage>();
  readonly services = new Remote<ServiceList>();
  readonly #api: Api;
  readonly #now: () => number;

  constructor(api: Api, now: () => number = Date.now) {
    this.#api = api;
    this.#now = now;
  }

  readonly kind = $derived<SearchKind>(this.params.kind === 'logs' ? 'logs' : 'spans');
  readonly results = $derived(this.kind === 'logs' ? this.logs : this.spans);

  readonly histogram = $derived.by((): Bucket[] =>
    this.spans.data ? durationHistogram(this.spans.data.items.map((s) => spanDurationMs(s.startTimeUnixNano, s.endTimeUnixNano))) : [],
  );

  /** Operations of the chosen service (or of every service). */
  readonly operations = $derived.by(() => {
    const services = this.services.data?.services ?? [];
    const chosen = services.filter((s) => this.form.service === '' || s.service === this.form.service);
    return [...new Set(chosen.flatMap((s) => s.operations))].sort();
  });

  loadServices(): void {
    if (!this.services.data && !this.services.loading) void this.services.load((signal) => this.#api.services(signal));
  }

  /** Shows the search the URL describes: fills the form and runs it. */
  async show(params: Params): Promise<void> {
    this.params = params;
    this.form = formFromParams(params);
    const query = apiParams(params, this.#now());
    if (this.kind === 'logs') {
      this.spans.reset();
      await this.logs.load((signal) => this.#api.searchLogs(query, signal));
    } else {
      this.logs.reset();
      await this.spans.load((signal) => this.#api.searchSpans(query, signal));
    }
  }

  /** URL parameters for the form as filled in (a new search starts at the newest results). */
  submitted(): Params {
    return paramsFromForm(this.form);
  }

  switchKind(kind: SearchKind): Params {
    return paramsFromForm({ ...this.form, kind });
  }

  addAttribute(): void {
    this.form.attrs.push({ key: '', value: '' });
  }

  removeAttribute(index: number): void {
    this.form.attrs.splice(index, 1);
  }

  nextPage(): Params | null {
    return nextPageParams(this.params, this.results.data?.nextCursor);
  }

  firstPage(): Params | null {
    return firstPageParams(this.params);
  }

  /** The same search narrowed to one histogram bucket's durations (from its first page). */
  narrowedTo(bucket: Bucket): Params {
    return { ...(firstPageParams(this.params) ?? this.params), kind: 'spans', minDurationMs: msText(bucket.fromMs), maxDurationMs: msText(bucket.toMs) };
  }
}
