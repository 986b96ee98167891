// The admin side of KafkaBus: topic creation (never the broker's auto-create, which gives transient
// errors with kafkajs) and consumer lag from the group's committed offsets.
import type { Admin, Kafka } from 'kafkajs';
import type { TopicSpec } from './bus.ts';
import { toUnavailable } from './kafka-errors.ts';
import { retryOptions, type ResolvedKafkaBusOptions } from './kafka-options.ts';

export class KafkaAdmin {
  readonly #options: ResolvedKafkaBusOptions;
  readonly #admin: Admin;

  private constructor(options: ResolvedKafkaBusOptions, admin: Admin) {
    this.#options = options;
    this.#admin = admin;
  }

  static async open(kafka: Kafka, options: ResolvedKafkaBusOptions): Promise<KafkaAdmin> {
    const admin = kafka.admin({ retry: retryOptions(5, 100, 2000) });
    try {
      await admin.connect();
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw toUnavailable(error, `cannot connect to Kafka at ${options.brokers.join(',')}`);
    }
    return new KafkaAdmin(options, admin);
  }

  /**
   * Creates the topics that do not exist yet, with the configured replication factor and topic configs,
   * and waits until each partition has a leader. An existing topic keeps its partition count: growing it
   * would move keys to other partitions and break per-key order.
   */
  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    for (const spec of topics) {
      if (typeof spec?.name !== 'string' || spec.name === '') throw new TypeError('topic name must be a non-empty string');
      if (!Number.isInteger(spec.partitions) || spec.partitions <= 0) {
        throw new TypeError(`partitions of topic ${spec.name} must be a positive integer`);
      }
    }
    const unique = [...new Map(topics.map((spec) => [spec.name, spec])).values()];
    if (unique.length === 0) return;
    const configEntries = Object.entries(this.#options.topicConfig).map(([name, value]) => ({ name, value }));
    try {
      // Resolves false when every topic already existed (TOPIC_ALREADY_EXISTS is not an error here).
      await this.#admin.createTopics({
        topics: unique.map((spec) => ({
          topic: spec.name,
          numPartitions: spec.partitions,
          replicationFactor: this.#options.replicationFactor,
          configEntries,
        })),
        waitForLeaders: true,
        timeout: this.#options.adminTimeoutMs,
      });
    } catch (error) {
      throw toUnavailable(error, `cannot create topics ${unique.map((spec) => spec.name).join(', ')}`);
    }
  }

  /**
   * Messages of `topic` not yet committed by `groupId`, summed over partitions: the high watermark minus
   * the committed offset, or minus the log start when the group has committed nothing there.
   */
  async lag(groupId: string, topic: string): Promise<number> {
    try {
      const [ends, committed] = await Promise.all([
        this.#admin.fetchTopicOffsets(topic),
        this.#admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const committedByPartition = new Map<number, bigint>();
      for (const entry of committed) {
        if (entry.topic !== topic) continue;
        for (const { partition, offset } of entry.partitions) committedByPartition.set(partition, BigInt(offset));
      }
      let lag = 0n;
      for (const { partition, high, low } of ends) {
        const committedOffset = committedByPartition.get(partition) ?? -1n;
        const from = committedOffset >= 0n ? committedOffset : BigInt(low);
        if (BigInt(high) > from) lag += BigInt(high) - from;
      }
      return Number(lag);
    } catch (error) {
      throw toUnavailable(error, `cannot read the lag of group ${groupId} on ${topic}`);
    }
  }

  async close(): Promise<void> {
    await this.#admin.disconnect().catch(() => undefined);
  }
}
