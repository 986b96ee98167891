// Group commit for the ingester: bus handler calls (one partition's messages each; several partitions run
// at once) add their records to one shared pending store write, which is flushed when it holds
// maxRecords records or lingerMs after its first record, whichever comes first. Every handler call
// resolves only after all of its records were written, so the bus commits offsets only after the write
// (at-least-once). Flushes run one at a time: while the store is slow or down, handlers wait, and the
// bus stops fetching for them — consumption pauses without leaving the consumer group.
//
// A write failing with UnavailableError (store busy or down) is retried here, with backoff, for as long
// as it takes (the Kafka bus heartbeats while a handler runs, so the member keeps its partitions).
// Any other error rejects the handlers, and the bus redelivers their records after its own backoff.
import { UnavailableError } from '../core/errors.ts';
import type { WriteBatch } from '../core/store/store.ts';

export interface BatcherOptions {
  write: (batch: WriteBatch) => Promise<void>;
  /** Records (spans + logs + events) per store write (default 5000). */
  maxRecords?: number;
  /** Longest wait for more records before writing (default 200 ms). */
  lingerMs?: number;
  /** First retry delay after an UnavailableError; doubles up to maxBackoffMs (defaults 200 / 5000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  onWritten?: (batch: WriteBatch, ms: number) => void;
  onFailed?: (error: unknown, willRetry: boolean) => void;
}

interface Pending {
  spans: NonNullable<WriteBatch['spans']>;
  logs: NonNullable<WriteBatch['logs']>;
  events: NonNullable<WriteBatch['events']>;
  count: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

export const recordCount = (b: WriteBatch): number => (b.spans?.length ?? 0) + (b.logs?.length ?? 0) + (b.events?.length ?? 0);

function newPending(): Pending {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => undefined); // a rejection is observed by the handlers that await it
  return { spans: [], logs: [], events: [], count: 0, done, resolve, reject, timer: undefined };
}

export class WriteBatcher {
  readonly #write: BatcherOptions['write'];
  readonly #maxRecords: number;
  readonly #lingerMs: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #options: BatcherOptions;
  #pending: Pending | null = null;
  #chain: Promise<void> = Promise.resolve();
  #stopping = false;
  #failing = false;
  readonly #wakers = new Set<() => void>();

  constructor(options: BatcherOptions) {
    this.#options = options;
    this.#write = options.write;
    this.#maxRecords = options.maxRecords ?? 5000;
    this.#lingerMs = options.lingerMs ?? 200;
    this.#backoffMs = options.backoffMs ?? 200;
    this.#maxBackoffMs = options.maxBackoffMs ?? 5000;
  }

  /** True from a failed write until the next successful one (readiness). */
  get failing(): boolean {
    return this.#failing;
  }

  /** Resolves once every record of `batch` is written. */
  async add(batch: WriteBatch): Promise<void> {
    const waits: Promise<void>[] = [];
    const kinds = ['spans', 'logs', 'events'] as const;
    for (const kind of kinds) {
      const items = (batch[kind] ?? []) as never[];
      for (let i = 0; i < items.length; ) {
        const pending = (this.#pending ??= this.#open());
        const take = Math.min(items.length - i, this.#maxRecords - pending.count);
        (pending[kind] as never[]).push(...items.slice(i, i + take));
        pending.count += take;
        i += take;
        if (waits.at(-1) !== pending.done) waits.push(pending.done);
        if (pending.count >= this.#maxRecords || this.#stopping) this.#seal();
      }
    }
    await Promise.all(waits);
  }

  /** Writes what is pending now; failed writes are no longer retried (their handlers reject, uncommitted). */
  stop(): void {
    this.#stopping = true;
    this.#seal();
    for (const wake of [...this.#wakers]) wake();
  }

  #open(): Pending {
    const pending = newPending();
    pending.timer = setTimeout(() => {
      if (this.#pending === pending) this.#seal();
    }, this.#lingerMs);
    return pending;
  }

  #seal(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    clearTimeout(pending.timer);
    const run = () =>
      this.#writeWithRetry(pending).then(pending.resolve, (error: unknown) => {
        pending.reject(error);
      });
    this.#chain = this.#chain.then(run, run);
  }

  async #writeWithRetry(pending: Pending): Promise<void> {
    const batch: WriteBatch = { spans: pending.spans, logs: pending.logs, events: pending.events };
    for (let failures = 0; ; ) {
      const started = performance.now();
      try {
        await this.#write(batch);
        this.#failing = false;
        this.#options.onWritten?.(batch, performance.now() - started);
        return;
      } catch (error) {
        this.#failing = true;
        const retry = error instanceof UnavailableError && !this.#stopping;
        this.#options.onFailed?.(error, retry);
        if (!retry) throw error;
        failures += 1;
        await this.#sleep(Math.min(this.#backoffMs * 2 ** (failures - 1), this.#maxBackoffMs));
        if (this.#stopping) throw error;
      }
    }
  }

  #sleep(ms: number): Promise<void> {
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
}
