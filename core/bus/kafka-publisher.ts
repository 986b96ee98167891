// The producer side of KafkaBus: publish() resolves only once the broker has acknowledged the records
// with acks=-1 (every in-sync replica), and rejects with UnavailableError otherwise — broker down,
// not enough replicas, timeout, queue full — within publishTimeoutMs, never later.
//
// Coalescing: publishes made in one event-loop turn, or while maxInFlightRequests produce requests are
// outstanding, are sent together in one produce request (up to maxRequestBytes), like the Java
// producer's linger. One publish's records are never split over concurrent requests, so a caller that
// awaits each publish gets its records in order per key; a publish larger than maxRequestBytes is sent
// alone, in sequential chunks.
//
// Partitioning: kafkajs's DefaultPartitioner, which is the Java client's (murmur2 of the key bytes,
// sign bit cleared, modulo partitions) and agrees with core/bus/partitioner.ts, so an order lands on
// the same partition number as in the in-process bus. Passing it explicitly also silences kafkajs's
// "v2 switched default partitioner" warning without an environment variable.
//
// Not idempotent: kafkajs's idempotent producer is experimental and only deduplicates within one
// producer session, so the bus does not use it; a publish that timed out may still land on Kafka
// later (the caller retries and the data is then there twice), and consumers deduplicate downstream.
//
// Reconnecting: when the broker drops the connection, kafkajs reconnects inside its send retries
// (sendMessages: `cluster.connect()` when the cluster is disconnected), so the same producer keeps
// working after a broker restart; the first publishes during the outage fail with UnavailableError.
import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer, type TopicMessages } from 'kafkajs';
import { UnavailableError } from '../errors.ts';
import type { BusRecord } from './bus.ts';
import { toUnavailable } from './kafka-errors.ts';
import { retryOptions, type ResolvedKafkaBusOptions } from './kafka-options.ts';

/** Per-record bytes a produce request carries beyond key and value (record and batch headers), roughly. */
const RECORD_OVERHEAD = 70;

interface PendingPublish {
  readonly topic: string;
  readonly records: BusRecord[];
  readonly bytes: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
  settled: boolean;
}

function recordBytes(record: BusRecord): number {
  return Buffer.byteLength(record.key, 'utf8') + record.value.length + RECORD_OVERHEAD;
}

function toMessage(record: BusRecord): Message {
  const value: Uint8Array = record.value;
  return { key: record.key, value: Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength) };
}

export class KafkaPublisher {
  readonly #options: ResolvedKafkaBusOptions;
  readonly #producer: Producer;
  readonly #compression: CompressionTypes;
  readonly #queue: PendingPublish[] = [];
  /** Bytes queued plus bytes in flight: what maxPendingBytes bounds. */
  #pendingBytes = 0;
  #inFlight = 0;
  #scheduled = false;
  #closed = false;
  #idle: Array<() => void> = [];

  private constructor(options: ResolvedKafkaBusOptions, producer: Producer) {
    this.#options = options;
    this.#producer = producer;
    this.#compression = options.compression === 'zstd' ? CompressionTypes.ZSTD : CompressionTypes.None;
  }

