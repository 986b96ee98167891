// The ingester: consumes spans, logs and order events from the bus and writes them to the store.
// Offsets are committed by the bus only after store.write resolved, so a crash or a store outage
// means redelivery (the store de-duplicates), never loss.
import type { Bus, DeliveredBatch, Subscription } from '../core/bus/bus.ts';
import { Topics } from '../core/bus/bus.ts';
import { decodeRecords } from '../core/codec.ts';
import type { LogRecord, OrderEvent, Span } from '../core/model.ts';
import type { Store, WriteBatch } from '../core/store/store.ts';

export interface IngesterOptions {
  bus: Bus;
  store: Store;
  groupId?: string;
  maxBatchRecords?: number;
  /** Called after each successful write, for metrics. */
  onWritten?: (batch: WriteBatch, ms: number) => void;
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

export async function startIngester(options: IngesterOptions): Promise<Subscription> {
  return options.bus.subscribe({
    groupId: options.groupId ?? INGESTER_GROUP,
    topics: [Topics.spans, Topics.logs, Topics.events],
    maxBatchRecords: options.maxBatchRecords ?? 500,
    handler: async (batch) => {
      const write = toWriteBatch(batch);
      const started = performance.now();
      await options.store.write(write);
      options.onWritten?.(write, performance.now() - started);
    },
  });
}
