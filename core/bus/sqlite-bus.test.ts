// SqliteBus beyond the shared contract (test/contract/bus.sqlite.test.ts): the partitioner, durability
// across a real kill -9 of a publishing and of a consuming process, prompt in-process wakeups,
// partitions progressing independently, retention, and refusals.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../errors.ts';
import type { DeliveredRecord } from './bus.ts';
import { murmur2, partitionForKey } from './partitioner.ts';
import { SqliteBus, type SqliteBusOptions } from './sqlite-bus.ts';
import { Recorder, message, sleep, waitFor } from '../../test/contract/bus.contract.ts';

const childScript = fileURLToPath(new URL('./test/sqlite-bus-child.ts', import.meta.url));

const dirs: string[] = [];
const buses: SqliteBus[] = [];

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ot-sqlite-bus-'));
  dirs.push(dir);
  return join(dir, 'bus.sqlite');
}

async function open(path: string, options: Partial<SqliteBusOptions> = {}): Promise<SqliteBus> {
  const bus = await SqliteBus.open({ path, durability: 'full', retryBackoffMs: 20, onError: () => undefined, ...options });
  buses.push(bus);
  return bus;
}

/** Every record of a topic, read through a fresh group. */
async function readAll(bus: SqliteBus, topic: string, expected: number): Promise<DeliveredRecord[]> {
  const recorder = new Recorder();
  const subscription = await bus.subscribe({ groupId: `read-all-${Math.random()}`, topics: [topic], handler: recorder.handler });
  await waitFor(() => recorder.handled.length >= expected, { timeoutMs: 30_000, describe: () => recorder.summary() });
  await sleep(100);
  await subscription.stop();
  return recorder.handled;
}

