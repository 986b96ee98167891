// The alerts list: filters and paging live in the URL (#/alerts?state=firing&cursor=…), and are
// passed to GET /api/v1/alerts as they are.
import type { Api } from '../lib/api.ts';
import type { AlertPage } from '../lib/api-types.ts';
import { firstPageParams, nextPageParams } from '../lib/paging.ts';
import type { Params } from '../lib/route.ts';
import { Remote } from './remote.svelte.ts';

export const ALERT_FILTERS = ['state', 'severity', 'rule', 'order'] as const;

export class AlertsPage {
  readonly page = new Remote<AlertPage>();
  params = $state.raw<Params>({});
  readonly #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** The API offers no alerts route: the rules engine is not part of this server. */
  readonly unavailable = $derived(this.page.error?.routeMissing ?? false);

  async show(params: Params): Promise<void> {
    this.params = params;
    await this.page.load((signal) => this.#api.listAlerts(params, signal));
  }

  /** URL parameters for a filter change (paging starts over). */
  filtered(name: (typeof ALERT_FILTERS)[number], value: string): Params {
    const next: Params = { ...(firstPageParams(this.params) ?? this.params), [name]: value };
    if (value === '') delete next[name];
    return next;
  }

  nextPage(): Params | null {
    return nextPageParams(this.params, this.page.data?.nextCursor);
  }

  firstPage(): Params | null {
    return firstPageParams(this.params);
  }
}