  static async open(kafka: Kafka, options: ResolvedKafkaBusOptions): Promise<KafkaPublisher> {
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      idempotent: false,
      // A failed send is retried (reconnecting if needed) for about 1.5 s in all; publishTimeoutMs
      // bounds the whole publish anyway.
      retry: retryOptions(4, 100, 1000),
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw toUnavailable(error, `cannot connect the Kafka producer to ${options.brokers.join(',')}`);
    }
    return new KafkaPublisher(options, producer);
  }

  publish(topic: string, records: BusRecord[]): Promise<void> {
    if (this.#closed) return Promise.reject(new UnavailableError('bus is closed'));
    if (typeof topic !== 'string' || topic === '') return Promise.reject(new TypeError('topic must be a non-empty string'));
    if (!Array.isArray(records)) return Promise.reject(new TypeError('records must be an array'));
    let bytes = 0;
    for (const record of records) {
      if (typeof record?.key !== 'string' || !(record.value instanceof Uint8Array)) {
        return Promise.reject(new TypeError('each record needs a string key and a Buffer value'));
      }
      bytes += recordBytes(record);
    }
    if (records.length === 0) return Promise.resolve();
    if (this.#pendingBytes > 0 && this.#pendingBytes + bytes > this.#options.maxPendingBytes) {
      return Promise.reject(new UnavailableError(`Kafka publish queue is full (${this.#pendingBytes} bytes pending)`, 1));
    }
    return new Promise<void>((resolve, reject) => {
      const entry: PendingPublish = { topic, records, bytes, resolve, reject, timer: undefined, settled: false };
      entry.timer = setTimeout(() => this.#timeOut(entry), this.#options.publishTimeoutMs);
      entry.timer.unref();
      this.#pendingBytes += bytes;
      this.#queue.push(entry);
      this.#schedule();
    });
  }

  #timeOut(entry: PendingPublish): void {
    // Still queued: it never reaches Kafka. Already sent: Kafka may still take it (a duplicate once the
    // caller retries, which downstream deduplication absorbs).
    const index = this.#queue.indexOf(entry);
    if (index >= 0) {
      this.#queue.splice(index, 1);
      this.#pendingBytes -= entry.bytes;
      this.#notifyIdle();
    }
    this.#settle(entry, new UnavailableError(`Kafka did not acknowledge the publish within ${this.#options.publishTimeoutMs} ms`));
  }

  #settle(entry: PendingPublish, error?: Error): void {
    if (entry.settled) return;
    entry.settled = true;
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    // Let the publishes of this event-loop turn join the same request.
    setImmediate(() => {
      this.#scheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#options.maxInFlightRequests && this.#queue.length > 0) {
      const group = this.#takeGroup();
      const bytes = group.reduce((n, entry) => n + entry.bytes, 0);
      this.#inFlight += 1;
      void this.#send(group).then((error) => {
        // Free the slot and the bytes before the callers hear back, so their next publish fits.
        this.#inFlight -= 1;
        this.#pendingBytes -= bytes;
        for (const entry of group) this.#settle(entry, error);
        this.#pump();
        this.#notifyIdle();
      });
    }
  }

  /** The next publishes to send together: the first in the queue, then more while they fit one request. */
  #takeGroup(): PendingPublish[] {
    const group = [this.#queue.shift()!];
    let bytes = group[0]!.bytes;
    while (this.#queue.length > 0 && bytes + this.#queue[0]!.bytes <= this.#options.maxRequestBytes) {
      const next = this.#queue.shift()!;
      bytes += next.bytes;
      group.push(next);
    }
    return group;
  }

  /** Sends the group's publishes that have not timed out yet; resolves with the error to report, if any. */
  async #send(group: PendingPublish[]): Promise<UnavailableError | undefined> {
    const live = group.filter((entry) => !entry.settled);
    if (live.length === 0) return undefined;
    try {
      if (live.length === 1 && live[0]!.bytes > this.#options.maxRequestBytes) {
        await this.#sendLarge(live[0]!);
      } else {
        await this.#producer.sendBatch({
          topicMessages: this.#topicMessages(live),
          acks: -1,
          timeout: this.#options.ackTimeoutMs,
          compression: this.#compression,
        });
      }
      return undefined;
    } catch (error) {
      return toUnavailable(error, 'Kafka did not acknowledge the publish');
    }
  }

  #topicMessages(entries: PendingPublish[]): TopicMessages[] {
    const byTopic = new Map<string, Message[]>();
    for (const entry of entries) {
      let messages = byTopic.get(entry.topic);
      if (!messages) byTopic.set(entry.topic, (messages = []));
      for (const record of entry.records) messages.push(toMessage(record));
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  /** One publish bigger than a request: sequential chunks, so its records stay in order per key. */
  async #sendLarge(entry: PendingPublish): Promise<void> {
    let chunk: Message[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      if (entry.settled) throw new UnavailableError('publish timed out part-way');
      await this.#producer.send({ topic: entry.topic, messages: chunk, acks: -1, timeout: this.#options.ackTimeoutMs, compression: this.#compression });
      chunk = [];
      bytes = 0;
    };
    for (const record of entry.records) {
      const size = recordBytes(record);
      if (chunk.length > 0 && bytes + size > this.#options.maxRequestBytes) await flush();
      chunk.push(toMessage(record));
      bytes += size;
    }
    await flush();
  }

  #notifyIdle(): void {
    if (this.#queue.length > 0 || this.#inFlight > 0) return;
    for (const wake of this.#idle.splice(0)) wake();
  }

  /** Stops accepting publishes, lets queued and in-flight ones finish (each bounded by its timeout), disconnects. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#queue.length > 0 || this.#inFlight > 0) {
      this.#schedule();
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
    await this.#producer.disconnect().catch(() => undefined);
  }
}
