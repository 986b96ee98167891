// KafkaBus options and their defaults, in one place. Every kafkajs retry setting is passed in full:
// kafkajs swaps in much shorter retry defaults when NODE_ENV=test (as vitest sets it), so anything
// left to its defaults would behave differently in the tests than in production.
import type { RetryOptions } from 'kafkajs';

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export type KafkaCompression = 'zstd' | 'none';

export interface KafkaLogEntry {
  level: Exclude<KafkaLogLevel, 'nothing'>;
  /** The kafkajs component, e.g. 'Consumer', 'Runner', 'Connection'. */
  namespace: string;
  message: string;
  /** The rest of kafkajs's log record (broker, groupId, error, …). */
  extra: Record<string, unknown>;
}

export interface KafkaBusOptions {
  /** Bootstrap brokers, 'host:port'. */
  brokers: string[];
  clientId?: string;

  // Client-wide network settings.
  /** TCP connect timeout per broker (default 2000). */
  connectionTimeoutMs?: number;
  /** Default timeout of a Kafka request; long-polling requests (fetch, join) get their own (default 5000). */
  requestTimeoutMs?: number;

  // Topics.
  /** Replication factor of topics created by ensureTopics; -1 = the broker's default.replication.factor (default -1). */
  replicationFactor?: number;
  /** Topic configs set at creation (default: max.message.bytes = 16 MiB, so 1 MiB values and large publishes fit). */
  topicConfig?: Record<string, string>;
  /** Timeout of admin operations: createTopics, offsets for lag() (default 10 000). */
  adminTimeoutMs?: number;

  // Producer.
  /** publish() rejects with UnavailableError when Kafka has not acknowledged within this time (default 5000). */
  publishTimeoutMs?: number;
  /** How long the broker may wait for the in-sync replicas' acks (produce request `timeout`, default 4000). */
  ackTimeoutMs?: number;
  /** Bytes (keys + values + overhead) per produce request; publishes made together are coalesced up to it (default 4 MiB). */
  maxRequestBytes?: number;
  /** Produce requests in flight at once; further publishes wait, coalesced (default 4). */
  maxInFlightRequests?: number;
  /** Bytes queued or in flight; beyond it publish() rejects at once with UnavailableError (default 64 MiB). */
  maxPendingBytes?: number;
  /** Compression of produced record batches (default 'zstd', see kafka-zstd.ts; needs Kafka ≥ 2.1). */
  compression?: KafkaCompression;

  // Consumers (one kafkajs consumer per subscribe()).
  /** The group coordinator drops a member it has not heard from for this long (default 30 000). */
  sessionTimeoutMs?: number;
  /** How long members get to rejoin during a rebalance (default 60 000). */
  rebalanceTimeoutMs?: number;
  /** Heartbeat period, also while a handler runs or is being retried (default 3000). */
  heartbeatIntervalMs?: number;
  /** How long a fetch waits on the broker for new data; also bounds how fast stop() returns (default 500). */
  maxWaitTimeMs?: number;
  /** Partitions whose handlers may run at once within one consumer (default 1). */
  partitionsConsumedConcurrently?: number;
  /**
   * Bytes one fetch may return per partition, and in all (defaults 256 KiB and 8 MiB), as stored, i.e.
   * compressed: kafkajs decompresses a whole fetch before handling it, so memory holds several times
   * this (JSON spans compress 5–50x). A consumer fetches again only once its handlers are done.
   */
  fetchMaxBytesPerPartition?: number;
  fetchMaxBytes?: number;
  /** First redelivery delay after a handler fails; doubles per consecutive failure (default 200). */
  retryBackoffMs?: number;
  /** Cap of the redelivery delay (default 5000). */
  maxRetryBackoffMs?: number;

  // Observability.
  /** kafkajs's own log level (default 'warn'). */
  logLevel?: KafkaLogLevel;
  /** Where kafkajs's log lines go (default: one line on stderr). */
  onLog?: (entry: KafkaLogEntry) => void;
  /** Where handler failures and background errors go (default: console.error). */
  onError?: (error: unknown, context: string) => void;
}

