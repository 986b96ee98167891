// The ingester: consumes spans, logs and order events from the bus and writes them to the store,
// batching across bus messages and partitions (collector/batcher.ts). Offsets are committed by the bus
// only after the write, so a crash or a store outage means redelivery (the store de-duplicates), never
// loss; while the store is down the write is retried in the handler and consumption pauses.
import type { Bus, DeliveredBatch, Subscription } from '../core/bus/bus.ts';
import { Topics } from '../core/bus/bus.ts';
import { decodeRecords } from '../core/codec.ts';
import type { LogRecord, OrderEvent, Span } from '../core/model.ts';
import type { Store, WriteBatch } from '../core/store/store.ts';
import { WriteBatcher } from './batcher.ts';
import { IngesterMetrics } from './ingester-metrics.ts';

export interface IngesterOptions {
  bus: Bus;
  store: Store;
  groupId?: string;
  /** Bus messages per handler call (default 1000). */
  maxBatchRecords?: number;
  /** Records per store write (default 5000). */
  maxWriteRecords?: number;
  /** Longest wait for a fuller store write, ms (default 200). */
  lingerMs?: number;
  /** Retry backoff while the store is unavailable, ms (defaults 200, doubling to 5000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  metrics?: IngesterMetrics;
  onError?: (error: unknown) => void;
}

export interface RunningIngester {
  readonly groupId: string;
  readonly subscription: Subscription;
  readonly metrics: IngesterMetrics;
  /** False while store writes are failing. */
  storeHealthy(): boolean;
  renderMetrics(): Promise<string>;
  stop(): Promise<void>;
}

export const INGESTER_GROUP = 'ordertrace-ingester';

/** Turns one partition's bus messages into a store write (pure). */
export function toWriteBatch(batch: DeliveredBatch): WriteBatch {
  const items = batch.records.flatMap((record) => decodeRecords<unknown>(record.value));
  switch (batch.topic) {
    case Topics.spans:
      return { spans: items as Span[] };
    case Topics.logs:
      return { logs: items as LogRecord[] };
    case Topics.events:
      return { events: items as OrderEvent[] };
    default:
      throw new Error(`ingester received a message on unexpected topic ${batch.topic}`);
  }
}

export async function startIngester(options: IngesterOptions): Promise<RunningIngester> {
  const groupId = options.groupId ?? INGESTER_GROUP;
  const metrics = options.metrics ?? new IngesterMetrics();
  const batcher = new WriteBatcher({
    write: (batch) => options.store.write(batch),
    maxRecords: options.maxWriteRecords,
    lingerMs: options.lingerMs,
    backoffMs: options.backoffMs,
    maxBackoffMs: options.maxBackoffMs,
    onWritten: (batch, ms) => metrics.written(batch, ms),
    onFailed: (error) => {
      metrics.failed(error);
      options.onError?.(error);
    },
  });
  const subscription = await options.bus.subscribe({
    groupId,
    topics: [Topics.spans, Topics.logs, Topics.events],
    maxBatchRecords: options.maxBatchRecords ?? 1000,
    handler: (batch) => batcher.add(toWriteBatch(batch)),
  });
  return {
    groupId,
    subscription,
    metrics,
    storeHealthy: () => !batcher.failing,
    renderMetrics: () => metrics.render(options.bus, groupId, subscription),
    async stop() {
      batcher.stop();
      await subscription.stop();
    },
  };
}
