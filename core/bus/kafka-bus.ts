// KafkaBus: the production Bus on Apache Kafka (kafkajs). The pieces live next to it:
//   kafka-publisher.ts  publish(): acks=-1, coalesced produce requests, bounded time, UnavailableError
//   kafka-consumer.ts   subscribe(): one consumer per subscription, commit after the handler, in-place retry
//   kafka-admin.ts      ensureTopics() through the admin client, lag() from committed offsets
//   kafka-errors.ts     kafkajs errors → UnavailableError, rebalance detection
//   kafka-options.ts    options and defaults;  kafka-log.ts  kafkajs logs → onLog
//   kafka-zstd.ts       zstd record batches (the producer's default; consumers read them whatever they produce)
// Semantics are bus.ts's; the same contract suite (test/contract/bus.contract.ts) runs against a real
// broker in test/contract/bus.kafka.test.ts.
import { Kafka } from 'kafkajs';
import { UnavailableError } from '../errors.ts';
import type { Bus, BusRecord, SubscribeOptions, TopicSpec } from './bus.ts';
import { KafkaAdmin } from './kafka-admin.ts';
import { KafkaSubscription } from './kafka-consumer.ts';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-log.ts';
import { resolveKafkaOptions, retryOptions, type KafkaBusOptions, type ResolvedKafkaBusOptions } from './kafka-options.ts';
import { KafkaPublisher } from './kafka-publisher.ts';
import { registerZstd } from './kafka-zstd.ts';

export type { KafkaBusOptions, KafkaLogEntry, KafkaLogLevel } from './kafka-options.ts';
export type { KafkaSubscription, KafkaSubscriptionStats } from './kafka-consumer.ts';

registerZstd();

export class KafkaBus implements Bus {
  readonly options: Readonly<ResolvedKafkaBusOptions>;
  readonly #kafka: Kafka;
  readonly #admin: KafkaAdmin;
  readonly #publisher: KafkaPublisher;
  readonly #subscriptions = new Set<KafkaSubscription>();
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(options: ResolvedKafkaBusOptions, kafka: Kafka, admin: KafkaAdmin, publisher: KafkaPublisher) {
    this.options = options;
    this.#kafka = kafka;
    this.#admin = admin;
    this.#publisher = publisher;
  }

  /** Connects the admin client and the producer; rejects with UnavailableError when no broker answers. */
  static async open(options: KafkaBusOptions): Promise<KafkaBus> {
    const resolved = resolveKafkaOptions(options);
    const kafka = new Kafka({
      clientId: resolved.clientId,
      brokers: resolved.brokers,
      connectionTimeout: resolved.connectionTimeoutMs,
      requestTimeout: resolved.requestTimeoutMs,
      // Connecting to a broker: a few quick tries (~0.7 s); the producer, consumers and admin retry
      // on top with their own settings, so an unreachable broker surfaces within seconds.
      retry: retryOptions(3, 100, 1000),
      logLevel: kafkaLogLevel(resolved.logLevel),
      logCreator: kafkaLogCreator(resolved.onLog),
    });
    const admin = await KafkaAdmin.open(kafka, resolved);
    let publisher: KafkaPublisher;
    try {
      publisher = await KafkaPublisher.open(kafka, resolved);
    } catch (error) {
      await admin.close();
      throw error;
    }
    return new KafkaBus(resolved, kafka, admin, publisher);
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    this.#assertOpen();
    await this.#admin.ensureTopics(topics);
  }

  publish(topic: string, records: BusRecord[]): Promise<void> {
    if (this.#closed) return Promise.reject(new UnavailableError('bus is closed'));
    return this.#publisher.publish(topic, records);
  }

  async subscribe(options: SubscribeOptions): Promise<KafkaSubscription> {
    this.#assertOpen();
    const subscription = await KafkaSubscription.start(this.#kafka, this.options, options, (s) => this.#subscriptions.delete(s));
    if (this.#closed) {
      await subscription.stop();
      throw new UnavailableError('bus is closed');
    }
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async lag(groupId: string, topic: string): Promise<number> {
    this.#assertOpen();
    return this.#admin.lag(groupId, topic);
  }

  /** Stops every subscription (in-flight handlers finish and commit), drains publishes, disconnects. Idempotent. */
  close(): Promise<void> {
    if (!this.#closing) {
      this.#closed = true;
      this.#closing = (async () => {
        await Promise.all([...this.#subscriptions].map((s) => s.stop()));
        await this.#publisher.close();
        await this.#admin.close();
      })();
    }
    return this.#closing;
  }

  #assertOpen(): void {
    if (this.#closed) throw new UnavailableError('bus is closed');
  }
}