export type ResolvedKafkaBusOptions = Required<KafkaBusOptions>;

export const MiB = 1024 * 1024;

export function resolveKafkaOptions(options: KafkaBusOptions): ResolvedKafkaBusOptions {
  if (!Array.isArray(options.brokers) || options.brokers.length === 0 || options.brokers.some((b) => typeof b !== 'string' || b === '')) {
    throw new TypeError('KafkaBus: brokers must be a non-empty list of host:port strings');
  }
  const resolved: ResolvedKafkaBusOptions = {
    brokers: [...options.brokers],
    clientId: options.clientId ?? 'ordertrace',
    connectionTimeoutMs: options.connectionTimeoutMs ?? 2000,
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    replicationFactor: options.replicationFactor ?? -1,
    topicConfig: { 'max.message.bytes': String(16 * MiB), ...options.topicConfig },
    adminTimeoutMs: options.adminTimeoutMs ?? 10_000,
    publishTimeoutMs: options.publishTimeoutMs ?? 5000,
    ackTimeoutMs: options.ackTimeoutMs ?? 4000,
    maxRequestBytes: options.maxRequestBytes ?? 4 * MiB,
    maxInFlightRequests: options.maxInFlightRequests ?? 4,
    maxPendingBytes: options.maxPendingBytes ?? 64 * MiB,
    compression: options.compression ?? 'zstd',
    sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
    rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3000,
    maxWaitTimeMs: options.maxWaitTimeMs ?? 500,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    fetchMaxBytesPerPartition: options.fetchMaxBytesPerPartition ?? MiB / 4,
    fetchMaxBytes: options.fetchMaxBytes ?? 8 * MiB,
    retryBackoffMs: options.retryBackoffMs ?? 200,
    maxRetryBackoffMs: options.maxRetryBackoffMs ?? 5000,
    logLevel: options.logLevel ?? 'warn',
    onLog: options.onLog ?? defaultOnLog,
    onError: options.onError ?? ((error, context) => console.error(`[kafka-bus] ${context}:`, error)),
  };
  for (const key of [
    'connectionTimeoutMs', 'requestTimeoutMs', 'adminTimeoutMs', 'publishTimeoutMs', 'ackTimeoutMs', 'maxRequestBytes',
    'maxInFlightRequests', 'maxPendingBytes', 'sessionTimeoutMs', 'rebalanceTimeoutMs', 'heartbeatIntervalMs',
    'maxWaitTimeMs', 'partitionsConsumedConcurrently', 'fetchMaxBytesPerPartition', 'fetchMaxBytes', 'retryBackoffMs',
    'maxRetryBackoffMs',
  ] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value <= 0) throw new TypeError(`KafkaBus: ${key} must be a positive integer (got ${value})`);
  }
  if (resolved.compression !== 'zstd' && resolved.compression !== 'none') {
    throw new TypeError(`KafkaBus: compression must be 'zstd' or 'none' (got ${String(resolved.compression)})`);
  }
  if (resolved.heartbeatIntervalMs * 3 > resolved.sessionTimeoutMs) {
    throw new TypeError('KafkaBus: heartbeatIntervalMs must be at most a third of sessionTimeoutMs');
  }
  return resolved;
}

function defaultOnLog(entry: KafkaLogEntry): void {
  const extra = Object.keys(entry.extra).length > 0 ? ` ${safeJson(entry.extra)}` : '';
  process.stderr.write(`[kafkajs ${entry.level}] ${entry.namespace}: ${entry.message}${extra}\n`);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** kafkajs retry settings, always complete (see the note at the top). */
export function retryOptions(retries: number, initialRetryTime: number, maxRetryTime: number): RetryOptions {
  return { retries, initialRetryTime, maxRetryTime, factor: 0.2, multiplier: 2 };
}
