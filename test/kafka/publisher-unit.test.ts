// KafkaPublisher against a fake kafkajs producer (no broker): the produce settings it uses (acks=-1,
// explicit DefaultPartitioner, no idempotence, no auto-create), coalescing, timeouts and error mapping —
// things a real single-node broker cannot show (it cannot refuse acks=all for want of replicas).
import { CompressionTypes, Partitioners, type Kafka, type ProducerBatch, type ProducerConfig, type ProducerRecord } from 'kafkajs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { describeKafkaError, isRebalanceError, kafkaErrorType, toUnavailable } from '../../core/bus/kafka-errors.ts';
import { resolveKafkaOptions, type KafkaBusOptions } from '../../core/bus/kafka-options.ts';
import { KafkaPublisher } from '../../core/bus/kafka-publisher.ts';
import { registerZstd } from '../../core/bus/kafka-zstd.ts';
import { UnavailableError } from '../../core/errors.ts';
import { message, sleep } from '../contract/bus.contract.ts';

type Call = { kind: 'sendBatch'; args: ProducerBatch } | { kind: 'send'; args: ProducerRecord };

class FakeProducer {
  readonly calls: Call[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** What each send does; default: acknowledge after 5 ms. */
  behaviour: (call: Call) => Promise<unknown> = () => sleep(5);
  connect = async () => undefined;
  disconnect = async () => undefined;
  sendBatch = (args: ProducerBatch) => this.#run({ kind: 'sendBatch', args });
  send = (args: ProducerRecord) => this.#run({ kind: 'send', args });
  async #run(call: Call): Promise<unknown> {
    this.calls.push(call);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      return await this.behaviour(call);
    } finally {
      this.inFlight -= 1;
    }
  }
}

async function publisher(options: Partial<KafkaBusOptions> = {}) {
  const producer = new FakeProducer();
  let config: ProducerConfig | undefined;
  const kafka = { producer: (c: ProducerConfig) => ((config = c), producer) } as unknown as Kafka;
  const resolved = resolveKafkaOptions({ brokers: ['fake:9092'], ...options });
  return { publisher: await KafkaPublisher.open(kafka, resolved), producer, config: () => config! };
}

const ids = (call: Call): string[] =>
  call.kind === 'send'
    ? call.args.messages.map((m) => JSON.parse(String(m.value)).id)
    : call.args.topicMessages!.flatMap((t) => t.messages.map((m) => JSON.parse(String(m.value)).id));

