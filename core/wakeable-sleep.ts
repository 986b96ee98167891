// Backoff waits that a stop can cut short: retry loops sleep here, and stop() wakes every sleeper at
// once so shutdown never waits out a backoff. Used by the ingester's write batcher and the Kafka consumer.

export class WakeableSleep {
  readonly #wakers = new Set<() => void>();

  /** Resolves after `ms`, or as soon as wakeAll() is called. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
    });
  }

  /** Ends every sleep in progress now. */
  wakeAll(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}
