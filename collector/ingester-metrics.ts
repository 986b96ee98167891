// Ingester metrics in Prometheus text format: records inserted, insert latency and failures, consumer
// lag per topic (asked of the bus at scrape time) and, on Kafka, the consumer group's rebalances.
import type { Bus, Subscription } from '../core/bus/bus.ts';
import { Topics } from '../core/bus/bus.ts';
import { UnavailableError } from '../core/errors.ts';
import { family, Histogram } from './prometheus.ts';

/** What KafkaSubscription.stats offers (read structurally: the ingester does not depend on Kafka). */
interface GroupStats {
  groupJoins: number;
  rebalances: number;
  crashes: number;
  handlerFailures: number;
}

function groupStats(subscription: Subscription | undefined): GroupStats | undefined {
  const stats = (subscription as { stats?: Partial<GroupStats> } | undefined)?.stats;
  return stats && typeof stats.rebalances === 'number' ? (stats as GroupStats) : undefined;
}

export class IngesterMetrics {
  readonly #inserted = new Map<string, number>([['spans', 0], ['logs', 0], ['events', 0]]);
  readonly #latency = new Histogram();
  readonly #failures = new Map<string, number>([['unavailable', 0], ['error', 0]]);
  #storeUp = 1;

  written(counts: Readonly<Record<'spans' | 'logs' | 'events', number>>, ms: number): void {
    for (const signal of ['spans', 'logs', 'events'] as const) {
      this.#inserted.set(signal, this.#inserted.get(signal)! + counts[signal]);
    }
    this.#latency.observe(ms / 1000);
    this.#storeUp = 1;
  }

  failed(error: unknown): void {
    const reason = error instanceof UnavailableError ? 'unavailable' : 'error';
    this.#failures.set(reason, this.#failures.get(reason)! + 1);
    this.#storeUp = 0;
  }

  /** Prometheus exposition; lag comes from the bus (omitted when the bus does not answer). */
  async render(bus: Bus, groupId: string, subscription?: Subscription): Promise<string> {
    const topics = Object.values(Topics);
    const lags = await Promise.all(topics.map((topic) => bus.lag(groupId, topic).then((n) => [topic, n] as const, () => null)));
    const lines = [
      ...family('ordertrace_ingester_inserted_total', 'counter', 'Records written to the store.', [...this.#inserted].map(([s, n]) => [{ signal: s }, n])),
      ...this.#latency.render('ordertrace_ingester_insert_duration_seconds', 'Duration of one store write (a batch).'),
      ...family('ordertrace_ingester_insert_failures_total', 'counter', 'Failed store writes; unavailable ones are retried with backoff.', [...this.#failures].map(([r, n]) => [{ reason: r }, n])),
      ...family('ordertrace_ingester_store_up', 'gauge', '1 when the last store write succeeded.', [[{}, this.#storeUp]]),
      ...family('ordertrace_ingester_consumer_lag', 'gauge', 'Messages on the bus not yet committed by the ingester group.', lags.flatMap((l) => (l ? [[{ topic: l[0] }, l[1]] as [Record<string, string>, number]] : []))),
    ];
    const stats = groupStats(subscription);
    if (stats) {
      lines.push(
        ...family('ordertrace_ingester_rebalances_total', 'counter', 'Consumer group rebalances seen by this member.', [[{}, stats.rebalances]]),
        ...family('ordertrace_ingester_group_joins_total', 'counter', 'Times this member joined the consumer group.', [[{}, stats.groupJoins]]),
        ...family('ordertrace_ingester_consumer_crashes_total', 'counter', 'Kafka consumer crashes (each followed by a rejoin).', [[{}, stats.crashes]]),
      );
    }
    return lines.join('\n') + '\n';
  }
}
