// One subscribe() of KafkaBus: a kafkajs consumer in the group, delivering each partition's records to
// the handler in chunks of at most maxBatchRecords and committing a chunk's offsets only after the
// handler resolved for it (autoCommit off, eachBatchAutoResolve off).
//
// A handler that throws is retried in place, inside eachBatch, after a backoff (retryBackoffMs doubling
// to maxRetryBackoffMs), with the same records, until it succeeds. kafkajs fetches a partition again
// only after eachBatch returns, so nothing later on that partition can overtake the failed records.
// Why not throw from eachBatch and let kafkajs refetch: its runner retries a failing fetch loop only
// `retries` times over the consumer's lifetime, then "crashes" the consumer, which disconnects and
// rejoins the group — a rebalance every few failures, exactly what an ingester retrying through a
// minute-long ClickHouse outage must not cause. Why not seek(): with autoCommit off kafkajs implements
// seek by moving the resolved offset, equivalent to not resolving, and it adds a refetch for nothing.
//
// Group membership during long handlers and retries: a timer calls kafkajs's heartbeat() every
// heartbeatIntervalMs for as long as eachBatch runs (kafkajs itself only heartbeats between batches), so
// the member keeps its session however long one handler call or a retry series takes. If a heartbeat
// reports a rebalance (another member joined or left), the chunk in hand is finished — committed if the
// handler succeeded, left uncommitted if it failed — and the rebalance error is rethrown from eachBatch:
// kafkajs then rejoins, and whoever owns the partition next resumes from the last commit. (A single
// handler call that outlasts rebalanceTimeoutMs while a rebalance is pending gets this member dropped
// from that generation; it rejoins once the call returns: one extra rebalance, not a loop.)
//
// stop(): kafkajs's disconnect waits for the running eachBatch; the handler call in flight finishes and
// its offsets are committed, no further chunk is started, a retry backoff is cut short (the failed
// chunk stays uncommitted), then the member leaves the group and the connections close.
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { DeliveredBatch, DeliveredRecord, SubscribeOptions, Subscription } from './bus.ts';
import { CoPartitionedAssigner } from './kafka-copartition.ts';
import { describeKafkaError, isRebalanceError, toUnavailable } from './kafka-errors.ts';
import { retryOptions, type ResolvedKafkaBusOptions } from './kafka-options.ts';
import { WakeableSleep } from '../wakeable-sleep.ts';

export interface KafkaSubscriptionStats {
  /** Times this member joined (or rejoined) the group: 1 when no rebalance ever happened. */
  groupJoins: number;
  /** Rebalances kafkajs noticed (it then rejoins). */
  rebalances: number;
  /** kafkajs consumer crashes (each followed by a restart, i.e. a rejoin). */
  crashes: number;
  handlerFailures: number;
  commits: number;
  heartbeats: number;
}

const COMMIT_ATTEMPTS = 5;

export function toDeliveredRecord(topic: string, partition: number, message: KafkaMessage): DeliveredRecord {
  return {
    topic,
    partition,
    offset: message.offset,
    timestampMs: Number(message.timestamp),
    key: message.key ? message.key.toString('utf8') : '',
    value: message.value ?? Buffer.alloc(0),
  };
}

