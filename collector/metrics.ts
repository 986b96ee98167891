// Collector counters, exposed in Prometheus text format on /metrics.
export type Signal = 'spans' | 'logs' | 'events';

export class CollectorMetrics {
  private readonly received = new Map<Signal, number>();
  private readonly rejected = new Map<Signal, number>();
  private readonly failedRequests = new Map<string, number>();

  accepted(signal: Signal, count: number, rejected: number): void {
    this.received.set(signal, (this.received.get(signal) ?? 0) + count);
    this.rejected.set(signal, (this.rejected.get(signal) ?? 0) + rejected);
  }

  requestFailed(code: string): void {
    this.failedRequests.set(code, (this.failedRequests.get(code) ?? 0) + 1);
  }

  /** Prometheus exposition format. */
  render(): string {
    const lines = [
      '# HELP ordertrace_collector_enqueued_total Records acknowledged and enqueued on the bus.',
      '# TYPE ordertrace_collector_enqueued_total counter',
      ...[...this.received].map(([s, n]) => `ordertrace_collector_enqueued_total{signal="${s}"} ${n}`),
      '# HELP ordertrace_collector_rejected_items_total Invalid items dropped from otherwise valid requests (partial success).',
      '# TYPE ordertrace_collector_rejected_items_total counter',
      ...[...this.rejected].map(([s, n]) => `ordertrace_collector_rejected_items_total{signal="${s}"} ${n}`),
      '# HELP ordertrace_collector_failed_requests_total Requests answered with an error, by code.',
      '# TYPE ordertrace_collector_failed_requests_total counter',
      ...[...this.failedRequests].map(([c, n]) => `ordertrace_collector_failed_requests_total{code="${c}"} ${n}`),
    ];
    return lines.join('\n') + '\n';
  }
}
