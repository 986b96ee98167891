// Group commit for the ingester: bus handler calls (one partition's messages each; several partitions run
// at once) add their records to one shared pending store write. The pending write is sealed when it holds
// maxRecords records, when every handler call in progress is waiting for it (nothing more can arrive
// until a write finishes: the Kafka consumer fetches again only once its handlers return), or lingerMs
// after its first record, whichever comes first. Up to maxConcurrentWrites sealed writes run at once, so
// the store parses one write while the next is being prepared. Every handler call resolves only after
// all of its records were written, so the bus commits offsets only after the write (at-least-once).
// While the store is slow or down, handlers wait, and the bus stops fetching for them — consumption
// pauses without leaving the consumer group.
//
// A write failing with UnavailableError (store busy or down) is retried here, with backoff, for as long
// as it takes (the Kafka bus heartbeats while a handler runs, so the member keeps its partitions).
// Any other error rejects the handlers, and the bus redelivers their records after its own backoff.
import { UnavailableError } from '../core/errors.ts';
import type { WriteBatch } from '../core/store/store.ts';
import { WakeableSleep } from '../core/wakeable-sleep.ts';

/** A store write being filled: a Store.startWrite() write, or records collected for one write(). */
export interface PendingWrite {
  /** Takes the records now (an incremental write encodes them); throws, taking none, when it cannot. */
  add(batch: WriteBatch): void;
  /** Writes everything added; called again after a failure to retry. */
  commit(): Promise<void>;
}

export type RecordCounts = Record<'spans' | 'logs' | 'events', number>;

export interface BatcherOptions {
  /** Starts an empty store write (Store.startWrite); without it, records are collected for `write`. */
  open?: () => PendingWrite;
  /** Writes one collected batch (Store.write), when `open` is not given. */
  write?: (batch: WriteBatch) => Promise<void>;
  /** Records (spans + logs + events) per store write (default 5000). */
  maxRecords?: number;
  /** Longest wait for more records before writing (default 200 ms). */
  lingerMs?: number;
  /** Sealed writes in flight at once (default 1). */
  maxConcurrentWrites?: number;
  /** First retry delay after an UnavailableError; doubles up to maxBackoffMs (defaults 200 / 5000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  onWritten?: (counts: RecordCounts, ms: number) => void;
  onFailed?: (error: unknown, willRetry: boolean) => void;
}

interface Pending {
  write: PendingWrite;
  counts: RecordCounts;
  count: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

export const recordCount = (b: WriteBatch): number => (b.spans?.length ?? 0) + (b.logs?.length ?? 0) + (b.events?.length ?? 0);

/** A PendingWrite that collects the records and writes them with one `write` call. */
export function collectingWrite(write: (batch: WriteBatch) => Promise<void>): PendingWrite {
  const batch = { spans: [] as NonNullable<WriteBatch['spans']>, logs: [] as NonNullable<WriteBatch['logs']>, events: [] as NonNullable<WriteBatch['events']> };
  return {
    add(more) {
      for (const kind of KINDS) for (const item of (more[kind] ?? []) as never[]) (batch[kind] as never[]).push(item);
    },
    commit: () => write(batch),
  };
}

const KINDS = ['spans', 'logs', 'events'] as const;

function newPending(write: PendingWrite): Pending {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  done.catch(() => undefined); // a rejection is observed by the handlers that await it
  return { write, counts: { spans: 0, logs: 0, events: 0 }, count: 0, done, resolve, reject, timer: undefined };
}

export class WriteBatcher {
  readonly #openWrite: () => PendingWrite;
  readonly #maxRecords: number;
  readonly #lingerMs: number;
  readonly #maxConcurrentWrites: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #options: BatcherOptions;
  #pending: Pending | null = null;
  /** Sealed writes waiting for a slot. */
  readonly #queue: Pending[] = [];
  #writing = 0;
  /** The writes each add() call in progress waits for. */
  readonly #active = new Set<readonly Promise<void>[]>();
  #checkScheduled = false;
  #stopping = false;
  #failingWrites = 0;
  /** The last write to finish gave up (a non-retryable error): not healthy until one succeeds. */
  #gaveUp = false;
  readonly #sleeper = new WakeableSleep();

