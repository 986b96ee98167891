// Throughput of SqliteBus, shaped like the collector's load: many concurrent requests, each publishing one
// record (key = an order ID, value = a few hundred bytes to a few KB of JSON).
//   node bench/bus.ts [--messages 200000] [--concurrency 256] [--durability full|normal] [--partitions 8]
//                     [--min-value 200] [--max-value 4096]
// Prints messages/s for publish alone, for publish while a group consumes, and the end-to-end latency
// of single messages on an idle bus.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SqliteBus } from '../core/bus/sqlite-bus.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '200000' },
    concurrency: { type: 'string', default: '256' },
    durability: { type: 'string', default: 'full' },
    partitions: { type: 'string', default: '8' },
    'min-value': { type: 'string', default: '200' },
    'max-value': { type: 'string', default: '4096' },
  },
});
const total = Number(args.messages);
const concurrency = Number(args.concurrency);
const durability = args.durability === 'normal' ? 'normal' : 'full';
const partitions = Number(args.partitions);
const minValue = Number(args['min-value']);
const maxValue = Math.max(minValue, Number(args['max-value']));

// Pre-built values (the load generator must not be what is measured): JSON, sizes spread evenly
// over min-value … max-value bytes.
const values = Array.from({ length: 1024 }, (_, i) => {
  const size = minValue + ((i * 7919) % (maxValue - minValue + 1));
  const body = { orderId: `ORD-${i}`, event: 'payment.succeeded', system: 'payment', time: Date.now(), pad: '' };
  body.pad = 'x'.repeat(Math.max(0, size - JSON.stringify(body).length));
  return Buffer.from(JSON.stringify(body));
});
const keys = Array.from({ length: 20_000 }, (_, i) => `ORD-${1_000_000 + i}`);

async function publishAll(bus: SqliteBus, topic: string): Promise<number> {
  let next = 0;
  const start = performance.now();
  const client = async () => {
    while (next < total) {
      const i = next++;
      await bus.publish(topic, [{ key: keys[i % keys.length]!, value: values[i % values.length]! }]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return performance.now() - start;
}

const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en')} msg/s`;
const dir = mkdtempSync(join(tmpdir(), 'ot-bench-bus-'));
try {
  const bus = await SqliteBus.open({ path: join(dir, 'bus.sqlite'), durability, retentionIntervalMs: 0 });
  const avgBytes = Math.round(values.reduce((n, v) => n + v.length, 0) / values.length);
  console.log(`SqliteBus, durability ${durability}, ${total} messages (avg ${avgBytes} B), ${concurrency} concurrent publishers, ${partitions} partitions`);

  await bus.ensureTopics([{ name: 'publish-only', partitions }]);
  const publishMs = await publishAll(bus, 'publish-only');
  console.log(`publish:           ${rate(total, publishMs)}  (${Math.round(publishMs)} ms)`);

  await bus.ensureTopics([{ name: 'pubsub', partitions }]);
  let consumed = 0;
  let allConsumed!: () => void;
  const done = new Promise<void>((resolve) => (allConsumed = resolve));
  const subscription = await bus.subscribe({
    groupId: 'bench',
    topics: ['pubsub'],
    handler: async (batch) => {
      consumed += batch.records.length;
      if (consumed >= total) allConsumed();
    },
  });
  const start = performance.now();
  const publishedMs = await publishAll(bus, 'pubsub');
  await done;
  const bothMs = performance.now() - start;
  console.log(`publish+consume:   ${rate(total, bothMs)}  (published in ${Math.round(publishedMs)} ms, all consumed after ${Math.round(bothMs)} ms)`);
  await subscription.stop();

  // Idle-bus latency: one message at a time, publish() call → handler.
  await bus.ensureTopics([{ name: 'latency', partitions }]);
  const latencies: number[] = [];
  let arrived: (() => void) | null = null;
  const latencySub = await bus.subscribe({ groupId: 'latency', topics: ['latency'], handler: async () => arrived?.() });
  for (let i = 0; i < 500; i += 1) {
    const got = new Promise<void>((resolve) => (arrived = resolve));
    const t0 = performance.now();
    await bus.publish('latency', [{ key: keys[i]!, value: values[i]! }]);
    await got;
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
  console.log(`end-to-end latency: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms`);
  await latencySub.stop();
  await bus.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
