// KafkaBus consumer behaviour beyond the bus contract, against the real broker (which stays up):
// group membership survives long handler failures and long handler calls (heartbeats keep the session),
// and a rebalance during a retry series gives the failed records to the next owner, uncommitted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusRecord } from '../../core/bus/bus.ts';
import { KafkaBus } from '../../core/bus/kafka-bus.ts';
import type { KafkaBusOptions } from '../../core/bus/kafka-options.ts';
import { decode, message, Recorder, sleep, uniqueName, waitFor } from '../contract/bus.contract.ts';
import { requireBroker, testBusOptions } from './broker.ts';

beforeEach(requireBroker, 30_000);

// The broker's minimum session timeout (group.min.session.timeout.ms) is 6 s: the shortest session a
// member can have, so a member that stopped heartbeating would be dropped within the tests below.
const shortSession: Partial<KafkaBusOptions> = { sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, rebalanceTimeoutMs: 10_000 };

const buses: KafkaBus[] = [];
async function open(overrides: Partial<KafkaBusOptions> = {}): Promise<KafkaBus> {
  const bus = await KafkaBus.open(testBusOptions({ ...shortSession, ...overrides }));
  buses.push(bus);
  return bus;
}
afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
});

function published(count: number, keys: number): BusRecord[] {
  return Array.from({ length: count }, (_, i) => message(`m${i}`, `k${i % keys}`, Math.floor(i / keys)));
}

/** Every record exactly once, and per key in publish order. */
function expectExactlyOnceInOrder(recorder: Recorder, records: BusRecord[]): void {
  expect(recorder.ids().sort()).toEqual(records.map((r) => decode(r).id).sort());
  const byKey = new Map<string, number[]>();
  for (const record of recorder.handled) byKey.set(record.key, [...(byKey.get(record.key) ?? []), decode(record).seq]);
  for (const [key, seqs] of byKey) {
    expect(seqs, `order of ${key}`).toEqual(records.filter((r) => r.key === key).map((r) => decode(r).seq));
  }
}

describe('KafkaBus consumer', () => {
  it('keeps its group membership while the handler fails for ~20 s, then delivers everything once, in order', { timeout: 90_000 }, async () => {
    const bus = await open({ retryBackoffMs: 100, maxRetryBackoffMs: 2000 });
    const topic = uniqueName('outage');
    await bus.ensureTopics([{ name: topic, partitions: 3 }]);
    const records = published(300, 13);
    await bus.publish(topic, records);
    const groupId = uniqueName('g');
    const recorder = new Recorder();
    let failUntil = Number.POSITIVE_INFINITY;
    recorder.fail = () => Date.now() < failUntil;
    const subscription = await bus.subscribe({ groupId, topics: [topic], handler: recorder.handler, maxBatchRecords: 50 });
    await waitFor(() => recorder.deliveries.length > 0, { timeoutMs: 30_000 });
    failUntil = Date.now() + 20_000; // "ClickHouse is down for 20 s"
    await waitFor(() => recorder.handled.length >= records.length, { timeoutMs: 60_000, describe: () => recorder.summary() });
    await waitFor(async () => (await bus.lag(groupId, topic)) === 0, { timeoutMs: 10_000 });
    const failures = recorder.deliveries.filter((d) => d.failed);
    expect(failures.length).toBeGreaterThan(5);
    expect(failures.at(-1)!.at - failures[0]!.at).toBeGreaterThan(15_000);
    // One GROUP_JOIN (the initial one): no session expiry, no rejoin, no crash.
    expect(subscription.stats).toMatchObject({ groupJoins: 1, rebalances: 0, crashes: 0 });
    expect(subscription.stats.heartbeats).toBeGreaterThan(10);
    expectExactlyOnceInOrder(recorder, records);
    // While failing, nothing was committed: the first success starts where the failures did.
    const firstSuccess = recorder.deliveries.find((d) => !d.failed)!;
    expect(firstSuccess.batch.records[0]!.offset).toBe(failures[0]!.batch.records[0]!.offset);
  });

  it('keeps its group membership through one handler call longer than the session timeout', { timeout: 60_000 }, async () => {
    const bus = await open();
    const topic = uniqueName('slow');
    await bus.ensureTopics([{ name: topic, partitions: 2 }]);
    const records = published(40, 5);
    await bus.publish(topic, records);
    const groupId = uniqueName('g');
    const recorder = new Recorder();
    let open_!: () => void;
    recorder.gate = new Promise((resolve) => (open_ = resolve));
    const subscription = await bus.subscribe({ groupId, topics: [topic], handler: recorder.handler });
    await sleep(12_000); // twice the 6 s session timeout, inside one handler call
    open_();
    await waitFor(() => recorder.handled.length >= records.length, { timeoutMs: 30_000, describe: () => recorder.summary() });
    await waitFor(async () => (await bus.lag(groupId, topic)) === 0, { timeoutMs: 10_000 });
    expect(subscription.stats).toMatchObject({ groupJoins: 1, rebalances: 0, crashes: 0 });
    expectExactlyOnceInOrder(recorder, records);
  });

  it('hands a failing member\'s uncommitted records to the next owner on a rebalance, losing nothing', { timeout: 90_000 }, async () => {
    const bus = await open({ retryBackoffMs: 100, maxRetryBackoffMs: 500 });
    const topic = uniqueName('handover');
    await bus.ensureTopics([{ name: topic, partitions: 4 }]);
    const records = published(200, 17);
    await bus.publish(topic, records);
    const groupId = uniqueName('g');
    const failing = new Recorder();
    failing.fail = () => true; // this member never succeeds
    const a = await bus.subscribe({ groupId, topics: [topic], handler: failing.handler, maxBatchRecords: 20 });
    await waitFor(() => failing.deliveries.length >= 3, { timeoutMs: 30_000 });
    // B joins: A's heartbeat reports the rebalance, A gives its chunk up uncommitted and rejoins.
    const healthy = new Recorder();
    await bus.subscribe({ groupId, topics: [topic], handler: healthy.handler, maxBatchRecords: 20 });
    expect(a.stats.rebalances + a.stats.groupJoins).toBeGreaterThan(1);
    // A still owns some partitions and keeps failing on them; stopping it hands them to B.
    await waitFor(() => healthy.handled.length > 0, { timeoutMs: 30_000, describe: () => healthy.summary() });
    await a.stop();
    await waitFor(() => healthy.handled.length >= records.length, { timeoutMs: 60_000, describe: () => healthy.summary() });
    expect(failing.handled).toHaveLength(0);
    expectExactlyOnceInOrder(healthy, records);
    await waitFor(async () => (await bus.lag(groupId, topic)) === 0, { timeoutMs: 10_000 });
  });
});
