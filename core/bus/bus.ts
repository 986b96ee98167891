// The bus seam: Kafka in production (issue 3), an in-process durable log in all-in-one mode.
// Both implementations pass test/contract/bus.contract.ts. Semantics follow Kafka:
// - a topic has N partitions; a message's key picks its partition (same key → same partition),
//   so messages of one key are delivered in publish order;
// - publish() resolves only once the messages are durable (in-process: SQLite commit with fsync;
//   Kafka: acks from all in-sync replicas) and rejects with UnavailableError when they are not;
// - consumers in one group share the partitions; each group sees every message;
// - delivery is at-least-once: offsets are committed only after the handler resolves for a batch,
//   so a handler that throws, or a process killed mid-batch, gets the batch again.

export interface BusRecord {
  key: string;
  value: Buffer;
}

export interface DeliveredRecord extends BusRecord {
  topic: string;
  partition: number;
  /** Offset within the partition, as a decimal string (Kafka offsets are int64). */
  offset: string;
  /** Publish time, ms since epoch. */
  timestampMs: number;
}

/** Messages of one partition, in offset order. */
export interface DeliveredBatch {
  topic: string;
  partition: number;
  records: DeliveredRecord[];
}

export interface SubscribeOptions {
  groupId: string;
  topics: string[];
  /** Called with one partition's next messages; offsets are committed after it resolves. */
  handler: (batch: DeliveredBatch) => Promise<void>;
  /** Upper bound on records per handler call (default 1000). */
  maxBatchRecords?: number;
  /** Where a group with no committed offset starts (default 'earliest'). */
  fromBeginning?: boolean;
  /**
   * Called with the partition numbers this member owns after every (re)assignment (empty when it owns
   * none). Assignment is co-partitioned: partition p of every subscribed topic goes to the same member,
   * so one key's records on several topics meet in one consumer (the rules engine relies on it).
   */
  onAssigned?: (partitions: number[]) => void;
}

export interface Subscription {
  /** Stop consuming; an in-flight handler finishes first and its offsets are committed. */
  stop(): Promise<void>;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface Bus {
  /** Create topics if missing (idempotent). */
  ensureTopics(topics: TopicSpec[]): Promise<void>;
  publish(topic: string, records: BusRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Messages not yet committed by a group, summed over partitions (consumer lag). */
  lag(groupId: string, topic: string): Promise<number>;
  close(): Promise<void>;
}

/** The topics ordertrace uses; all keyed by order ID, falling back to trace ID. */
export const Topics = {
  spans: 'ordertrace.spans',
  logs: 'ordertrace.logs',
  events: 'ordertrace.events',
} as const;
