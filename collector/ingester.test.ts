// The ingester's handler: a delivery is decoded and handed to the store write slice by slice (so few
// decoded records are alive at once), resolves only once every record is committed, and a delivery
// holding an undecodable message rejects as a whole (the bus redelivers it) without stray rejections.
import { describe, expect, it } from 'vitest';
import type { Bus, DeliveredBatch, SubscribeOptions } from '../core/bus/bus.ts';
import { Topics } from '../core/bus/bus.ts';
import { encodeRecords } from '../core/codec.ts';
import type { OrderEvent } from '../core/model.ts';
import type { IncrementalWrite, Store, WriteBatch } from '../core/store/store.ts';
import { startIngester } from './ingester.ts';

const event = (i: number): OrderEvent => ({
  eventId: `e${i}`, orderId: `o${i}`, type: 'order.created', system: 'shop', timeUnixNano: '1', status: '', traceId: '', spanId: '', source: 'api', attributes: {},
});

function delivery(values: Buffer[]): DeliveredBatch {
  return {
    topic: Topics.events,
    partition: 0,
    records: values.map((value, i) => ({ topic: Topics.events, partition: 0, offset: String(i), timestampMs: 0, key: `o${i}`, value })),
  };
}

/** A bus that only remembers the handler, and a store whose incremental writes log what they get. */
async function ingester() {
  let handler!: SubscribeOptions['handler'];
  const bus = { subscribe: async (o: SubscribeOptions) => ((handler = o.handler), { stop: async () => undefined }) } as unknown as Bus;
  const log: string[] = [];
  const store = {
    write: async (b: WriteBatch) => void log.push(`write ${b.events?.length ?? 0}`),
    startWrite: (): IncrementalWrite => {
      let n = 0;
      return { add: (b) => void (n += b.events?.length ?? 0, log.push(`add ${b.events?.length}`)), commit: async () => void log.push(`commit ${n}`) };
    },
  } as unknown as Store;
  const running = await startIngester({ bus, store, lingerMs: 5 });
  return { handler: (b: DeliveredBatch) => handler(b), log, running };
}

describe('ingester handler', () => {
  it('hands a large delivery to the store write in slices and resolves once it is committed', async () => {
    const { handler, log, running } = await ingester();
    await handler(delivery(Array.from({ length: 150 }, (_, i) => encodeRecords([event(i)]))));
    expect(log.filter((l) => l.startsWith('add'))).toEqual(['add 64', 'add 64', 'add 22']);
    expect(log.at(-1)).toBe('commit 150');
    await running.stop();
  });

  it('rejects a delivery with an undecodable message as a whole, leaving no unhandled rejection', async () => {
    const { handler, running } = await ingester();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const values = Array.from({ length: 100 }, (_, i) => encodeRecords([event(i)]));
      values[90] = Buffer.from('not json');
      await expect(handler(delivery(values))).rejects.toThrow(SyntaxError);
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await running.stop();
    }
  });
});