/** Heartbeats on a timer while one eachBatch call runs; remembers the first rebalance a heartbeat reports. */
class HeartbeatTimer {
  rebalance: unknown = undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(heartbeat: () => Promise<void>, intervalMs: number) {
    this.#timer = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        if (isRebalanceError(error)) this.rebalance ??= error;
        // Anything else (broker unreachable, …) surfaces at the next fetch or commit.
      });
    }, intervalMs);
  }

  /** Throws the rebalance a heartbeat reported, if any. */
  check(): void {
    if (this.rebalance !== undefined) throw this.rebalance;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

export class KafkaSubscription implements Subscription {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly stats: KafkaSubscriptionStats = { groupJoins: 0, rebalances: 0, crashes: 0, handlerFailures: 0, commits: 0, heartbeats: 0 };
  readonly #options: ResolvedKafkaBusOptions;
  readonly #consumer: Consumer;
  readonly #handler: (batch: DeliveredBatch) => Promise<void>;
  readonly #onAssigned: ((partitions: number[]) => void) | undefined;
  readonly #maxBatchRecords: number;
  readonly #onStopped: (subscription: KafkaSubscription) => void;
  #stopRequested = false;
  #stopping: Promise<void> | undefined;
  readonly #sleeper = new WakeableSleep();
  #restartTimer: NodeJS.Timeout | undefined;
  #restartAttempts = 0;

  private constructor(
    options: ResolvedKafkaBusOptions,
    consumer: Consumer,
    subscribe: SubscribeOptions,
    onStopped: (subscription: KafkaSubscription) => void,
  ) {
    this.#options = options;
    this.#consumer = consumer;
    this.groupId = subscribe.groupId;
    this.topics = [...subscribe.topics];
    this.#handler = subscribe.handler;
    this.#onAssigned = subscribe.onAssigned;
    this.#maxBatchRecords = subscribe.maxBatchRecords ?? 1000;
    this.#onStopped = onStopped;
  }

  static async start(
    kafka: Kafka,
    options: ResolvedKafkaBusOptions,
    subscribe: SubscribeOptions,
    onStopped: (subscription: KafkaSubscription) => void,
  ): Promise<KafkaSubscription> {
    if (typeof subscribe.groupId !== 'string' || subscribe.groupId === '') throw new TypeError('groupId must be a non-empty string');
    if (!Array.isArray(subscribe.topics) || subscribe.topics.length === 0 || subscribe.topics.some((t) => typeof t !== 'string' || t === '')) {
      throw new TypeError('topics must be a non-empty list of topic names');
    }
    if (typeof subscribe.handler !== 'function') throw new TypeError('handler must be a function');
    const max = subscribe.maxBatchRecords ?? 1000;
    if (!Number.isInteger(max) || max <= 0) throw new TypeError('maxBatchRecords must be a positive integer');

    let subscription: KafkaSubscription | undefined;
    const consumer = kafka.consumer({
      groupId: subscribe.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      maxWaitTimeInMs: options.maxWaitTimeMs,
      maxBytesPerPartition: options.fetchMaxBytesPerPartition,
      maxBytes: options.fetchMaxBytes,
      allowAutoTopicCreation: false,
      partitionAssigners: [CoPartitionedAssigner],
      retry: {
        ...retryOptions(8, 300, 5000),
        // Retriable crashes restart the consumer (a rejoin) unless the subscription is stopping.
        restartOnFailure: async () => subscription !== undefined && !subscription.#stopRequested,
      },
    });
    subscription = new KafkaSubscription(options, consumer, subscribe, onStopped);
    subscription.#listen();
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...subscribe.topics], fromBeginning: subscribe.fromBeginning ?? true });
      await subscription.#run();
    } catch (error) {
      subscription.#stopRequested = true;
      await consumer.disconnect().catch(() => undefined);
      throw toUnavailable(error, `cannot subscribe group ${subscribe.groupId} to ${subscribe.topics.join(', ')}`);
    }
    return subscription;
  }

  #run(): Promise<void> {
    // Resolves once the member has joined the group for the first time.
    return this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.#options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
  }

  #listen(): void {
    const { events } = this.#consumer;
    this.#consumer.on(events.GROUP_JOIN, (event) => {
      this.stats.groupJoins += 1;
      this.#restartAttempts = 0;
      const assigned = new Set(Object.values(event.payload.memberAssignment).flat());
      this.#onAssigned?.([...assigned].sort((a, b) => a - b));
    });
    this.#consumer.on(events.REBALANCING, () => {
      this.stats.rebalances += 1;
    });
    this.#consumer.on(events.HEARTBEAT, () => {
      this.stats.heartbeats += 1;
    });
    this.#consumer.on(events.CRASH, (event) => {
      this.stats.crashes += 1;
      const { error, restart } = event.payload;
      if (this.#stopRequested) return;
      this.#options.onError(error, `Kafka consumer of group ${this.groupId} crashed${restart ? '; kafkajs restarts it' : ''}`);
      // kafkajs does not restart after a non-retriable error; an ingester must not stop silently.
      if (!restart) this.#scheduleRestart();
    });
  }

  #scheduleRestart(): void {
    const delay = Math.min(this.#options.retryBackoffMs * 2 ** this.#restartAttempts, this.#options.maxRetryBackoffMs * 6);
    this.#restartAttempts += 1;
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => {
      if (this.#stopRequested) return;
      this.#run().catch((error: unknown) => {
        this.#options.onError(error, `cannot restart the Kafka consumer of group ${this.groupId}`);
        if (!this.#stopRequested) this.#scheduleRestart();
      });
    }, delay);
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition, messages } = batch;
    const heartbeats = new HeartbeatTimer(payload.heartbeat, this.#options.heartbeatIntervalMs);
    try {
      for (let start = 0; start < messages.length; start += this.#maxBatchRecords) {
        if (this.#stopRequested || !payload.isRunning() || payload.isStale()) return;
        const chunk = messages.slice(start, start + this.#maxBatchRecords);
        const delivered: DeliveredBatch = { topic, partition, records: chunk.map((m) => toDeliveredRecord(topic, partition, m)) };
        if (!(await this.#deliver(delivered, payload, heartbeats))) return;
        // The batch's last offset can lie beyond its last message (control records); resolve past those too.
        const last = start + this.#maxBatchRecords >= messages.length ? batch.lastOffset() : chunk.at(-1)!.offset;
        await this.#commit(payload, topic, partition, (BigInt(last) + 1n).toString());
        payload.resolveOffset(chunk.at(-1)!.offset); // kafkajs resolves past trailing control records itself
        heartbeats.check();
      }
    } finally {
      heartbeats.stop();
    }
    heartbeats.check();
  }

  /** Calls the handler until it succeeds (true), or the subscription stops first (false). */
  async #deliver(batch: DeliveredBatch, payload: EachBatchPayload, heartbeats: HeartbeatTimer): Promise<boolean> {
    for (let failures = 0; ; ) {
      try {
        await this.#handler(batch);
        return true;
      } catch (error) {
        failures += 1;
        this.stats.handlerFailures += 1;
        this.#options.onError(
          error,
          `handler of group ${this.groupId} failed on ${batch.topic}[${batch.partition}]@${batch.records[0]?.offset} (attempt ${failures}); retrying`,
        );
        heartbeats.check(); // a rebalance: give the partition up, uncommitted
        const delay = Math.min(this.#options.retryBackoffMs * 2 ** (failures - 1), this.#options.maxRetryBackoffMs);
        await this.#sleep(delay);
        heartbeats.check();
        if (this.#stopRequested || !payload.isRunning() || payload.isStale()) return false;
      }
    }
  }

  async #commit(payload: EachBatchPayload, topic: string, partition: number, offset: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] });
        this.stats.commits += 1;
        return;
      } catch (error) {
        // Out of the group, or out of tries: the chunk stays uncommitted and is delivered again.
        if (isRebalanceError(error) || attempt >= COMMIT_ATTEMPTS || this.#stopRequested) throw error;
        this.#options.onError(error, `commit of ${topic}[${partition}]@${offset} for group ${this.groupId} failed (${describeKafkaError(error)}); retrying`);
        await this.#sleep(Math.min(this.#options.retryBackoffMs * 2 ** attempt, this.#options.maxRetryBackoffMs));
      }
    }
  }

  /** Waits, or less if stop() is called meanwhile. */
  #sleep(ms: number): Promise<void> {
    return this.#stopRequested ? Promise.resolve() : this.#sleeper.sleep(ms);
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    this.#stopRequested = true;
    clearTimeout(this.#restartTimer);
    this.#sleeper.wakeAll();
    try {
      // Waits for the running eachBatch (handler in flight, then its commit), leaves the group, disconnects.
      await this.#consumer.disconnect();
    } catch (error) {
      this.#options.onError(error, `stopping the Kafka consumer of group ${this.groupId}`);
    } finally {
      this.#onStopped(this);
    }
  }
}