function countRows(path: string, sql = 'SELECT count(*) AS n FROM bus_messages'): number {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Runs the child script; resolves its output lines as they come. */
function startChild(args: string[]) {
  const child = spawn(process.execPath, [childScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close': the process has exited and its pipes are drained, so every line it wrote is in `lines`.
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    lines,
    stderr: () => stderr,
    async kill(): Promise<void> {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

afterEach(async () => {
  for (const bus of buses.splice(0)) await bus.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('partitioner', () => {
  it("matches Kafka's murmur2 (UtilsTest vectors) and default partitioner", () => {
    const vectors: Array<[string, number]> = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
      ['', 275646681],
    ];
    for (const [input, hash] of vectors) expect(murmur2(Buffer.from(input)), input).toBe(hash);
    expect(partitionForKey('foobar', 50)).toBe(16);
    expect(partitionForKey('', 1)).toBe(0);
    // Non-ASCII keys hash their UTF-8 bytes, and long keys work.
    expect(partitionForKey('заказ-№1', 7)).toBe((murmur2(Buffer.from('заказ-№1')) & 0x7fffffff) % 7);
    const long = 'k'.repeat(5000);
    expect(partitionForKey(long, 9)).toBe((murmur2(Buffer.from(long)) & 0x7fffffff) % 9);
  });

  it('spreads order IDs over the partitions', () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i += 1) counts[partitionForKey(`ORD-${100000 + i}`, 8)]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(700);
  });
});

describe('SqliteBus durability across kill -9', () => {
  it('keeps every acknowledged publish of a killed publisher, with dense offsets', { timeout: 180_000 }, async () => {
    const path = tempPath();
    let bus = await open(path);
    await bus.ensureTopics([{ name: 'kill', partitions: 4 }]);
    await bus.close();

    // Several kills at different points, each child appending to what the previous ones left.
    const acked: number[] = [];
    for (let round = 0; round < 8; round += 1) {
      const child = startChild(['publish', path, 'kill', String(round * 1_000_000)]);
      const want = 800 + round * 300;
      await waitFor(() => child.lines.length >= want, { timeoutMs: 60_000, intervalMs: 5, describe: () => `${child.lines.length} lines; ${child.stderr()}` });
      await child.kill();
      const mine = child.lines.filter((line) => line.startsWith('acked ')).map((line) => Number(line.slice(6)));
      expect(mine.length).toBeGreaterThanOrEqual(want);
      acked.push(...mine);
    }

    bus = await open(path);
    const stored = countRows(path);
    expect(stored).toBeGreaterThanOrEqual(acked.length);
    const records = await readAll(bus, 'kill', stored);
    const seen = new Set(records.map((r) => (JSON.parse(r.value.toString()) as { n: number }).n));
    const missing = acked.filter((n) => !seen.has(n));
    expect(missing).toEqual([]);
    // Per partition the log is 0, 1, 2, … with nothing lost in between, and new publishes continue it.
    const offsets = new Map<number, number[]>();
    for (const r of records) offsets.set(r.partition, [...(offsets.get(r.partition) ?? []), Number(r.offset)]);
    for (const list of offsets.values()) expect(list).toEqual(list.map((_, i) => i));
    await bus.publish('kill', [{ key: 'key-0', value: Buffer.from('{"n":-1}') }]);
    const after = await readAll(bus, 'kill', stored + 1);
    const last = after.find((r) => r.value.toString() === '{"n":-1}')!;
    expect(Number(last.offset)).toBe(offsets.get(last.partition)!.length);
  });

  it('redelivers the batch a killed consumer was handling, and only what it had not committed', { timeout: 120_000 }, async () => {
    const path = tempPath();
    let bus = await open(path);
    await bus.ensureTopics([{ name: 'work', partitions: 1 }]);
    await bus.publish('work', Array.from({ length: 100 }, (_, i) => message(`m${i}`, `k${i % 9}`, i)));
    await bus.close();

    const child = startChild(['consume', path, 'work', 'workers']);
    await waitFor(() => child.lines.some((line) => line.startsWith('hang ')), { timeoutMs: 60_000, describe: () => child.stderr() });
    await child.kill();
    const done = child.lines.filter((line) => line.startsWith('done '));
    const hang = child.lines.find((line) => line.startsWith('hang '))!.split(' ').map(Number);
    expect(done).toEqual(['done 0 0 9', 'done 0 10 19', 'done 0 20 29']);
    expect(hang.slice(1)).toEqual([0, 30, 39]);

    bus = await open(path);
    expect(await bus.lag('workers', 'work')).toBe(70);
    const recorder = new Recorder();
    await bus.subscribe({ groupId: 'workers', topics: ['work'], handler: recorder.handler, maxBatchRecords: 10 });
    await waitFor(() => recorder.handled.length >= 70, { timeoutMs: 30_000, describe: () => recorder.summary() });
    await sleep(200);
    expect(recorder.deliveries[0]!.batch.records.map((r) => Number(r.offset))).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
    expect(recorder.handled.map((r) => Number(r.offset))).toEqual(Array.from({ length: 70 }, (_, i) => 30 + i));
  });
});

describe('SqliteBus delivery', () => {
  it('wakes consumers on publish instead of waiting for the poll interval', { timeout: 60_000 }, async () => {
    const bus = await open(tempPath(), { pollIntervalMs: 60_000 });
    await bus.ensureTopics([{ name: 't', partitions: 2 }]);
    const recorder = new Recorder();
    await bus.subscribe({ groupId: 'g', topics: ['t'], handler: recorder.handler });
    await sleep(50); // the group has found the topic empty and gone to sleep
    const latencies: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const start = performance.now();
      await bus.publish('t', [message(`m${i}`, `k${i}`, i)]);
      await waitFor(() => recorder.handled.length > i, { timeoutMs: 10_000, intervalMs: 1 });
      latencies.push(performance.now() - start);
    }
    // Polling alone would take a minute; in-process wakeups take milliseconds (bound kept loose for slow CI).
    expect(Math.max(...latencies)).toBeLessThan(5_000);
  });

  it('keeps other partitions flowing while one partition is blocked or failing', { timeout: 60_000 }, async () => {
    const bus = await open(tempPath());
    await bus.ensureTopics([{ name: 't', partitions: 2 }]);
    const slowKey = 'slow';
    const fastKey = ['a', 'b', 'c', 'd', 'e'].find((k) => partitionForKey(k, 2) !== partitionForKey(slowKey, 2))!;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async (batch) => {
        if (batch.records.some((r) => r.key === slowKey)) await released;
        handled.push(...batch.records.map((r) => r.key));
      },
    });
    await bus.publish('t', [message('s', slowKey, 0)]);
    await bus.publish('t', Array.from({ length: 5 }, (_, i) => message(`f${i}`, fastKey, i)));
    await waitFor(() => handled.length === 5);
    expect(handled).toEqual(new Array(5).fill(fastKey));
    release();
    await waitFor(() => handled.length === 6);
  });

  it('redelivers exactly the failed batch after a backoff', { timeout: 60_000 }, async () => {
    const bus = await open(tempPath(), { retryBackoffMs: 50 });
    await bus.ensureTopics([{ name: 't', partitions: 1 }]);
    await bus.publish('t', Array.from({ length: 25 }, (_, i) => message(`m${i}`, 'k', i)));
    const recorder = new Recorder();
    let failures = 0;
    recorder.fail = (batch) => batch.records[0]!.offset === '10' && failures++ < 2;
    await bus.subscribe({ groupId: 'g', topics: ['t'], handler: recorder.handler, maxBatchRecords: 10 });
    await waitFor(() => recorder.handled.length >= 25);
    const starts = recorder.deliveries.map((d) => `${d.batch.records[0]!.offset}+${d.batch.records.length}${d.failed ? '!' : ''}`);
    expect(starts).toEqual(['0+10', '10+10!', '10+10!', '10+10', '20+5']);
    const [, first, second, third] = recorder.deliveries;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(45);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(95); // the backoff doubles
  });

  it('moves a partition to a joining member only after its in-flight batch is handled and committed', { timeout: 60_000 }, async () => {
    const bus = await open(tempPath());
    await bus.ensureTopics([{ name: 't', partitions: 2 }]);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    await bus.publish('t', keys.map((k, i) => message(`m${i}`, k, i)));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const a = new Recorder();
    a.gate = released; // A takes both partitions and blocks in both handlers
    let aEntered = 0;
    await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async (batch) => {
        aEntered += 1;
        await a.handler(batch);
      },
    });
    await waitFor(() => aEntered === 2);
    const b = new Recorder();
    let joined = false;
    const joining = bus.subscribe({ groupId: 'g', topics: ['t'], handler: b.handler }).then(() => (joined = true));
    await sleep(200);
    // B cannot start on the partition it is getting while A still holds an uncommitted batch of it.
    expect(joined).toBe(false);
    expect(b.deliveries).toEqual([]);
    release();
    await joining;
    await bus.publish('t', keys.map((k, i) => message(`n${i}`, k, i)));
    await waitFor(() => a.handled.length + b.handled.length === 12);
    await sleep(100);
    // A's first batches are not redelivered to B; afterwards each member has one partition.
    expect(a.ids().filter((id) => id.startsWith('m')).sort()).toEqual(keys.map((_, i) => `m${i}`).sort());
    expect(b.ids().filter((id) => id.startsWith('m'))).toEqual([]);
    expect(b.handled.length).toBeGreaterThan(0);
    const aAfter = new Set(a.handled.filter((r) => r.value.toString().includes('"n')).map((r) => r.partition));
    const bAfter = new Set(b.handled.map((r) => r.partition));
    expect([...aAfter].filter((p) => bAfter.has(p))).toEqual([]);
  });

  it('makes stop() wait for the in-flight handler and commit its batch', { timeout: 60_000 }, async () => {
    const bus = await open(tempPath());
    await bus.ensureTopics([{ name: 't', partitions: 1 }]);
    await bus.publish('t', Array.from({ length: 5 }, (_, i) => message(`m${i}`, 'k', i)));
    let entered = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const subscription = await bus.subscribe({
      groupId: 'g',
      topics: ['t'],
      handler: async () => {
        entered = true;
        await released;
      },
    });
    await waitFor(() => entered);
    let stopped = false;
    const stopping = subscription.stop().then(() => (stopped = true));
    await sleep(200);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await bus.lag('g', 't')).toBe(0);
  });

  it('creates unknown topics with defaultPartitions on publish', async () => {
    const path = tempPath();
    const bus = await open(path, { defaultPartitions: 3 });
    await bus.publish('auto', Array.from({ length: 30 }, (_, i) => message(`m${i}`, `k${i}`, i)));
    expect(countRows(path, "SELECT partitions AS n FROM bus_topics WHERE name = 'auto'")).toBe(3);
    expect(new Set((await readAll(bus, 'auto', 30)).map((r) => r.partition)).size).toBe(3);
    // An existing topic keeps its partition count.
    await bus.ensureTopics([{ name: 'auto', partitions: 8 }]);
    expect(countRows(path, "SELECT count(*) AS n FROM bus_partitions WHERE topic = 'auto'")).toBe(3);
  });
});

