// The health page: the dashboard's five series over the time range in the URL (each panel loads,
// fails and retries on its own), plus the query API's readiness and the rules in force, which do not
// depend on the range.
import type { Api } from '../lib/api.ts';
import type { HealthResponses, RuleList } from '../lib/api-types.ts';
import { healthApiParams, paramsFromRange, rangeFromParams, type HealthRange } from '../lib/health-range.ts';
import type { Params } from '../lib/route.ts';
import { Remote } from './remote.svelte.ts';

export type HealthPart = keyof HealthResponses;
export const HEALTH_PARTS: HealthPart[] = ['index', 'stages', 'anomalies', 'throughput', 'dependencies'];

export class HealthPage {
  /** The URL parameters of the range on screen. */
  params = $state.raw<Params>({});
  /** The API parameters the panels were loaded with (one explicit window for all of them). */
  query = $state.raw<Params>({});
  /** The dashboard's parts, each loading, failing and retrying on its own. */
  readonly parts: { [K in HealthPart]: Remote<HealthResponses[K]> } = {
    stages: new Remote(),
    throughput: new Remote(),
    anomalies: new Remote(),
    index: new Remote(),
    dependencies: new Remote(),
  };
  readonly ready = new Remote<{ status: string }>();
  readonly rules = new Remote<RuleList>();
  readonly #api: Api;
  readonly #now: () => number;

  constructor(api: Api, now: () => number = Date.now) {
    this.#api = api;
    this.#now = now;
  }

  readonly range = $derived<HealthRange>(rangeFromParams(this.params));

  /** Every dashboard route answered "no such route": a server from before the dashboard. */
  readonly unavailable = $derived(HEALTH_PARTS.every((part) => this.parts[part].error?.routeMissing === true));

  /** The window and bucket width the server answered with (from the first part that has them). */
  readonly window = $derived.by((): { fromMs: number; toMs: number; bucketMs: number } | null => {
    const { stages, throughput, anomalies } = this.parts;
    const answered = stages.data ?? throughput.data ?? anomalies.data;
    return answered ? { fromMs: answered.fromMs, toMs: answered.toMs, bucketMs: answered.bucketMs } : null;
  });

  /** Loads the dashboard for the range the URL names, all parts side by side over one window. */
  async show(params: Params): Promise<void> {
    this.params = params;
    this.query = healthApiParams(params, this.#now());
    await Promise.all(HEALTH_PARTS.map((part) => this.reload(part)));
  }

  /** Loads one part again over the same window (its panel's retry). */
  async reload<K extends HealthPart>(part: K): Promise<void> {
    const query = this.query;
    const remote = this.parts[part] as Remote<HealthResponses[K]>;
    await remote.load((signal) => this.#api.health(part, query, signal));
  }

  /** Readiness and rules: once per visit, whatever the range. */
  async loadStatus(): Promise<void> {
    await Promise.all([this.ready.load((signal) => this.#api.ready(signal)), this.rules.load((signal) => this.#api.rules(signal))]);
  }

  /** URL parameters for another range (a bucket width from the URL stays). */
  withRange(range: HealthRange): Params {
    const params = paramsFromRange(range);
    return this.params.bucket ? { ...params, bucket: this.params.bucket } : params;
  }

  /** The search route's parameters for a service's error spans over the same range. */
  errorSpans(service: string): Params {
    return { kind: 'spans', service, status: 'error', ...paramsFromRange(this.range) };
  }

  /** Rule titles by id, from the rules in force (the anomalies series only carry ids). */
  readonly ruleTitles = $derived(new Map((this.rules.data?.rules ?? []).map((r) => [r.id, r.title])));
}
