// The rules worker's Prometheus metrics (rendered on the status server's /metrics).
import type { Alert } from './model.ts';
import { family, Histogram } from '../collector/prometheus.ts';

export class RulesWorkerMetrics {
  facts = 0;
  errors = 0;
  restoredOrders = 0;
  assignedPartitions = 0;
  readonly #alertsByState = new Map<string, number>();
  readonly #evaluation = new Histogram([0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1]);

  /** One engine.ingest call: facts evaluated and its duration in ms. */
  observeEvaluation(facts: number, ms: number): void {
    this.facts += facts;
    this.#evaluation.observe(ms / 1000);
  }

  countAlerts(alerts: readonly Alert[]): void {
    for (const alert of alerts) this.#alertsByState.set(alert.state, (this.#alertsByState.get(alert.state) ?? 0) + 1);
  }

  render(gauges: { openOrders: number; pendingTimers: number }): string {
    return [
      ...family('ordertrace_rules_facts_total', 'counter', 'Order events, spans and logs evaluated by the rules engine.', [[{}, this.facts]]),
      ...family('ordertrace_rules_alert_changes_total', 'counter', 'Alert rows written, by the state they were written in.', [...this.#alertsByState].map(([state, n]) => [{ state }, n] as [Record<string, string>, number])),
      ...family('ordertrace_rules_errors_total', 'counter', 'Errors persisting rule output or sending notifications.', [[{}, this.errors]]),
      ...family('ordertrace_rules_restored_orders_total', 'counter', 'Order states restored from the store after partition assignment.', [[{}, this.restoredOrders]]),
      ...family('ordertrace_rules_assigned_partitions', 'gauge', 'Bus partitions this worker owns.', [[{}, this.assignedPartitions]]),
      ...family('ordertrace_rules_open_orders', 'gauge', 'Orders with rule state in memory.', [[{}, gauges.openOrders]]),
      ...family('ordertrace_rules_pending_timers', 'gauge', 'Deadlines and other timers pending.', [[{}, gauges.pendingTimers]]),
      ...this.#evaluation.render('ordertrace_rules_evaluation_seconds', 'Time to evaluate one batch of facts (no I/O).'),
      '',
    ].join('\n');
  }
}
