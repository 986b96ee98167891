// SqliteBus: the bus of all-in-one mode — Kafka's delivery semantics over a durable log in one SQLite
// file, for consumers in the same process.
//
// Storage (tables prefixed bus_, best in a file of its own so its fsyncs do not queue behind the store's):
//   bus_topics      name → partition count
//   bus_partitions  (topic, partition) → a small integer id, "tp", used everywhere else
//   bus_messages    the log: (tp, off) unique-indexed, plus publish time, key and value
//   bus_offsets     (group, tp) → next offset to consume: the group's committed position
//
// Writes (publish, offset commits, retention deletes) go through SqliteWriter: a worker thread that
// group-commits whatever arrives while it is busy, fsyncing each commit with durability 'full'. publish()
// resolves once its commit is done, so a resolved publish survives kill -9 (and power loss with 'full').
// Publishes made in one event-loop turn are coalesced into one write, their values packed into one
// buffer so the hop to the worker copies them once.
//
// Offsets are assigned on the main thread at publish() time, in call order: per partition they increase
// by one per record. A write that fails leaves its offsets unused (a gap, as Kafka's transaction markers
// do); readers never assume density. Only one SqliteBus may have a given file open at a time (checked
// within a process; across processes it is the caller's job, as with any single-writer log).
//
// Reads run on the main thread through a separate read-only connection (WAL lets it read while the
// writer commits): a batch is one range scan of the (tp, off) index.
//
// Consumer groups: each live subscribe() is a member of its group; every topic's partitions are dealt
// round-robin among the members subscribed to it, in join order. When a member joins or leaves, only the
// partitions that change hands move: the old owner's in-flight handler finishes and its offsets are
// committed before the new owner starts from the committed offset (so nothing committed is seen twice).
// Each owned partition runs its own loop — read up to maxBatchRecords from the position, call the handler,
// commit position = last offset + 1 — so partitions progress concurrently and one partition's records are
// handled strictly in offset order. A handler that throws gets the same batch again after a backoff
// (100 ms doubling to 5 s by default) and nothing after it is read until it succeeds. A publish wakes the
// partitions it wrote to at once; pollIntervalMs is only the fallback for writes made by another process.
//
// Retention: every retentionIntervalMs (default 60 s) the bus deletes, per partition, messages that are
// older than retentionMs (default 1 h) and below the committed offset of every group known to the topic
// (groups with a committed offset on any of its partitions, plus live members). A topic that no group
// has ever consumed is trimmed by age alone, as Kafka's retention.ms would. The last message of each
// partition is always kept so that offsets keep increasing across restarts. Groups without live members
// whose offsets were last committed more than groupRetentionMs ago (default 7 days, Kafka's
// offsets.retention.minutes) are forgotten, so an abandoned group cannot pin the log forever.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { resolve as resolvePath } from 'node:path';
import { UnavailableError } from '../errors.ts';
import { openDatabase } from '../sqlite/open.ts';
import { SqliteWriter, type WriteOp } from '../sqlite/writer.ts';
import type { Durability } from '../sqlite/writer-protocol.ts';
import type {
  Bus,
  BusRecord,
  DeliveredBatch,
  DeliveredRecord,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from './bus.ts';
import { partitionForKey } from './partitioner.ts';

export interface SqliteBusOptions {
  path: string;
  /** 'full': every commit is fsynced (survives power loss); 'normal': survives a process crash. */
  durability: Durability;
  /** Partitions of a topic created implicitly by publish() or subscribe() (default 4). */
  defaultPartitions?: number;
  /** Fallback poll for writes by another process; same-process publishes wake consumers at once (default 1000). */
  pollIntervalMs?: number;
  /** Messages younger than this are kept even when every group has committed them (default 1 h). */
  retentionMs?: number;
  /** How often retention runs; 0 disables the timer (default 60 000). */
  retentionIntervalMs?: number;
  /** A group with no live member and no commit for this long is forgotten (default 7 days). */
  groupRetentionMs?: number;
  /** First redelivery delay after a handler fails; doubles per consecutive failure (default 100). */
  retryBackoffMs?: number;
  /** Cap of the redelivery delay (default 5000). */
  maxRetryBackoffMs?: number;
  /** A batch stops growing once its values reach this many bytes; it always has at least one record (default 16 MiB). */
  maxBatchBytes?: number;
  /** Records accepted but not yet committed; past it publish() rejects with UnavailableError (default 200 000). */
  maxPendingRecords?: number;
  /** Where handler failures and background errors go (default: console.error). */
  onError?: (error: unknown, context: string) => void;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS bus_topics (
     name TEXT PRIMARY KEY, partitions INTEGER NOT NULL, created_ms INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS bus_partitions (
     id INTEGER PRIMARY KEY, topic TEXT NOT NULL, partition INTEGER NOT NULL, UNIQUE (topic, partition))`,
  `CREATE TABLE IF NOT EXISTS bus_messages (
     tp INTEGER NOT NULL, off INTEGER NOT NULL, ts INTEGER NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL)`,
  'CREATE UNIQUE INDEX IF NOT EXISTS bus_messages_tp_off ON bus_messages (tp, off)',
  `CREATE TABLE IF NOT EXISTS bus_offsets (
     group_id TEXT NOT NULL, tp INTEGER NOT NULL, next_off INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
     PRIMARY KEY (group_id, tp)) WITHOUT ROWID`,
];

const INSERT_MESSAGE = 'INSERT INTO bus_messages (tp, off, ts, key, value) VALUES (?, ?, ?, ?, ?)';
const UPSERT_OFFSET = `INSERT INTO bus_offsets (group_id, tp, next_off, updated_ms) VALUES (?, ?, ?, ?)
  ON CONFLICT (group_id, tp) DO UPDATE SET next_off = excluded.next_off, updated_ms = excluded.updated_ms`;
const DELETE_RANGE = 'DELETE FROM bus_messages WHERE tp = ? AND off >= ? AND off < ? AND ts < ?';

/** Records per coalesced write, and per retention delete, so no single transaction grows unbounded. */
const WRITE_CHUNK_RECORDS = 8192;
const WRITE_CHUNK_BYTES = 8 * 1024 * 1024;
const DELETE_CHUNK = 20_000;

/** Files opened by a SqliteBus in this process: a second writer on the same log would corrupt offsets. */
const openPaths = new Set<string>();

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly id: number;
  /** Next offset publish() hands out. */
  next: number;
  /** Partition loops waiting for new messages here. */
  readonly waiters: Set<PartitionWorker>;
}

interface TopicState {
  readonly name: string;
  readonly partitions: PartitionState[];
}

interface Member {
  readonly topics: string[];
  readonly handler: (batch: DeliveredBatch) => Promise<void>;
  readonly maxBatchRecords: number;
  readonly fromBeginning: boolean;
  readonly onAssigned: ((partitions: number[]) => void) | undefined;
  stopped: boolean;
  stopping?: Promise<void>;
}

interface Group {
  readonly id: string;
  members: Member[];
  /** Partition loops of this group, by tp. */
  readonly workers: Map<number, PartitionWorker>;
  /** Where each partition resumes: the committed offset, or the start chosen for a partition never committed. */
  readonly positions: Map<number, number>;
  /** Rebalances of a group run one after the other. */
  chain: Promise<void>;
}

interface PendingEntry {
  tp: number;
  off: number;
  ts: number;
  key: string;
  value: Uint8Array;
}

interface PendingWrite {
  entries: PendingEntry[];
  bytes: number;
  partitions: Set<PartitionState>;
  waiters: Array<{ resolve: () => void; reject: (error: Error) => void }>;
}

type Row = Record<string, unknown>;

function positiveInt(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a non-negative number`);
  return value;
}

function asUnavailable(error: unknown, what: string): UnavailableError {
  if (error instanceof UnavailableError) return error;
  return new UnavailableError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
}

export class SqliteBus implements Bus {
  private readonly writer: SqliteWriter;
  private readonly reader: DatabaseSync;
  private readonly path: string;
  private readonly defaultPartitions: number;
  readonly pollIntervalMs: number;
  private readonly retentionMs: number;
  private readonly retentionIntervalMs: number;
  private readonly groupRetentionMs: number;
  readonly retryBackoffMs: number;
  readonly maxRetryBackoffMs: number;
  readonly maxBatchBytes: number;
  private readonly maxPendingRecords: number;
  readonly onError: (error: unknown, context: string) => void;

  private readonly topics = new Map<string, TopicState>();
  private readonly creating = new Map<string, Promise<TopicState>>();
  private readonly groups = new Map<string, Group>();
  private pending: PendingWrite | null = null;
  private pendingRecords = 0;
  private flushScheduled = false;
  private closed = false;
  private closing: Promise<void> | null = null;
  private retentionTimer: NodeJS.Timeout | null = null;
  private retentionRun: Promise<unknown> = Promise.resolve();

  private readonly readBatchStmt: StatementSync;
  private readonly firstAtOrAfterStmt: StatementSync;
  private readonly minOffStmt: StatementSync;
  private readonly maxOffStmt: StatementSync;
  private readonly committedStmt: StatementSync;

  private constructor(options: SqliteBusOptions, path: string, writer: SqliteWriter, reader: DatabaseSync) {
    this.path = path;
    this.writer = writer;
    this.reader = reader;
    this.defaultPartitions = options.defaultPartitions ?? 4;
    this.pollIntervalMs = nonNegative(options.pollIntervalMs, 1000, 'pollIntervalMs');
    this.retentionMs = nonNegative(options.retentionMs, 60 * 60_000, 'retentionMs');
    this.retentionIntervalMs = nonNegative(options.retentionIntervalMs, 60_000, 'retentionIntervalMs');
    this.groupRetentionMs = nonNegative(options.groupRetentionMs, 7 * 24 * 60 * 60_000, 'groupRetentionMs');
    this.retryBackoffMs = nonNegative(options.retryBackoffMs, 100, 'retryBackoffMs');
    this.maxRetryBackoffMs = nonNegative(options.maxRetryBackoffMs, 5000, 'maxRetryBackoffMs');
    this.maxBatchBytes = nonNegative(options.maxBatchBytes, 16 * 1024 * 1024, 'maxBatchBytes');
    this.maxPendingRecords = nonNegative(options.maxPendingRecords, 200_000, 'maxPendingRecords');
    this.onError = options.onError ?? ((error, context) => console.error(`[ordertrace bus] ${context}:`, error));
    this.readBatchStmt = reader.prepare(
      'SELECT off, ts, key, value FROM bus_messages WHERE tp = ? AND off >= ? ORDER BY off LIMIT ?',
    );
    this.firstAtOrAfterStmt = reader.prepare(
      'SELECT off, ts FROM bus_messages WHERE tp = ? AND off >= ? ORDER BY off LIMIT 1',
    );
    this.minOffStmt = reader.prepare('SELECT min(off) AS off FROM bus_messages WHERE tp = ?');
    this.maxOffStmt = reader.prepare('SELECT max(off) AS off FROM bus_messages WHERE tp = ?');
    this.committedStmt = reader.prepare('SELECT next_off FROM bus_offsets WHERE group_id = ? AND tp = ?');
  }

  /** Opens (creating if needed) the log at options.path and starts the retention timer. */
  static async open(options: SqliteBusOptions): Promise<SqliteBus> {
    positiveInt(options.defaultPartitions ?? 4, 'defaultPartitions');
    const path = resolvePath(options.path);
    if (openPaths.has(path)) throw new Error(`a SqliteBus already has ${path} open in this process`);
    openPaths.add(path);
    let writer: SqliteWriter | undefined;
    try {
      writer = await SqliteWriter.open({ path, schema: SCHEMA, durability: options.durability });
      const reader = openDatabase(path, options.durability, true);
      const bus = new SqliteBus(options, path, writer, reader);
      bus.loadTopics();
      bus.scheduleRetention();
      return bus;
    } catch (error) {
      openPaths.delete(path);
      await writer?.close();
      throw error;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Topics

  private loadTopics(): void {
    const rows = this.reader
      .prepare('SELECT name, partitions FROM bus_topics ORDER BY name')
      .all() as Array<{ name: string; partitions: number }>;
    for (const row of rows) this.loadTopic(row.name);
  }

  /** Reads a topic's partitions and their next offsets from the database into memory. */
  private loadTopic(name: string): TopicState {
    const rows = this.reader
      .prepare(
        `SELECT p.id, p.partition FROM bus_partitions p JOIN bus_topics t ON t.name = p.topic
         WHERE p.topic = ? AND p.partition < t.partitions ORDER BY p.partition`,
      )
      .all(name) as Array<{ id: number; partition: number }>;
    const maxCommitted = this.reader.prepare('SELECT max(next_off) AS off FROM bus_offsets WHERE tp = ?');
    const partitions = rows.map((row, index): PartitionState => {
      if (row.partition !== index) throw new Error(`bus log ${this.path}: topic ${name} lacks partition ${index}`);
      const last = (this.maxOffStmt.get(row.id) as { off: number | null }).off;
      const committed = (maxCommitted.get(row.id) as { off: number | null }).off;
      // Offsets never go back, even if the messages themselves were deleted.
      const next = Math.max(last === null ? 0 : last + 1, committed ?? 0);
      return { topic: name, partition: row.partition, id: row.id, next, waiters: new Set() };
    });
    if (partitions.length === 0) throw new Error(`bus log ${this.path}: topic ${name} has no partitions`);
    const state: TopicState = { name, partitions };
    this.topics.set(name, state);
    return state;
  }

  /** Creates a topic unless it exists; an existing topic keeps its partition count. */
  private ensureTopic(name: string, partitions: number): Promise<TopicState> {
    const known = this.topics.get(name);
    if (known) return Promise.resolve(known);
    let creating = this.creating.get(name);
    if (!creating) {
      creating = this.createTopic(name, partitions).finally(() => this.creating.delete(name));
      this.creating.set(name, creating);
    }
    return creating;
  }

  private async createTopic(name: string, partitions: number): Promise<TopicState> {
    const rows = Array.from({ length: partitions }, (_, partition) => [name, partition]);
    try {
      await this.writer.write([
        {
          sql: 'INSERT INTO bus_topics (name, partitions, created_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
          rows: [[name, partitions, Date.now()]],
        },
        // Against the stored count, in case the topic already existed with another one.
        {
          sql: `INSERT OR IGNORE INTO bus_partitions (topic, partition)
                SELECT ?1, ?2 WHERE ?2 < (SELECT partitions FROM bus_topics WHERE name = ?1)`,
          rows,
        },
      ]);
    } catch (error) {
      throw asUnavailable(error, `cannot create topic ${name}`);
    }
    return this.topics.get(name) ?? this.loadTopic(name);
  }

  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    this.assertOpen();
    for (const spec of topics) {
      if (typeof spec.name !== 'string' || spec.name === '') throw new TypeError('topic name must be a non-empty string');
      positiveInt(spec.partitions, `partitions of topic ${spec.name}`);
    }
    await Promise.all(topics.map((spec) => this.ensureTopic(spec.name, spec.partitions)));
  }

  // ---------------------------------------------------------------------------------------------
  // Publishing

  publish(topic: string, records: BusRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(new UnavailableError('bus is closed'));
    if (!Array.isArray(records)) return Promise.reject(new TypeError('records must be an array'));
    for (const record of records) {
      if (typeof record?.key !== 'string' || !(record.value instanceof Uint8Array)) {
        return Promise.reject(new TypeError('each record needs a string key and a Buffer value'));
      }
    }
    if (records.length === 0) return Promise.resolve();
    const state = this.topics.get(topic);
    // Publishing to an unknown topic creates it (Kafka's auto.create.topics.enable); callers queued
    // behind the creation keep their call order.
    if (!state) return this.ensureTopic(topic, this.defaultPartitions).then(() => this.publish(topic, records));
    if (this.pendingRecords + records.length > this.maxPendingRecords && this.pendingRecords > 0) {
      return Promise.reject(new UnavailableError(`bus write queue is full (${this.pendingRecords} records pending)`, 1));
    }
    return new Promise<void>((resolve, reject) => {
      const write = this.pendingWrite();
      const ts = Date.now();
      const count = state.partitions.length;
      for (const record of records) {
        const partition = state.partitions[count === 1 ? 0 : partitionForKey(record.key, count)]!;
        write.entries.push({ tp: partition.id, off: partition.next++, ts, key: record.key, value: record.value });
        write.bytes += record.value.byteLength;
        write.partitions.add(partition);
      }
      write.waiters.push({ resolve, reject });
      this.pendingRecords += records.length;
      if (write.entries.length >= WRITE_CHUNK_RECORDS || write.bytes >= WRITE_CHUNK_BYTES) this.flush();
    });
  }

  private pendingWrite(): PendingWrite {
    if (!this.pending) {
      this.pending = { entries: [], bytes: 0, partitions: new Set(), waiters: [] };
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // Everything published during this event-loop turn goes out as one write.
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    }
    return this.pending;
  }

  /** Sends the coalesced publishes to the writer; resolves them once committed and wakes their consumers. */
  private flush(): void {
    const write = this.pending;
    if (!write) return;
    this.pending = null;
    // One fresh buffer for all values: structured cloning copies each distinct ArrayBuffer once, where
    // cloning the callers' Buffers would copy whole pool slabs or request bodies they are views of.
    const arena = Buffer.allocUnsafeSlow(write.bytes);
    let at = 0;
    const rows = write.entries.map((entry) => {
      arena.set(entry.value, at);
      const value = arena.subarray(at, at + entry.value.byteLength);
      at += entry.value.byteLength;
      return [entry.tp, entry.off, entry.ts, entry.key, value];
    });
    const count = write.entries.length;
    this.writer.write([{ sql: INSERT_MESSAGE, rows }]).then(
      () => {
        this.pendingRecords -= count;
        for (const waiter of write.waiters) waiter.resolve();
        for (const partition of write.partitions) {
          for (const worker of partition.waiters) worker.wake();
        }
      },
      (error: unknown) => {
        this.pendingRecords -= count;
        const failure = asUnavailable(error, 'bus write failed');
        for (const waiter of write.waiters) waiter.reject(failure);
      },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Consuming

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    this.assertOpen();
    if (typeof options.groupId !== 'string' || options.groupId === '') throw new TypeError('groupId must be a non-empty string');
    if (!Array.isArray(options.topics) || options.topics.length === 0) throw new TypeError('topics must be a non-empty array');
    if (typeof options.handler !== 'function') throw new TypeError('handler must be a function');
    const maxBatchRecords = positiveInt(options.maxBatchRecords ?? 1000, 'maxBatchRecords');
    for (const topic of options.topics) await this.ensureTopic(topic, this.defaultPartitions);
    this.assertOpen();
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = { id: options.groupId, members: [], workers: new Map(), positions: new Map(), chain: Promise.resolve() };
      this.groups.set(group.id, group);
    }
    const member: Member = {
      topics: [...new Set(options.topics)],
      handler: options.handler,
      maxBatchRecords,
      fromBeginning: options.fromBeginning ?? true,
      onAssigned: options.onAssigned,
      stopped: false,
    };
    group.members.push(member);
    await this.rebalance(group);
    const joined = group;
    return { stop: () => this.leave(joined, member) };
  }

  private leave(group: Group, member: Member): Promise<void> {
    if (!member.stopping) {
      member.stopped = true;
      group.members = group.members.filter((m) => m !== member);
      member.stopping = this.rebalance(group);
    }
    return member.stopping;
  }

  private rebalance(group: Group): Promise<void> {
    const run = group.chain.then(() => this.assign(group));
    group.chain = run.catch(() => undefined);
    return run;
  }

  /** Deals each subscribed topic's partitions round-robin among the group's live members (in join order). */
  private async assign(group: Group): Promise<void> {
    const desired = new Map<number, { member: Member; partition: PartitionState }>();
    const topicNames = new Set(group.members.flatMap((m) => m.topics));
    for (const name of topicNames) {
      const topic = this.topics.get(name);
      const members = group.members.filter((m) => m.topics.includes(name));
      if (!topic || members.length === 0) continue;
      topic.partitions.forEach((partition, index) => {
        desired.set(partition.id, { member: members[index % members.length]!, partition });
      });
    }
    // Revoke first: a partition's previous owner finishes and commits before anyone else reads it.
    const revoked: Promise<void>[] = [];
    for (const [tp, worker] of group.workers) {
      if (desired.get(tp)?.member !== worker.member) {
        group.workers.delete(tp);
        revoked.push(worker.stop());
      }
    }
    await Promise.all(revoked);
    if (this.closed && group.members.length > 0) return;
    const now = Date.now();
    const startAtLatest: Array<[string, number, number, number]> = [];
    const assigned: Array<{ member: Member; partition: PartitionState }> = [];
    for (const [tp, target] of desired) {
      if (group.workers.has(tp)) continue;
      if (!group.positions.has(tp)) {
        const committed = this.committedOffset(group.id, tp);
        if (committed !== undefined) group.positions.set(tp, committed);
        else if (target.member.fromBeginning) group.positions.set(tp, 0);
        else {
          // 'latest', fixed now and committed so that a later owner of the partition starts here too.
          group.positions.set(tp, target.partition.next);
          startAtLatest.push([group.id, tp, target.partition.next, now]);
        }
      }
      assigned.push(target);
    }
    if (startAtLatest.length > 0) {
      try {
        await this.writer.write([{ sql: UPSERT_OFFSET, rows: startAtLatest }]);
      } catch (error) {
        this.onError(error, `group ${group.id}: cannot commit its starting offsets`);
      }
    }
    for (const { member, partition } of assigned) {
      if (member.stopped) continue;
      group.workers.set(partition.id, new PartitionWorker(this, group, member, partition));
    }
    // Partition i of every topic went to the same member (dealt by index above): report by number.
    for (const member of group.members) {
      const owned = new Set([...desired.values()].filter((d) => d.member === member).map((d) => d.partition.partition));
      member.onAssigned?.([...owned].sort((a, b) => a - b));
    }
  }

  private committedOffset(groupId: string, tp: number): number | undefined {
    const row = this.committedStmt.get(groupId, tp) as { next_off: number } | undefined;
    return row?.next_off;
  }

  /** @internal Up to `max` records of a partition from `from` on, bounded by maxBatchBytes (at least one record). */
  readBatch(partition: PartitionState, from: number, max: number): DeliveredBatch | null {
    const records: DeliveredRecord[] = [];
    let bytes = 0;
    for (const row of this.readBatchStmt.iterate(partition.id, from, max) as Iterable<Row>) {
      const raw = row.value as Uint8Array;
      const value = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      records.push({
        topic: partition.topic,
        partition: partition.partition,
        offset: String(row.off),
        timestampMs: row.ts as number,
        key: row.key as string,
        value,
      });
      bytes += value.byteLength;
      if (bytes >= this.maxBatchBytes) break;
    }
    if (records.length === 0) return null;
    return { topic: partition.topic, partition: partition.partition, records };
  }

  /** @internal Commits a group's position on a partition (durably, through the writer). */
  async commit(group: Group, tp: number, next: number): Promise<void> {
    await this.writer.write([{ sql: UPSERT_OFFSET, rows: [[group.id, tp, next, Date.now()]] }]);
    group.positions.set(tp, next);
  }

  async lag(groupId: string, topic: string): Promise<number> {
    this.assertOpen();
    const state = this.topics.get(topic);
    if (!state) return 0;
    let total = 0;
    for (const partition of state.partitions) {
      const last = (this.maxOffStmt.get(partition.id) as { off: number | null }).off;
      if (last === null) continue;
      let from = this.committedOffset(groupId, partition.id);
      // A group that has committed nothing here would start at the oldest retained message.
      if (from === undefined) from = (this.minOffStmt.get(partition.id) as { off: number }).off;
      total += Math.max(0, last + 1 - from);
    }
    return total;
  }

  // ---------------------------------------------------------------------------------------------
  // Retention

  private scheduleRetention(): void {
    if (this.retentionIntervalMs <= 0 || this.closed) return;
    this.retentionTimer = setTimeout(() => {
      this.retentionTimer = null;
      this.retentionRun = this.runRetention()
        .catch((error: unknown) => this.onError(error, 'bus retention'))
        .finally(() => this.scheduleRetention());
    }, this.retentionIntervalMs);
    this.retentionTimer.unref();
  }

  /** One retention pass: forgets idle groups, then deletes what every group has committed and is old enough. */
  async runRetention(now = Date.now()): Promise<{ groupsExpired: number; messagesDeleted: number }> {
    const groupsExpired = await this.expireGroups(now - this.groupRetentionMs);
    const messagesDeleted = await this.deleteCommittedBefore(now - this.retentionMs);
    return { groupsExpired, messagesDeleted };
  }

  /** Forgets the committed offsets of groups with no live member and no commit since `cutoffMs`. */
  async expireGroups(cutoffMs: number): Promise<number> {
    this.assertOpen();
    const rows = this.reader
      .prepare('SELECT group_id, max(updated_ms) AS last FROM bus_offsets GROUP BY group_id')
      .all() as Array<{ group_id: string; last: number }>;
    const expired = rows.filter((row) => row.last < cutoffMs && !(this.groups.get(row.group_id)?.members.length));
    if (expired.length === 0) return 0;
    try {
      await this.writer.write([{ sql: 'DELETE FROM bus_offsets WHERE group_id = ?', rows: expired.map((row) => [row.group_id]) }]);
    } catch (error) {
      throw asUnavailable(error, 'cannot expire groups');
    }
    for (const row of expired) {
      const group = this.groups.get(row.group_id);
      if (group && group.members.length === 0 && group.workers.size === 0) this.groups.delete(row.group_id);
    }
    return expired.length;
  }

  /**
   * Deletes messages published before `cutoffMs` that every group known to their topic has committed,
   * keeping each partition's last message. Returns how many were deleted.
   */
  async deleteCommittedBefore(cutoffMs: number): Promise<number> {
    this.assertOpen();
    const committed = new Map<string, Map<number, number>>();
    const offsets = this.reader.prepare('SELECT group_id, tp, next_off FROM bus_offsets').all() as Array<{
      group_id: string;
      tp: number;
      next_off: number;
    }>;
    for (const row of offsets) {
      let byTp = committed.get(row.group_id);
      if (!byTp) committed.set(row.group_id, (byTp = new Map()));
      byTp.set(row.tp, row.next_off);
    }
    let deleted = 0;
    for (const topic of [...this.topics.values()]) {
      const tps = new Set(topic.partitions.map((p) => p.id));
      // Groups known to this topic: a committed offset on one of its partitions, or a live member.
      const known: Array<(tp: number) => number> = [];
      for (const byTp of committed.values()) {
        if ([...byTp.keys()].some((tp) => tps.has(tp))) known.push((tp) => byTp.get(tp) ?? 0);
      }
      for (const group of this.groups.values()) {
        if (group.members.some((m) => m.topics.includes(topic.name))) {
          // In memory a live group may hold a start it has not committed ('earliest', nothing consumed yet).
          known.push((tp) => Math.min(group.positions.get(tp) ?? 0, committed.get(group.id)?.get(tp) ?? Infinity));
        }
      }
      for (const partition of topic.partitions) {
        if (this.closed) return deleted;
        deleted += await this.trimPartition(partition, known, cutoffMs);
      }
    }
    return deleted;
  }

  private async trimPartition(partition: PartitionState, known: Array<(tp: number) => number>, cutoffMs: number): Promise<number> {
    const first = (this.minOffStmt.get(partition.id) as { off: number | null }).off;
    const last = (this.maxOffStmt.get(partition.id) as { off: number | null }).off;
    if (first === null || last === null) return 0;
    let upper = last; // the last message stays
    for (const position of known) upper = Math.min(upper, position(partition.id));
    if (upper <= first) return 0;
    // Publish times grow with offsets, so the messages old enough form a prefix: binary-search its end
    // with index lookups rather than scanning it (the DELETE still checks ts, should a clock have stepped back).
    let low = first;
    let high = upper;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const row = this.firstAtOrAfterStmt.get(partition.id, mid) as { off: number; ts: number } | undefined;
      if (row && row.off < high && row.ts < cutoffMs) low = row.off + 1;
      else high = mid;
    }
    let deleted = 0;
    for (let from = first; from < low; from += DELETE_CHUNK) {
      try {
        deleted += await this.writer.write([{ sql: DELETE_RANGE, rows: [[partition.id, from, Math.min(low, from + DELETE_CHUNK), cutoffMs]] }]);
      } catch (error) {
        throw asUnavailable(error, 'bus retention delete failed');
      }
    }
    return deleted;
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle

  private assertOpen(): void {
    if (this.closed) throw new UnavailableError('bus is closed');
  }

  /** Stops every subscription (in-flight handlers finish and commit), writes what is pending, closes the file. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      this.closing = this.shutdown();
    }
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.retentionTimer) clearTimeout(this.retentionTimer);
    await this.retentionRun.catch(() => undefined);
    await Promise.all([...this.creating.values()].map((p) => p.catch(() => undefined)));
    await Promise.all(
      [...this.groups.values()].map((group) => {
        for (const member of group.members) member.stopped = true;
        group.members = [];
        return this.rebalance(group).catch((error: unknown) => this.onError(error, `stopping group ${group.id}`));
      }),
    );
    this.flush();
    try {
      await this.writer.close();
    } finally {
      this.reader.close();
      openPaths.delete(this.path);
    }
  }
}

/** The loop that delivers one partition to one member of a group. */
class PartitionWorker {
  readonly member: Member;
  private readonly bus: SqliteBus;
  private readonly group: Group;
  private readonly partition: PartitionState;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private readonly done: Promise<void>;

  constructor(bus: SqliteBus, group: Group, member: Member, partition: PartitionState) {
    this.bus = bus;
    this.group = group;
    this.member = member;
    this.partition = partition;
    this.done = this.run();
  }

  /** Resolves once an in-flight batch has been handled and committed (or given up on) and the loop has ended. */
  stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    return this.done;
  }

  wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = null;
    wakeUp?.();
  }

  private async run(): Promise<void> {
    const { bus, group, member, partition } = this;
    let retry: DeliveredBatch | null = null;
    let failures = 0;
    while (!this.stopping) {
      let batch: DeliveredBatch | null = retry;
      if (!batch) {
        try {
          batch = bus.readBatch(partition, group.positions.get(partition.id) ?? 0, member.maxBatchRecords);
        } catch (error) {
          bus.onError(error, `group ${group.id}: reading ${partition.topic}[${partition.partition}]`);
          await this.sleep(bus.pollIntervalMs, false);
          continue;
        }
        if (!batch) {
          await this.sleep(bus.pollIntervalMs, true);
          continue;
        }
      }
      const last = Number(batch.records[batch.records.length - 1]!.offset);
      try {
        // A copy, so a handler that rearranges its array does not change what a retry delivers.
        await member.handler({ topic: batch.topic, partition: batch.partition, records: batch.records.slice() });
      } catch (error) {
        failures += 1;
        retry = batch;
        bus.onError(error, `group ${group.id}: handler failed on ${batch.topic}[${batch.partition}] at offset ${batch.records[0]!.offset}; redelivering`);
        await this.sleep(Math.min(bus.maxRetryBackoffMs, bus.retryBackoffMs * 2 ** (failures - 1)), false);
        continue;
      }
      try {
        await bus.commit(group, partition.id, last + 1);
        retry = null;
        failures = 0;
      } catch (error) {
        // Not committed: deliver it again rather than risk losing it (at-least-once).
        failures += 1;
        retry = batch;
        bus.onError(error, `group ${group.id}: commit failed on ${batch.topic}[${batch.partition}]`);
        await this.sleep(Math.min(bus.maxRetryBackoffMs, bus.retryBackoffMs * 2 ** (failures - 1)), false);
      }
    }
  }

  /** Waits `ms`, or less if stopped — or, with wakeOnPublish, if a publish reaches this partition. */
  private sleep(ms: number, wakeOnPublish: boolean): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.partition.waiters.delete(this);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = finish;
      if (wakeOnPublish) this.partition.waiters.add(this);
    });
  }
}