describe('SqliteBus refusals', () => {
  it('rejects publish and subscribe after close with UnavailableError', async () => {
    const bus = await open(tempPath());
    await bus.close();
    await expect(bus.publish('t', [message('m', 'k', 0)])).rejects.toBeInstanceOf(UnavailableError);
    await expect(bus.subscribe({ groupId: 'g', topics: ['t'], handler: async () => undefined })).rejects.toBeInstanceOf(UnavailableError);
  });

  it('rejects publishes beyond maxPendingRecords with UnavailableError', async () => {
    const bus = await open(tempPath(), { maxPendingRecords: 10 });
    await bus.ensureTopics([{ name: 't', partitions: 1 }]);
    const first = bus.publish('t', Array.from({ length: 8 }, (_, i) => message(`a${i}`, 'k', i)));
    const second = bus.publish('t', Array.from({ length: 5 }, (_, i) => message(`b${i}`, 'k', i)));
    await expect(second).rejects.toBeInstanceOf(UnavailableError);
    await expect(first).resolves.toBeUndefined();
    await expect(bus.publish('t', [message('c', 'k', 0)])).resolves.toBeUndefined();
  });

  it('refuses a second open of the same file in one process, and invalid input', async () => {
    const path = tempPath();
    const bus = await open(path);
    await expect(SqliteBus.open({ path, durability: 'normal' })).rejects.toThrow(/already has/);
    await expect(bus.ensureTopics([{ name: 't', partitions: 0 }])).rejects.toThrow(TypeError);
    await expect(bus.publish('t', [{ key: 1 as unknown as string, value: Buffer.from('x') }])).rejects.toThrow(TypeError);
    await expect(bus.subscribe({ groupId: '', topics: ['t'], handler: async () => undefined })).rejects.toThrow(TypeError);
  });
});