describe('KafkaPublisher (fake producer)', () => {
  it('creates the producer with the explicit DefaultPartitioner, no idempotence, no auto-create; produces with acks=-1', async () => {
    const { publisher: p, producer, config } = await publisher({ ackTimeoutMs: 1234 });
    expect(config().createPartitioner).toBe(Partitioners.DefaultPartitioner);
    expect(config().idempotent).toBe(false);
    expect(config().allowAutoTopicCreation).toBe(false);
    await p.publish('t', [message('a', 'k', 0)]);
    const call = producer.calls[0]!;
    expect(call.kind).toBe('sendBatch');
    expect(call.args).toMatchObject({ acks: -1, timeout: 1234 });
    await p.close();
  });

  it('coalesces publishes made together into one request, keeping each caller\'s records in order', async () => {
    const { publisher: p, producer } = await publisher();
    await Promise.all([
      p.publish('a', [message('a1', 'k', 0), message('a2', 'k', 1)]),
      p.publish('b', [message('b1', 'k', 0)]),
      p.publish('a', [message('a3', 'k', 2)]),
    ]);
    expect(producer.calls).toHaveLength(1);
    const batch = producer.calls[0]!.args as ProducerBatch;
    expect(batch.topicMessages!.map((t) => [t.topic, t.messages.map((m) => JSON.parse(String(m.value)).id)])).toEqual([
      ['a', ['a1', 'a2', 'a3']],
      ['b', ['b1']],
    ]);
    await p.close();
  });

  it('bounds requests in flight and coalesces what waits', async () => {
    const { publisher: p, producer } = await publisher({ maxInFlightRequests: 2 });
    producer.behaviour = () => sleep(30);
    const publishes: Promise<void>[] = [];
    for (let i = 0; i < 50; i += 1) {
      publishes.push(p.publish('t', [message(`m${i}`, 'k', i)]));
      await sleep(1);
    }
    await Promise.all(publishes);
    expect(producer.maxInFlight).toBeLessThanOrEqual(2);
    expect(producer.calls.length).toBeLessThan(50);
    expect(producer.calls.flatMap(ids)).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    await p.close();
  });

  it('rejects with UnavailableError at publishTimeoutMs when Kafka does not answer, and never sends what timed out in the queue', async () => {
    const { publisher: p, producer } = await publisher({ publishTimeoutMs: 300, maxInFlightRequests: 1 });
    let release!: () => void;
    producer.behaviour = () => new Promise<void>((resolve) => (release = resolve));
    const started = Date.now();
    const first = p.publish('t', [message('sent', 'k', 0)]).catch((e: unknown) => e);
    await sleep(20);
    const second = p.publish('t', [message('queued', 'k', 1)]).catch((e: unknown) => e);
    expect(await first).toBeInstanceOf(UnavailableError);
    expect(await second).toBeInstanceOf(UnavailableError);
    expect(Date.now() - started).toBeLessThan(300 + 200);
    release();
    await sleep(50);
    expect(producer.calls.flatMap(ids)).toEqual(['sent']);
    await p.close();
  });

  it('maps a kafkajs failure (e.g. NOT_ENOUGH_REPLICAS after retries) to UnavailableError with the cause kept', async () => {
    const { publisher: p, producer } = await publisher();
    const protocolError = Object.assign(new Error('Messages are written to the log, but to fewer in-sync replicas than required'), {
      name: 'KafkaJSProtocolError',
      type: 'NOT_ENOUGH_REPLICAS',
      retriable: true,
    });
    const retriesExceeded = Object.assign(new Error(protocolError.message), { name: 'KafkaJSNumberOfRetriesExceeded', originalError: protocolError });
    producer.behaviour = async () => {
      throw retriesExceeded;
    };
    const error = (await p.publish('t', [message('m', 'k', 0)]).catch((e: unknown) => e)) as UnavailableError;
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error.status).toBe(503);
    expect(error.code).toBe('OT_ERR_STORE_UNAVAILABLE');
    expect(error.retryAfterSeconds).toBe(5);
    expect(error.message).toMatch(/NOT_ENOUGH_REPLICAS/);
    expect(error.cause).toBe(retriesExceeded);
    await p.close();
  });

  it('sends a publish bigger than a request alone, in sequential chunks, in order', async () => {
    const { publisher: p, producer } = await publisher({ maxRequestBytes: 4096 });
    const records = Array.from({ length: 40 }, (_, i) => message(`m${i}`, 'k', i, 400));
    await Promise.all([p.publish('t', records), p.publish('t', [message('small', 'k', 0)])]);
    const big = producer.calls.filter((c) => c.kind === 'send');
    expect(big.length).toBeGreaterThan(3);
    expect(big.flatMap(ids)).toEqual(records.map((r) => JSON.parse(r.value.toString()).id));
    for (const call of big) expect(call.args).toMatchObject({ topic: 't', acks: -1 });
    await p.close();
  });

  it('compresses produced batches with zstd unless compression is none; refuses other values', async () => {
    const zstd = await publisher({ maxRequestBytes: 4096 });
    await zstd.publisher.publish('t', [message('a', 'k', 0)]);
    await zstd.publisher.publish('t', Array.from({ length: 20 }, (_, i) => message(`big${i}`, 'k', i, 400))); // sent alone, in chunks
    expect(zstd.producer.calls.map((c) => c.kind)).toEqual(['sendBatch', 'send', 'send', 'send']);
    for (const call of zstd.producer.calls) expect(call.args).toMatchObject({ compression: CompressionTypes.ZSTD });
    await zstd.publisher.close();
    const none = await publisher({ compression: 'none' });
    await none.publisher.publish('t', [message('a', 'k', 0)]);
    expect(none.producer.calls[0]!.args).toMatchObject({ compression: CompressionTypes.None });
    await none.publisher.close();
    expect(() => resolveKafkaOptions({ brokers: ['b:1'], compression: 'lz4' as never })).toThrow("compression must be 'zstd' or 'none'");
  });

  it('registers a zstd codec with kafkajs that round-trips record bytes', async () => {
    registerZstd();
    const { CompressionCodecs } = createRequire(import.meta.url)('kafkajs') as typeof import('kafkajs');
    const codec = CompressionCodecs[CompressionTypes.ZSTD]() as { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> };
    const records = Buffer.from('{"span":"data"}\n'.repeat(1000));
    const compressed = await codec.compress({ buffer: records });
    expect(compressed.length).toBeLessThan(records.length / 10);
    expect(await codec.decompress(compressed)).toEqual(records);
  });

  it('drains in-flight publishes on close and rejects later ones', async () => {
    const { publisher: p, producer } = await publisher();
    producer.behaviour = () => sleep(100);
    const pending = p.publish('t', [message('m', 'k', 0)]);
    await p.close();
    await expect(pending).resolves.toBeUndefined();
    await expect(p.publish('t', [message('n', 'k', 1)])).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe('kafka-errors', () => {
  it('describes wrapped kafkajs errors and recognises rebalances', () => {
    const inner = Object.assign(new Error('The group is rebalancing'), { name: 'KafkaJSProtocolError', type: 'REBALANCE_IN_PROGRESS' });
    const outer = Object.assign(new Error('The group is rebalancing'), { name: 'KafkaJSNumberOfRetriesExceeded', cause: inner });
    expect(describeKafkaError(outer)).toBe('KafkaJSNumberOfRetriesExceeded: The group is rebalancing <- KafkaJSProtocolError[REBALANCE_IN_PROGRESS]');
    expect(kafkaErrorType(outer)).toBe('REBALANCE_IN_PROGRESS');
    expect(isRebalanceError(inner)).toBe(true);
    expect(isRebalanceError(new Error('x'))).toBe(false);
    expect(toUnavailable('boom', 'ctx').message).toBe('ctx: boom');
    const already = new UnavailableError('already');
    expect(toUnavailable(already, 'ctx')).toBe(already);
  });
});
