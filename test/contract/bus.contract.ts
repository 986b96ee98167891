// The bus contract: what every Bus implementation (SqliteBus in all-in-one mode, the Kafka bus in
// production) must do. Written for Kafka's behaviour — group joins and rebalances take seconds, topics
// outlive a test — so every test uses fresh topic and group names and waits by polling with generous
// timeouts instead of sleeping for fixed times.
//
// Usage, from a *.test.ts file:  busContract('SqliteBus', factory)
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusRecord, DeliveredBatch, DeliveredRecord, Subscription } from '../../core/bus/bus.ts';

export interface BusFactory {
  /** A bus over fresh (or shared but unused-by-this-test) storage: a new SQLite file, a new Kafka client. */
  create(): Promise<Bus>;
  /** A new bus over the same storage as the last create(), after that bus was closed: the same file, the same brokers. */
  reopen(): Promise<Bus>;
  /** Called after every test, once the test's buses are closed. */
  cleanup(): Promise<void>;
}

export interface BusContractOptions {
  /** Per-test timeout (default 180 s). */
  testTimeoutMs?: number;
  /** How long waitFor() waits for an expected delivery (default 90 s). */
  waitTimeoutMs?: number;
}

// -------------------------------------------------------------------------------------------------
// Helpers, exported for implementation-specific tests.

/** Polls `check` until it returns true; fails with `describe()` after the timeout. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs?: number; intervalMs?: number; describe?: () => string } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(`waitFor: timed out after ${timeoutMs} ms${options.describe ? `: ${options.describe()}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const run = randomUUID().slice(0, 8);
let counter = 0;
/** A topic or group name unique to this process run (Kafka topics and groups persist across tests). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `ct.${run}.${prefix}.${counter}`;
}

export interface TestMessage {
  id: string;
  key: string;
  seq: number;
}

/** A record whose value is JSON carrying an id, its key and a per-key sequence number. */
export function message(id: string, key: string, seq: number, pad = 0): BusRecord {
  const body: TestMessage & { pad?: string } = { id, key, seq };
  if (pad > 0) body.pad = 'x'.repeat(pad);
  return { key, value: Buffer.from(JSON.stringify(body)) };
}

export function decode(record: BusRecord): TestMessage {
  return JSON.parse(record.value.toString('utf8')) as TestMessage;
}

export function idOf(record: BusRecord): string {
  return decode(record).id;
}

/** A handler that records every delivery, optionally failing some (by returning an Error from `fail`). */
export class Recorder {
  readonly deliveries: Array<{ batch: DeliveredBatch; failed: boolean; at: number }> = [];
  /** Records of successful deliveries, in the order handled. */
  readonly handled: DeliveredRecord[] = [];
  fail: ((batch: DeliveredBatch) => boolean) | null = null;
  gate: Promise<void> | null = null;

  readonly handler = async (batch: DeliveredBatch): Promise<void> => {
    if (this.gate) await this.gate;
    const failed = this.fail?.(batch) ?? false;
    this.deliveries.push({ batch, failed, at: Date.now() });
    if (failed) throw new Error(`test handler fails at ${batch.topic}[${batch.partition}]@${batch.records[0]?.offset}`);
    this.handled.push(...batch.records);
  };

  ids(): string[] {
    return this.handled.map((r) => decode(r).id);
  }

  idSet(): Set<string> {
    return new Set(this.ids());
  }

  /** How many distinct ids among `wanted` have been handled. */
  countOf(wanted: Iterable<string>): number {
    const seen = this.idSet();
    let n = 0;
    for (const id of wanted) if (seen.has(id)) n += 1;
    return n;
  }

  summary(): string {
    return `${this.deliveries.length} deliveries, ${this.handled.length} records handled`;
  }
}