  constructor(options: BatcherOptions) {
    this.#options = options;
    const write = options.write;
    if (!options.open && !write) throw new TypeError('WriteBatcher: give open or write');
    this.#openWrite = options.open ?? (() => collectingWrite(write!));
    this.#maxRecords = options.maxRecords ?? 5000;
    this.#lingerMs = options.lingerMs ?? 200;
    this.#maxConcurrentWrites = options.maxConcurrentWrites ?? 1;
    this.#backoffMs = options.backoffMs ?? 200;
    this.#maxBackoffMs = options.maxBackoffMs ?? 5000;
    for (const [name, value] of [['maxRecords', this.#maxRecords], ['maxConcurrentWrites', this.#maxConcurrentWrites]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new TypeError(`WriteBatcher: ${name} must be a positive integer (got ${value})`);
    }
  }

  /** True from a failed write until the next successful one (readiness). */
  get failing(): boolean {
    return this.#failingWrites > 0 || this.#gaveUp;
  }

  /**
   * Resolves once every record of `batch` is written. Throws at once (the bus redelivers) when the store
   * cannot take a record; a batch larger than the room left is split over successive writes.
   */
  async add(batch: WriteBatch): Promise<void> {
    const waits: Promise<void>[] = [];
    const next = { spans: 0, logs: 0, events: 0 };
    for (let left = recordCount(batch); left > 0; ) {
      const pending = (this.#pending ??= this.#open());
      let room = this.#maxRecords - pending.count;
      const part: WriteBatch = {};
      const taken = { spans: 0, logs: 0, events: 0 };
      for (const kind of KINDS) {
        const items = batch[kind] ?? [];
        const take = Math.min(items.length - next[kind], room);
        if (take <= 0) continue;
        (part[kind] as unknown[]) = take === items.length ? items : items.slice(next[kind], next[kind] + take);
        taken[kind] = take;
        room -= take;
      }
      pending.write.add(part);
      for (const kind of KINDS) {
        next[kind] += taken[kind];
        pending.counts[kind] += taken[kind];
        pending.count += taken[kind];
        left -= taken[kind];
      }
      if (waits.at(-1) !== pending.done) waits.push(pending.done);
      if (pending.count >= this.#maxRecords || this.#stopping) this.#seal();
    }
    if (waits.length === 0) return;
    this.#active.add(waits);
    this.#scheduleCheck();
    try {
      await Promise.all(waits);
    } finally {
      this.#active.delete(waits);
      this.#scheduleCheck(); // the calls still in progress may all be waiting for the pending write now
    }
  }

  /** Writes what is pending now; failed writes are no longer retried (their handlers reject, uncommitted). */
  stop(): void {
    this.#stopping = true;
    this.#seal();
    this.#sleeper.wakeAll();
  }

  #open(): Pending {
    const pending = newPending(this.#openWrite());
    pending.timer = setTimeout(() => {
      if (this.#pending === pending) this.#seal();
    }, this.#lingerMs);
    return pending;
  }

  /**
   * After the add() calls of this turn: when every call in progress waits for the pending write, no
   * record can join it before a write completes, so lingering would only add latency.
   */
  #scheduleCheck(): void {
    if (this.#checkScheduled) return;
    this.#checkScheduled = true;
    setImmediate(() => {
      this.#checkScheduled = false;
      const pending = this.#pending;
      if (!pending) return;
      for (const waits of this.#active) if (!waits.includes(pending.done)) return;
      this.#seal();
    });
  }

  #seal(): void {
    const pending = this.#pending;
    if (!pending) return;
    this.#pending = null;
    clearTimeout(pending.timer);
    if (pending.count === 0) {
      pending.resolve(); // opened for a batch the store refused: nothing to write
      return;
    }
    this.#queue.push(pending);
    this.#startWrites();
  }

  #startWrites(): void {
    while (this.#writing < this.#maxConcurrentWrites && this.#queue.length > 0) {
      const pending = this.#queue.shift()!;
      this.#writing += 1;
      void this.#writeWithRetry(pending)
        .then(pending.resolve, pending.reject)
        .finally(() => {
          this.#writing -= 1;
          this.#startWrites();
        });
    }
  }

  async #writeWithRetry(pending: Pending): Promise<void> {
    let failed = false;
    try {
      for (let failures = 0; ; ) {
        const started = performance.now();
        try {
          await pending.write.commit();
          this.#gaveUp = false;
          this.#options.onWritten?.(pending.counts, performance.now() - started);
          return;
        } catch (error) {
          if (!failed) this.#failingWrites += 1;
          failed = true;
          const retry = error instanceof UnavailableError && !this.#stopping;
          this.#options.onFailed?.(error, retry);
          if (!retry) {
            this.#gaveUp = true;
            throw error;
          }
          failures += 1;
          await this.#sleeper.sleep(Math.min(this.#backoffMs * 2 ** (failures - 1), this.#maxBackoffMs));
          if (this.#stopping) {
            this.#gaveUp = true;
            throw error;
          }
        }
      }
    } finally {
      if (failed) this.#failingWrites -= 1;
    }
  }
}