describe('SqliteBus retention', () => {
  it('deletes only what every known group committed and what is old enough, keeping each partition’s last message', { timeout: 60_000 }, async () => {
    const path = tempPath();
    let bus = await open(path, { retentionIntervalMs: 0 });
    await bus.ensureTopics([{ name: 't', partitions: 2 }]);
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    expect(new Set(keys.map((k) => partitionForKey(k, 2))).size).toBe(2);
    await bus.publish('t', Array.from({ length: 100 }, (_, i) => message(`old${i}`, keys[i % keys.length]!, i)));
    const published = Date.now();

    // Group "slow" commits the first 100 and goes away; group "fast" will commit everything.
    const slow = new Recorder();
    const slowSub = await bus.subscribe({ groupId: 'slow', topics: ['t'], handler: slow.handler });
    await waitFor(() => slow.handled.length === 100);
    await slowSub.stop();
    await sleep(5);
    await bus.publish('t', Array.from({ length: 50 }, (_, i) => message(`new${i}`, keys[i % keys.length]!, i)));
    const fast = new Recorder();
    const fastSub = await bus.subscribe({ groupId: 'fast', topics: ['t'], handler: fast.handler });
    await waitFor(async () => (await bus.lag('fast', 't')) === 0);
    await fastSub.stop();

    // Nothing is old enough yet.
    expect(await bus.deleteCommittedBefore(published - 60_000)).toBe(0);
    expect(countRows(path)).toBe(150);
    // Old enough: "slow" still needs the newer 50.
    expect(await bus.deleteCommittedBefore(Date.now() + 1000)).toBe(100);
    expect(countRows(path)).toBe(50);
    const rest = await readAll(bus, 't', 50);
    expect(rest.map((r) => (JSON.parse(r.value.toString()) as { id: string }).id).sort()).toEqual(
      Array.from({ length: 50 }, (_, i) => `new${i}`).sort(),
    );
    // Once "slow" has caught up too, everything goes but the last message of each partition.
    const slow2 = await bus.subscribe({ groupId: 'slow', topics: ['t'], handler: async () => undefined });
    await waitFor(async () => (await bus.lag('slow', 't')) === 0);
    await slow2.stop();
    expect(await bus.deleteCommittedBefore(Date.now() + 1000)).toBe(48);
    expect(countRows(path)).toBe(2);
    const ends = countRows(path, 'SELECT sum(off) AS n FROM bus_messages'); // offsets of the two survivors
    await bus.close();

    // Offsets keep growing after a reopen even though the log was trimmed.
    bus = await open(path, { retentionIntervalMs: 0 });
    await bus.publish('t', keys.map((k, i) => message(`after${i}`, k, i)));
    const lastTwo = countRows(path, 'SELECT sum(off) AS n FROM (SELECT max(off) AS off FROM bus_messages GROUP BY tp)');
    expect(lastTwo).toBeGreaterThan(ends);
    expect(await bus.lag('fast', 't')).toBe(keys.length);
    expect(await bus.lag('slow', 't')).toBe(keys.length);
  });

  it('runs by itself every retentionIntervalMs and forgets idle groups after groupRetentionMs', { timeout: 60_000 }, async () => {
    const path = tempPath();
    const bus = await open(path, { retentionIntervalMs: 50, retentionMs: 0, groupRetentionMs: 3000 });
    await bus.ensureTopics([{ name: 't', partitions: 1 }]);
    await bus.publish('t', Array.from({ length: 40 }, (_, i) => message(`m${i}`, 'k', i)));
    // "reader" consumes all; "idle" consumes the first half and leaves.
    const idle = new Recorder();
    idle.fail = (batch) => Number(batch.records[0]!.offset) >= 20;
    const idleSub = await bus.subscribe({ groupId: 'idle', topics: ['t'], handler: idle.handler, maxBatchRecords: 10 });
    await waitFor(() => idle.handled.length === 20 && idle.deliveries.some((d) => d.failed));
    await idleSub.stop();
    const reader = await bus.subscribe({ groupId: 'reader', topics: ['t'], handler: async () => undefined });
    // The timer trims what both have committed (the first 20)…
    await waitFor(() => countRows(path) === 20, { timeoutMs: 10_000, describe: () => `${countRows(path)} rows` });
    expect(countRows(path, "SELECT count(*) AS n FROM bus_offsets WHERE group_id = 'idle'")).toBe(1);
    // …then "idle" expires and no longer holds the rest back; "reader" is live and is never expired.
    await waitFor(() => countRows(path) === 1, { timeoutMs: 20_000, describe: () => `${countRows(path)} rows` });
    expect(countRows(path, "SELECT count(*) AS n FROM bus_offsets WHERE group_id = 'idle'")).toBe(0);
    expect(countRows(path, "SELECT count(*) AS n FROM bus_offsets WHERE group_id = 'reader'")).toBe(1);
    await reader.stop();
  });
});