/** A deterministic pseudo-random generator, so failures reproduce. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function countBy<T>(items: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

// -------------------------------------------------------------------------------------------------

export function busContract(name: string, factory: BusFactory, options: BusContractOptions = {}): void {
  const testTimeout = options.testTimeoutMs ?? 180_000;
  const waitTimeoutMs = options.waitTimeoutMs ?? 90_000;
  const until = (check: () => boolean | Promise<boolean>, describeState?: () => string) =>
    waitFor(check, { timeoutMs: waitTimeoutMs, describe: describeState });

  describe(`Bus contract: ${name}`, () => {
    const opened: Bus[] = [];
    const subscriptions: Subscription[] = [];

    const create = async (): Promise<Bus> => {
      const bus = await factory.create();
      opened.push(bus);
      return bus;
    };
    const reopen = async (): Promise<Bus> => {
      const bus = await factory.reopen();
      opened.push(bus);
      return bus;
    };
    const subscribe = async (bus: Bus, ...args: Parameters<Bus['subscribe']>): Promise<Subscription> => {
      const subscription = await bus.subscribe(...args);
      subscriptions.push(subscription);
      return subscription;
    };

    afterEach(async () => {
      for (const subscription of subscriptions.splice(0)) await subscription.stop().catch(() => undefined);
      // close() twice on purpose: it must be idempotent.
      for (const bus of opened.splice(0)) {
        await bus.close();
        await bus.close();
      }
      await factory.cleanup();
    });

    /** Publishes probes (one per key) until every recorder has handled at least one: the group has settled. */
    async function settle(bus: Bus, topic: string, keys: string[], recorders: Recorder[]): Promise<Set<string>> {
      const probes = new Set<string>();
      let round = 0;
      await until(async () => {
        if (recorders.every((r) => r.handled.some((rec) => probes.has(decode(rec).id)))) return true;
        const records = keys.map((key) => message(`probe-${round}-${key}`, key, -1));
        for (const record of records) probes.add(idOf(record));
        round += 1;
        await bus.publish(topic, records);
        await sleep(250);
        return false;
      }, () => recorders.map((r) => r.summary()).join(' / '));
      return probes;
    }

    it('ensureTopics is idempotent and an empty publish resolves', { timeout: testTimeout }, async () => {
      const bus = await create();
      const topic = uniqueName('idem');
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      await bus.publish(topic, []);
      await bus.publish(topic, [message('only', 'k', 0)]);
      const recorder = new Recorder();
      await subscribe(bus, { groupId: uniqueName('g'), topics: [topic], handler: recorder.handler });
      await until(() => recorder.handled.length >= 1, () => recorder.summary());
      expect(recorder.ids()).toEqual(['only']);
    });

    it('delivers every message to a group, in publish order per key, across partitions', { timeout: testTimeout }, async () => {
      const bus = await create();
      const topic = uniqueName('order');
      const partitions = 4;
      await bus.ensureTopics([{ name: topic, partitions }]);
      const keys = Array.from({ length: 40 }, (_, i) => `order-${i}`);
      const random = prng(42);
      const seqs = new Map<string, number>();
      const published: BusRecord[][] = [];
      for (let call = 0; call < 24; call += 1) {
        const records: BusRecord[] = [];
        for (let i = 0; i < 100; i += 1) {
          const key = keys[Math.floor(random() * keys.length)]!;
          const seq = seqs.get(key) ?? 0;
          seqs.set(key, seq + 1);
          records.push(message(`${key}#${seq}`, key, seq));
        }
        published.push(records);
      }
      const total = published.reduce((n, records) => n + records.length, 0);
      // Half is in the log before the group starts (catch-up), half arrives while it runs (live).
      for (const records of published.slice(0, 12)) await bus.publish(topic, records);
      const recorder = new Recorder();
      const maxBatchRecords = 50;
      const subscription = await subscribe(bus, { groupId: uniqueName('g'), topics: [topic], handler: recorder.handler, maxBatchRecords });
      for (const records of published.slice(12)) await bus.publish(topic, records);
      await until(() => recorder.handled.length >= total, () => recorder.summary());
      await subscription.stop();

      expect(recorder.handled).toHaveLength(total);
      const byKey = new Map<string, number[]>();
      const partitionOfKey = new Map<string, number>();
      const lastOffset = new Map<number, bigint>();
      for (const record of recorder.handled) {
        const body = decode(record);
        expect(record.topic).toBe(topic);
        expect(record.key).toBe(body.key);
        expect(record.offset).toMatch(/^\d+$/);
        expect(typeof record.timestampMs).toBe('number');
        expect(Math.abs(record.timestampMs - Date.now())).toBeLessThan(10 * 60_000);
        // Within a partition, offsets strictly increase in delivery order.
        const offset = BigInt(record.offset);
        const previous = lastOffset.get(record.partition);
        if (previous !== undefined) expect(offset).toBeGreaterThan(previous);
        lastOffset.set(record.partition, offset);
        // A key lives on one partition.
        expect(partitionOfKey.get(body.key) ?? record.partition).toBe(record.partition);
        partitionOfKey.set(body.key, record.partition);
        byKey.set(body.key, [...(byKey.get(body.key) ?? []), body.seq]);
      }
      for (const [key, count] of seqs) {
        expect(byKey.get(key), `sequence of ${key}`).toEqual(Array.from({ length: count }, (_, i) => i));
      }
      expect(new Set(partitionOfKey.values()).size).toBeGreaterThan(1);
      for (const { batch } of recorder.deliveries) {
        expect(batch.records.length).toBeGreaterThan(0);
        expect(batch.records.length).toBeLessThanOrEqual(maxBatchRecords);
        expect(batch.topic).toBe(topic);
        for (const record of batch.records) expect(record.partition).toBe(batch.partition);
      }
    });

    it('gives a second group every message independently', { timeout: testTimeout }, async () => {
      const bus = await create();
      const topic = uniqueName('groups');
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      const ids: string[] = [];
      const records = Array.from({ length: 300 }, (_, i) => {
        ids.push(`m${i}`);
        return message(`m${i}`, `k${i % 17}`, i);
      });
      await bus.publish(topic, records.slice(0, 150));
      const first = new Recorder();
      const second = new Recorder();
      const firstSub = await subscribe(bus, { groupId: uniqueName('g1'), topics: [topic], handler: first.handler });
      await until(() => first.handled.length >= 150, () => first.summary());
      // The second group starts later and still gets everything from the beginning.
      const secondSub = await subscribe(bus, { groupId: uniqueName('g2'), topics: [topic], handler: second.handler });
      await bus.publish(topic, records.slice(150));
      await until(() => first.countOf(ids) === 300 && second.countOf(ids) === 300, () => `${first.summary()} / ${second.summary()}`);
      await firstSub.stop();
      await secondSub.stop();
      expect(first.ids().sort()).toEqual([...ids].sort());
      expect(second.ids().sort()).toEqual([...ids].sort());
    });

    it('redelivers the batch a handler failed on, and nothing later in its partition overtakes it', { timeout: testTimeout }, async () => {
      const bus = await create();
      const topic = uniqueName('retry');
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      const records = Array.from({ length: 200 }, (_, i) => message(`m${i}`, `k${i % 7}`, i));
      await bus.publish(topic, records);
      const poison = 'm60';
      let poisonFailures = 0;
      const recorder = new Recorder();
      recorder.fail = (batch) => {
        if (poisonFailures < 3 && batch.records.some((r) => decode(r).id === poison)) {
          poisonFailures += 1;
          return true;
        }
        return false;
      };
      const subscription = await subscribe(bus, { groupId: uniqueName('g'), topics: [topic], handler: recorder.handler, maxBatchRecords: 10 });
      const ids = records.map((r) => idOf(r));
      await until(() => recorder.countOf(ids) === ids.length, () => recorder.summary());
      await subscription.stop();

      expect(poisonFailures).toBe(3);
      // Per partition: after a failure the next delivery starts at the failed batch's first offset;
      // after a success it starts right after the batch's last offset. No gap, no overtaking.
      const byPartition = new Map<number, Array<{ batch: DeliveredBatch; failed: boolean }>>();
      for (const delivery of recorder.deliveries) {
        const list = byPartition.get(delivery.batch.partition) ?? [];
        list.push(delivery);
        byPartition.set(delivery.batch.partition, list);
      }
      let failuresSeen = 0;
      for (const deliveries of byPartition.values()) {
        expect(deliveries[0]!.batch.records[0]!.offset).toBe('0');
        for (let i = 1; i < deliveries.length; i += 1) {
          const previous = deliveries[i - 1]!;
          const current = deliveries[i]!;
          const expected = previous.failed
            ? previous.batch.records[0]!.offset
            : String(BigInt(previous.batch.records.at(-1)!.offset) + 1n);
          expect(current.batch.records[0]!.offset, `delivery ${i} of partition ${current.batch.partition}`).toBe(expected);
          if (previous.failed) {
            failuresSeen += 1;
            // The failed records come again, in the same order.
            const again = current.batch.records.map((r) => r.offset);
            const failed = previous.batch.records.map((r) => r.offset);
            const common = Math.min(again.length, failed.length);
            expect(again.slice(0, common)).toEqual(failed.slice(0, common));
          }
        }
      }
      expect(failuresSeen).toBe(3);
      // Every message handled successfully exactly once (no failure elsewhere, so no duplicates).
      expect([...countBy(recorder.ids()).values()].every((n) => n === 1)).toBe(true);
      expect(recorder.idSet().size).toBe(ids.length);
    });

    it('resumes a group after close and reopen from its committed offsets', { timeout: testTimeout }, async () => {
      const topic = uniqueName('resume');
      const groupId = uniqueName('g');
      const keys = Array.from({ length: 12 }, (_, i) => `key-${i}`);
      const before = Array.from({ length: 120 }, (_, i) => message(`a${i}`, keys[i % keys.length]!, i));
      const after = Array.from({ length: 120 }, (_, i) => message(`b${i}`, keys[i % keys.length]!, i));
      const beforeIds = before.map((r) => idOf(r));
      const afterIds = after.map((r) => idOf(r));

      let bus = await create();
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      await bus.publish(topic, before);
      const first = new Recorder();
      const firstSub = await subscribe(bus, { groupId, topics: [topic], handler: first.handler, maxBatchRecords: 16 });
      await until(() => first.countOf(beforeIds) === beforeIds.length, () => first.summary());
      await firstSub.stop();
      const partitionOf = new Map(first.handled.map((r) => [r.key, r.partition]));
      await bus.close();

      bus = await reopen();
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      await bus.publish(topic, after);
      const second = new Recorder();
      await subscribe(bus, { groupId, topics: [topic], handler: second.handler, maxBatchRecords: 16 });
      await until(() => second.countOf(afterIds) === afterIds.length, () => second.summary());
      await sleep(500); // a chance for a wrongly redelivered old message to show up
      expect(second.ids().filter((id) => id.startsWith('a'))).toEqual([]);
      expect([...countBy(second.ids()).values()].every((n) => n === 1)).toBe(true);
      // The same keys still map to the same partitions.
      for (const record of second.handled) expect(record.partition).toBe(partitionOf.get(record.key));
    });

    it('redelivers after reopen what was delivered but not committed before close', { timeout: testTimeout }, async () => {
      const topic = uniqueName('uncommitted');
      const groupId = uniqueName('g');
      const records = Array.from({ length: 90 }, (_, i) => message(`m${i}`, `k${i % 5}`, i));
      const ids = records.map((r) => idOf(r));

      let bus = await create();
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      await bus.publish(topic, records);
      // The first two batches succeed and are committed; every later one fails.
      const first = new Recorder();
      let successes = 0;
      first.fail = () => {
        if (successes < 2) {
          successes += 1;
          return false;
        }
        return true;
      };
      await subscribe(bus, { groupId, topics: [topic], handler: first.handler, maxBatchRecords: 10 });
      await until(() => first.deliveries.filter((d) => d.failed).length >= 2, () => first.summary());
      await bus.close();
      const committed = first.idSet();
      expect(committed.size).toBeGreaterThan(0);
      const failedIds = new Set(first.deliveries.filter((d) => d.failed).flatMap((d) => d.batch.records.map((r) => decode(r).id)));

      bus = await reopen();
      const second = new Recorder();
      await subscribe(bus, { groupId, topics: [topic], handler: second.handler, maxBatchRecords: 10 });
      const expected = ids.filter((id) => !committed.has(id));
      await until(() => second.countOf(expected) === expected.length, () => second.summary());
      await sleep(500);
      // Everything not committed came (including the batches that failed), nothing committed came again.
      for (const id of failedIds) expect(second.idSet().has(id)).toBe(true);
      expect(second.ids().filter((id) => committed.has(id))).toEqual([]);
    });

    it('splits partitions between two members of a group and hands them over when one stops', { timeout: testTimeout }, async () => {
      const bus = await create();
      const topic = uniqueName('split');
      await bus.ensureTopics([{ name: topic, partitions: 4 }]);
      const groupId = uniqueName('g');
      const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
      const a = new Recorder();
      const b = new Recorder();
      const subA = await subscribe(bus, { groupId, topics: [topic], handler: a.handler, maxBatchRecords: 20 });
      await subscribe(bus, { groupId, topics: [topic], handler: b.handler, maxBatchRecords: 20 });
      await settle(bus, topic, keys, [a, b]);

      // Phase 1: both members run. Each message is handled by exactly one of them.
      const phase1 = Array.from({ length: 400 }, (_, i) => message(`p1-${i}`, keys[i % keys.length]!, i));
      const phase1Ids = phase1.map((r) => idOf(r));
      await bus.publish(topic, phase1);
      const both = () => new Set([...a.ids(), ...b.ids()]);
      await until(() => phase1Ids.every((id) => both().has(id)), () => `${a.summary()} / ${b.summary()}`);
      const aPhase1 = a.handled.filter((r) => decode(r).id.startsWith('p1-'));
      const bPhase1 = b.handled.filter((r) => decode(r).id.startsWith('p1-'));
      expect(aPhase1.length).toBeGreaterThan(0);
      expect(bPhase1.length).toBeGreaterThan(0);
      expect(aPhase1.length + bPhase1.length).toBe(phase1.length);
      const aPartitions = new Set(aPhase1.map((r) => r.partition));
      const bPartitions = new Set(bPhase1.map((r) => r.partition));
      for (const partition of aPartitions) expect(bPartitions.has(partition)).toBe(false);

      // Phase 2: A stops (committing what it handled); B takes over A's partitions.
      await subA.stop();
      const aCountAtStop = a.handled.length;
      const phase2 = Array.from({ length: 400 }, (_, i) => message(`p2-${i}`, keys[i % keys.length]!, i));
      const phase2Ids = phase2.map((r) => idOf(r));
      await bus.publish(topic, phase2);
      await until(() => b.countOf(phase2Ids) === phase2Ids.length, () => b.summary());
      await sleep(500);
      expect(a.handled.length).toBe(aCountAtStop);
      const bPhase2Partitions = new Set(b.handled.filter((r) => decode(r).id.startsWith('p2-')).map((r) => r.partition));
      for (const partition of aPartitions) expect(bPhase2Partitions.has(partition)).toBe(true);
      // What A committed is not handled again by B.
      const aIds = new Set(aPhase1.map((r) => decode(r).id));
      expect(b.ids().filter((id) => aIds.has(id))).toEqual([]);
    });

    it('co-partitions a group over several topics and reports each member its partitions', { timeout: testTimeout }, async () => {
      const bus = await create();
      const topics = [uniqueName('co-a'), uniqueName('co-b')];
      await bus.ensureTopics(topics.map((name) => ({ name, partitions: 4 })));
      const groupId = uniqueName('g');
      const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
      const a = new Recorder();
      const b = new Recorder();
      const assignedA: number[][] = [];
      const assignedB: number[][] = [];
      const subA = await subscribe(bus, { groupId, topics, handler: a.handler, maxBatchRecords: 50, onAssigned: (p) => assignedA.push(p) });
      await subscribe(bus, { groupId, topics, handler: b.handler, maxBatchRecords: 50, onAssigned: (p) => assignedB.push(p) });
      const last = (list: number[][]) => list.at(-1) ?? [];
      await until(() => last(assignedA).length > 0 && last(assignedB).length > 0 && last(assignedA).length + last(assignedB).length === 4, () => `A ${JSON.stringify(assignedA)} B ${JSON.stringify(assignedB)}`);

      const records = keys.map((key, i) => message(`m-${i}`, key, i));
      for (const topic of topics) await bus.publish(topic, records);
      const all = () => [...a.handled, ...b.handled];
      await until(() => all().length >= records.length * 2, () => `${a.summary()} / ${b.summary()}`);
      // One key's records on both topics reached the same member, on the same partition number...
      for (const key of keys) {
        const owners = new Set(all().filter((r) => r.key === key).map((r) => (a.handled.includes(r) ? 'a' : 'b')));
        expect(owners.size, key).toBe(1);
      }
      // ...and each member got exactly the partitions it was told it owns.
      expect(new Set(a.handled.map((r) => r.partition))).toEqual(new Set(last(assignedA)));
      expect(new Set(b.handled.map((r) => r.partition))).toEqual(new Set(last(assignedB)));

      await subA.stop();
      await until(() => last(assignedB).length === 4, () => `B ${JSON.stringify(assignedB)}`);
      expect(last(assignedB)).toEqual([0, 1, 2, 3]);
    });

    it('delivers from a reopened bus every message whose publish resolved', { timeout: testTimeout }, async () => {
      const topic = uniqueName('durable');
      let bus = await create();
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      // Many concurrent single-record publishes, like concurrent collector requests.
      const ids = Array.from({ length: 500 }, (_, i) => `m${i}`);
      await Promise.all(ids.map((id, i) => bus.publish(topic, [message(id, `k${i % 23}`, i)])));
      await bus.close();
      bus = await reopen();
      const recorder = new Recorder();
      await subscribe(bus, { groupId: uniqueName('g'), topics: [topic], handler: recorder.handler });
      await until(() => recorder.countOf(ids) === ids.length, () => recorder.summary());
      expect(recorder.handled).toHaveLength(ids.length);
    });

    it('handles the empty key like any other key', { timeout: testTimeout }, async () => {
      const bus = await create();
      const topic = uniqueName('emptykey');
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      const records: BusRecord[] = [];
      for (let i = 0; i < 30; i += 1) records.push(message(`e${i}`, '', i), message(`x${i}`, 'x', i));
      await bus.publish(topic, records.slice(0, 20));
      await bus.publish(topic, records.slice(20));
      const recorder = new Recorder();
      await subscribe(bus, { groupId: uniqueName('g'), topics: [topic], handler: recorder.handler, maxBatchRecords: 7 });
      await until(() => recorder.handled.length >= records.length, () => recorder.summary());
      const empty = recorder.handled.filter((r) => r.key === '');
      expect(empty.map((r) => decode(r).seq)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(new Set(empty.map((r) => r.partition)).size).toBe(1);
    });

    it('carries 1 MiB values intact', { timeout: testTimeout }, async () => {
      const bus = await create();
      const topic = uniqueName('large');
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      const values = [randomBytes(1024 * 1024), randomBytes(1024 * 1024), randomBytes(10), Buffer.alloc(0), randomBytes(1024 * 1024 - 1)];
      for (const [i, value] of values.entries()) await bus.publish(topic, [{ key: `big-${i % 2}`, value }]);
      const recorder = new Recorder();
      await subscribe(bus, { groupId: uniqueName('g'), topics: [topic], handler: recorder.handler });
      await until(() => recorder.handled.length >= values.length, () => recorder.summary());
      const got = recorder.handled.map((r) => `${r.key}:${r.value.length}:${sha256(r.value)}`).sort();
      const want = values.map((v, i) => `big-${i % 2}:${v.length}:${sha256(v)}`).sort();
      expect(got).toEqual(want);
    });

    it('reports lag as the messages a group has not committed, reaching 0', { timeout: testTimeout }, async () => {
      const bus = await create();
      const topic = uniqueName('lag');
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      const groupId = uniqueName('g');
      await bus.publish(topic, Array.from({ length: 90 }, (_, i) => message(`m${i}`, `k${i % 11}`, i)));
      // A group that has committed nothing lags by everything in the topic.
      expect(await bus.lag(groupId, topic)).toBe(90);
      const recorder = new Recorder();
      let open!: () => void;
      recorder.gate = new Promise((resolve) => (open = resolve));
      const subscription = await subscribe(bus, { groupId, topics: [topic], handler: recorder.handler });
      await sleep(300);
      expect(await bus.lag(groupId, topic)).toBe(90); // handlers are blocked: nothing committed
      open();
      await until(async () => (await bus.lag(groupId, topic)) === 0, () => recorder.summary());
      expect(recorder.handled).toHaveLength(90);
      await subscription.stop();
      await bus.publish(topic, Array.from({ length: 7 }, (_, i) => message(`n${i}`, `k${i}`, i)));
      await until(async () => (await bus.lag(groupId, topic)) === 7);
      expect(await bus.lag(uniqueName('other'), topic)).toBe(97);
    });

    it('starts a new group at the latest offset with fromBeginning: false, and resumes it from its commits', { timeout: testTimeout }, async () => {
      const bus = await create();
      const topic = uniqueName('latest');
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      const groupId = uniqueName('g');
      const key = 'one-key';
      await bus.publish(topic, Array.from({ length: 20 }, (_, i) => message(`old${i}`, key, i)));
      const recorder = new Recorder();
      const subscription = await subscribe(bus, { groupId, topics: [topic], handler: recorder.handler, fromBeginning: false });
      await settle(bus, topic, [key], [recorder]);
      const fresh = Array.from({ length: 20 }, (_, i) => message(`new${i}`, key, i));
      await bus.publish(topic, fresh);
      await until(() => recorder.countOf(fresh.map(idOf)) === 20, () => recorder.summary());
      expect(recorder.ids().filter((id) => id.startsWith('old'))).toEqual([]);

      // fromBeginning only applies without a committed offset: what is published while the group is
      // away is delivered when it comes back.
      await subscription.stop();
      const away = Array.from({ length: 10 }, (_, i) => message(`away${i}`, key, i));
      await bus.publish(topic, away);
      const again = new Recorder();
      await subscribe(bus, { groupId, topics: [topic], handler: again.handler, fromBeginning: false });
      await until(() => again.ids().filter((id) => id.startsWith('away')).length === 10, () => again.summary());
      expect(again.ids().filter((id) => !id.startsWith('away'))).toEqual([]);
    });
  });
}
