// KafkaBus producer behaviour beyond the bus contract, against the real broker (which stays up).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusRecord } from '../../core/bus/bus.ts';
import { KafkaBus } from '../../core/bus/kafka-bus.ts';
import type { KafkaBusOptions } from '../../core/bus/kafka-options.ts';
import { partitionForKey } from '../../core/bus/partitioner.ts';
import { UnavailableError } from '../../core/errors.ts';
import { decode, message, Recorder, uniqueName, waitFor } from '../contract/bus.contract.ts';
import { requireBroker, testBusOptions } from './broker.ts';

beforeEach(requireBroker, 30_000);

const buses: KafkaBus[] = [];
async function open(overrides: Partial<KafkaBusOptions> = {}): Promise<KafkaBus> {
  const bus = await KafkaBus.open(testBusOptions(overrides));
  buses.push(bus);
  return bus;
}
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

describe('KafkaBus publish', () => {
  it('places every key on the partition core/bus/partitioner.ts computes (murmur2, like Java)', { timeout: 60_000 }, async () => {
    const bus = await open();
    const topic = uniqueName('partitioner');
    const partitions = 7;
    await bus.ensureTopics([{ name: topic, partitions }]);
    const keys = ['', 'x', 'order-1', 'order-2', 'ORD-2024-000017', 'Bestellung-ß-ü', '注文-42', '🚚-shipment', 'a'.repeat(300)];
    for (let i = 0; i < 60; i += 1) keys.push(`o-${i * 7919}`);
    await bus.publish(topic, keys.map((key, i) => message(`m${i}`, key, 0)));
    const recorder = new Recorder();
    await bus.subscribe({ groupId: uniqueName('g'), topics: [topic], handler: recorder.handler });
    await waitFor(() => recorder.handled.length >= keys.length, { timeoutMs: 30_000, describe: () => recorder.summary() });
    const seenPartitions = new Set<number>();
    for (const record of recorder.handled) {
      expect(record.partition, `key ${JSON.stringify(record.key)}`).toBe(partitionForKey(record.key, partitions));
      seenPartitions.add(record.partition);
    }
    expect(seenPartitions.size).toBe(partitions);
  });

  it('sends a publish larger than a request in order, in several requests', { timeout: 60_000 }, async () => {
    const bus = await open({ maxRequestBytes: 64 * 1024 });
    const topic = uniqueName('large-publish');
    await bus.ensureTopics([{ name: topic, partitions: 2 }]);
    const records = Array.from({ length: 300 }, (_, i) => message(`m${i}`, i % 2 === 0 ? 'even' : 'odd', i, 1024));
    await bus.publish(topic, records);
    const recorder = new Recorder();
    await bus.subscribe({ groupId: uniqueName('g'), topics: [topic], handler: recorder.handler });
    await waitFor(() => recorder.handled.length >= records.length, { timeoutMs: 30_000, describe: () => recorder.summary() });
    for (const key of ['even', 'odd']) {
      const seqs = recorder.handled.filter((r) => r.key === key).map((r) => decode(r).seq);
      expect(seqs).toEqual(records.filter((r) => r.key === key).map((r) => decode(r).seq));
    }
  });

  it('keeps per-caller order with many concurrent publishers (coalesced requests)', { timeout: 60_000 }, async () => {
    const bus = await open({ maxInFlightRequests: 2 });
    const topic = uniqueName('concurrent');
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    // 20 callers, each awaiting its own publishes one after the other, all at once.
    const callers = Array.from({ length: 20 }, (_, c) => `caller-${c}`);
    await Promise.all(
      callers.map(async (key) => {
        for (let seq = 0; seq < 25; seq += 1) await bus.publish(topic, [message(`${key}#${seq}`, key, seq)]);
      }),
    );
    const recorder = new Recorder();
    await bus.subscribe({ groupId: uniqueName('g'), topics: [topic], handler: recorder.handler });
    await waitFor(() => recorder.handled.length >= 500, { timeoutMs: 30_000, describe: () => recorder.summary() });
    for (const key of callers) {
      expect(recorder.handled.filter((r) => r.key === key).map((r) => decode(r).seq)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    }
  });

  it('rejects with UnavailableError, within the publish timeout, when the topic does not exist (no auto-create)', { timeout: 30_000 }, async () => {
    const bus = await open({ publishTimeoutMs: 3000 });
    const started = Date.now();
    const error = await bus.publish(uniqueName('missing'), [message('m', 'k', 0)]).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).status).toBe(503);
    expect((error as UnavailableError).retryAfterSeconds).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(3000 + 1000);
  });

  it('rejects at once when the pending-bytes bound is reached', { timeout: 30_000 }, async () => {
    const bus = await open({ maxPendingBytes: 10_000 });
    const topic = uniqueName('full');
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    const big: BusRecord = { key: 'k', value: Buffer.alloc(8000) };
    const first = bus.publish(topic, [big]);
    const second = bus.publish(topic, [big]).catch((e: unknown) => e);
    expect(await second).toBeInstanceOf(UnavailableError);
    await first; // the first one was accepted and is acknowledged
    await bus.publish(topic, [big]); // and the bound frees up again
  });

  it('rejects bad arguments with TypeError and publishes after close with UnavailableError', { timeout: 30_000 }, async () => {
    const bus = await open();
    const topic = uniqueName('args');
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    await expect(bus.publish(topic, [{ key: 1 as unknown as string, value: Buffer.from('x') }])).rejects.toBeInstanceOf(TypeError);
    await expect(bus.publish(topic, [{ key: 'k', value: 'x' as unknown as Buffer }])).rejects.toBeInstanceOf(TypeError);
    await expect(bus.ensureTopics([{ name: topic, partitions: 0 }])).rejects.toBeInstanceOf(TypeError);
    await bus.close();
    await expect(bus.publish(topic, [message('m', 'k', 0)])).rejects.toBeInstanceOf(UnavailableError);
    await expect(bus.lag('g', topic)).rejects.toBeInstanceOf(UnavailableError);
  });

  it('fails to open with UnavailableError when no broker listens, promptly', { timeout: 30_000 }, async () => {
    const started = Date.now();
    const error = await KafkaBus.open(testBusOptions({ brokers: ['127.0.0.1:1'] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(String((error as Error).message)).toMatch(/127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
