// The embedded store (all-in-one mode): node:sqlite, one database file in dataDir (and alerts.sqlite
// beside it for alerts and rule state: sqlite-alerts.ts).
//
// Threads: every write goes through SqliteWriter (a worker thread owning the write connection, group
// commit), so fsyncs never block the event loop; the main thread only encodes rows. Queries run on the
// main thread over a separate read-only connection (WAL: readers never wait for the writer).
//
// Layout and why (see sqlite-schema.ts for the tables):
// - Records are filed in per-UTC-day tables by their own time. Retention drops whole days (a DROP
//   TABLE frees pages without touching rows or indexes), and a newest-first search walks the days
//   newest first, so ordering across partitions is free.
// - Span/log rows are append-only with explicit, increasing ids assigned here (this store is the
//   file's only writer process). Each write groups its records by trace ID, so one trace's rows in one
//   write are contiguous and ranges_D gets one (trace → id range) row per trace per write instead of a
//   random-key index entry per span.
// - Search by time: the one per-row index is on the record time. Its keys arrive nearly in order, so
//   inserts touch the index's rightmost pages only (measured: ~0.2 µs/span, vs ~1 µs+ for a random
//   trace-ID index). The alternative — no time index, a per-write (min, max, id range) table and a
//   merge over overlapping id ranges — saves that 0.2 µs but makes exact newest-first keyset paging
//   and duplicate suppression much more complex; not worth it. Searches walk the index backwards
//   from the cursor (time, id), filtering in SQL, then exactly in JS (attributes, q).
// - Row bytes are what limit ingest (WAL writes + checkpoints), so rows are compact: columns for the
//   searchable fields, a field-name-free JSON body, resource+scope once per day in res_D, the end time
//   derived from start + duration, and orderId omitted when it equals the order.id attribute.
// - Order → trace pairs, business key / trace ID → order, services/operations and resources are
//   idempotent rows remembered in memory once committed, so steady-state writes skip them.
//
// De-duplication (the bus redelivers):
// - events: at write time, primary key (order_id, event_id) with INSERT OR IGNORE;
// - spans/logs: at query time. A redelivered span/log has the same content, hence the same time, so
//   the copy with the highest id among rows of equal (time, traceId, spanId) / (time, logId) is the one
//   shown; searches test that with the time index (NOT EXISTS … d.id > x.id), point queries keep the
//   highest id per spanId / logId. Duplicates cost disk until their day is dropped, not correctness.
//
// Retention: deleteBefore(cutoff) drops every day partition that ends at or before the cutoff, so data
// is kept for up to one day longer than asked; the rows-removed figure counts physical rows
// (a span stored twice counts twice). Deleting rows one by one would cost as much as writing them.
//
// Not supported: two processes writing one dataDir (ids are allocated in memory; the second writer's
// inserts fail with a UNIQUE error).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { OrdertraceError, UnavailableError } from '../errors.ts';
import type { Attributes, LogRecord, OrderEvent, Resource, Scope, Span } from '../model.ts';
import { openDatabase } from '../sqlite/open.ts';
import { SqliteWriter, type WriteOp } from '../sqlite/writer.ts';
import type { Durability } from '../sqlite/writer-protocol.ts';
import {
  attributeFilter,
  attributeString,
  bodyContains,
  checkLimit,
  compareNs,
  compareText,
  matchesAttributes,
  nsParam,
  statusParam,
} from './query.ts';
import {
  decodeLog,
  decodeResource,
  decodeSpan,
  encodeEvent,
  encodeLogBody,
  encodeResource,
  encodeSpanBody,
  LOG_COLUMNS,
  logTime,
  SPAN_COLUMNS,
  sameResource,
  type LogRow,
  type SpanRow,
} from './sqlite-codec.ts';
import { DAY_MS, DAY_NS, dayDdl, dropDayDdl, migrate, OpKind, RangeKind, tableName } from './sqlite-schema.ts';
import { eventListParams } from './event-list.ts';
import { SqliteAlertStore } from './sqlite-alerts.ts';
import { SqliteStatsStore } from './sqlite-stats.ts';
import { listDayEvents } from './sqlite-events.ts';
import type {
  EventListQuery,
  LogQuery,
  OrderRecords,
  Page,
  ServiceInfo,
  SpanQuery,
  Store,
  TraceRecords,
  WriteBatch,
} from './store.ts';

export interface SqliteStoreOptions {
  /** Directory holding the database file (created if missing). */
  dataDir: string;
  /** 'full': fsync on every commit; 'normal': survives a process crash, not a power loss. */
  durability: Durability;
  /** Attribute names whose values resolve to an order (return.id, payment.reference, …). */
  keyAttributes: string[];
  /** Writes waiting on the writer thread beyond which write() rejects with UnavailableError (default 256). */
  maxPendingWrites?: number;
}

export const DATABASE_FILE = 'ordertrace.sqlite';

const MAX_INT64 = 0x7fff_ffff_ffff_ffffn;
/** Bounds on the in-memory "already written" caches; exceeding one just clears it. */
const MAX_REMEMBERED_ROWS = 200_000;
const MAX_REMEMBERED_RESOURCES = 20_000;
const MAX_CACHED_STATEMENTS = 1_000;
const RECENT_RESOURCES_PER_SERVICE = 8;
const ROWS_PER_INSERT = 32;
/**
 * Write-connection settings (run by the writer thread at open): checkpoint every ~16 MB of WAL
 * instead of 4 MB — pages rewritten by consecutive commits (index, ranges, the table's last page)
 * are copied back once; measured ~15% less commit time. The WAL file is trimmed back to 64 MB.
 */
const WRITER_PRAGMAS = ['PRAGMA wal_autocheckpoint = 4000', 'PRAGMA journal_size_limit = 67108864'];

interface ResourceEntry {
  id: number;
  committed: boolean;
  /** encodeResource() text: the res_D body and the identity key. */
  text: string;
  /** Private copies, compared structurally with incoming records' resource/scope. */
  resource: Resource;
  scope: Scope;
}

/** What a day partition's writes have committed, so later writes can skip idempotent rows. */
class DayState {
  created = false;
  readonly resources = new Map<string, ResourceEntry>();
  /** Per service, the few resources seen last: a structural compare is cheaper than encode + hash. */
  readonly recent = new Map<string, ResourceEntry[]>();
  readonly written = new Set<string>();
}

const CANONICAL_NS = /^(?:0|[1-9]\d{0,18})$/;

/** A record's nanosecond timestamp: canonical decimal (so stored integers read back identical), ≤ int64. */
function timeValue(ns: string, what: string): bigint {
  if (typeof ns !== 'string' || !CANONICAL_NS.test(ns)) {
    throw new Error(`${what} is not a canonical decimal nanosecond timestamp: ${JSON.stringify(ns)}`);
  }
  const n = BigInt(ns);
  if (n > MAX_INT64) throw new Error(`${what} is out of range: ${ns}`);
  return n;
}

function dayOf(ns: bigint): number {
  return Number(ns / DAY_NS);
}

function keyAttribute(attrs: Attributes, key: string): string {
  if (!Object.hasOwn(attrs, key)) return '';
  return attributeString(attrs[key]!);
}

/** Rows one write adds to one day partition. */
class DayWrite {
  readonly spans: SQLInputValue[][] = [];
  readonly logs: SQLInputValue[][] = [];
  readonly resources: SQLInputValue[][] = [];
  readonly ranges: SQLInputValue[][] = [];
  readonly orders: SQLInputValue[][] = [];
  readonly keys: SQLInputValue[][] = [];
  readonly events: SQLInputValue[][] = [];
  private readonly added = new Set<string>();
  private readonly resourcesAdded = new Set<ResourceEntry>();
  /** service → span names, and services seen on logs; deduplicated here before tagging. */
  private readonly operations = new Map<string, Set<string>>();
  private readonly logServices = new Set<string>();
  readonly day: number;
  readonly state: DayState;
  private readonly store: SqliteStore;

  constructor(day: number, state: DayState, store: SqliteStore) {
    this.day = day;
    this.state = state;
    this.store = store;
  }

  /** Adds an idempotent row unless this write or a committed one already has it. */
  private once(tag: string, rows: SQLInputValue[][], row: SQLInputValue[]): void {
    if (this.state.written.has(tag) || this.added.has(tag)) return;
    this.added.add(tag);
    rows.push(row);
  }

  resourceId(resource: Resource, scope: Scope, service: string): number {
    const recent = this.state.recent.get(service);
    if (recent) {
      for (const entry of recent) {
        if (sameResource(entry.resource, entry.scope, resource, scope)) return this.use(entry);
      }
    }
    const text = encodeResource(resource, scope);
    let entry = this.state.resources.get(text);
    if (!entry) {
      if (this.state.resources.size >= MAX_REMEMBERED_RESOURCES) this.state.resources.clear();
      const copy = decodeResource(text);
      entry = { id: this.store.allocateResourceId(), committed: false, text, resource: copy.resource, scope: copy.scope };
      this.state.resources.set(text, entry);
    }
    if (recent) {
      if (recent.length >= RECENT_RESOURCES_PER_SERVICE) recent.shift();
      recent.push(entry);
    } else {
      this.state.recent.set(service, [entry]);
    }
    return this.use(entry);
  }

  private use(entry: ResourceEntry): number {
    if (!entry.committed && !this.resourcesAdded.has(entry)) {
      this.resourcesAdded.add(entry);
      this.resources.push([entry.id, entry.text]);
    }
    return entry.id;
  }

  logService(service: string): void {
    this.logServices.add(service);
  }

  operation(service: string, name: string): void {
    const names = this.operations.get(service);
    if (!names) this.operations.set(service, new Set([name]));
    else names.add(name);
  }

  /** Links an order with a trace, both ways ('' trace: the order has untraced logs). */
  linkOrder(orderId: string, traceId: string): void {
    this.once(`o\0${orderId}\0${traceId}`, this.orders, [orderId, traceId]);
    if (traceId) this.once(`k\0${traceId}\0${orderId}`, this.keys, [traceId, orderId]);
  }

  /** Maps the configured business-key attributes found on a record (or its resource) to its order. */
  linkKeys(orderId: string, keyAttributes: readonly string[], attrs: Attributes, resourceAttrs: Attributes | null): void {
    for (const key of keyAttributes) {
      const value = keyAttribute(attrs, key) || (resourceAttrs ? keyAttribute(resourceAttrs, key) : '');
      if (value) this.once(`k\0${value}\0${orderId}`, this.keys, [value, orderId]);
    }
  }

  toOps(): WriteOp[] {
    const t = (name: Parameters<typeof tableName>[0]) => tableName(name, this.day);
    const ops: WriteOp[] = [];
    if (!this.state.created) for (const sql of dayDdl(this.day)) ops.push({ sql, rows: [[]] });
    const opRows: SQLInputValue[][] = [];
    for (const [service, names] of this.operations) {
      for (const name of names) this.once(`p\0${service}\0${name}`, opRows, [service, OpKind.SPAN, name]);
    }
    for (const service of this.logServices) this.once(`l\0${service}`, opRows, [service, OpKind.LOG_SERVICE, '']);
    const add = (sql: string, rows: SQLInputValue[][]) => {
      if (rows.length) ops.push({ sql, rows });
    };
    // Bulk rows go ROWS_PER_INSERT to a statement: fewer statement executions on the writer thread.
    const addMany = (prefix: string, columns: number, rows: SQLInputValue[][]) => {
      const tuple = `(${Array(columns).fill('?').join(', ')})`;
      const whole = rows.length - (rows.length % ROWS_PER_INSERT);
      if (whole > 0) {
        const packed: SQLInputValue[][] = [];
        for (let i = 0; i < whole; i += ROWS_PER_INSERT) packed.push(rows.slice(i, i + ROWS_PER_INSERT).flat());
        ops.push({ sql: prefix + Array(ROWS_PER_INSERT).fill(tuple).join(', '), rows: packed });
      }
      add(prefix + tuple, rows.slice(whole));
    };
    add(`INSERT OR IGNORE INTO ${t('res')} (id, body) VALUES (?, ?)`, this.resources);
    addMany(`INSERT INTO ${t('spans')} (id, start_ns, dur_ns, service, name, status, trace_id, span_id, res, body) VALUES `, 10, this.spans);
    addMany(`INSERT INTO ${t('logs')} (id, time_ns, service, severity, trace_id, span_id, log_id, res, body) VALUES `, 9, this.logs);
    add(`INSERT INTO ${t('ranges')} (k, kind, lo, hi) VALUES (?, ?, ?, ?)`, this.ranges);
    add(`INSERT OR IGNORE INTO ${t('orders')} (order_id, trace_id) VALUES (?, ?)`, this.orders);
    add(`INSERT OR IGNORE INTO ${t('keys')} (k, order_id) VALUES (?, ?)`, this.keys);
    add(`INSERT OR IGNORE INTO ${t('ops')} (service, kind, name) VALUES (?, ?, ?)`, opRows);
    add(`INSERT OR IGNORE INTO ${t('events')} (order_id, event_id, time_ns, body) VALUES (?, ?, ?, ?)`, this.events);
    return ops;
  }

  /** After the commit: remember what is now durable. */
  committed(): void {
    this.state.created = true;
    if (this.state.written.size + this.added.size > MAX_REMEMBERED_ROWS) this.state.written.clear();
    for (const tag of this.added) this.state.written.add(tag);
    for (const entry of this.resourcesAdded) entry.committed = true;
  }
}

interface Cursor {
  t: string;
  id: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.t}.${c.id}`).toString('base64url');
}

function decodeCursor(text: string | undefined): Cursor | undefined {
  if (text === undefined) return undefined;
  const match = typeof text === 'string' ? /^(\d{1,19})\.(\d{1,15})$/.exec(Buffer.from(text, 'base64url').toString('latin1')) : null;
  if (!match || BigInt(match[1]!) > MAX_INT64) throw new OrdertraceError('OT_ERR_BAD_PARAMETER', 'cursor is not one this store issued');
  return { t: match[1]!, id: Number(match[2]!) };
}

/** One search over span or log partitions, newest first, filtered in SQL then exactly in JS. */
interface ScanPlan<T> {
  columns: string;
  timeColumn: 'start_ns' | 'time_ns';
  /** A day's SQL FROM clause (record table aliased x), may use params. */
  from(day: number): { sql: string; params: SQLInputValue[] };
  /** Conditions on x that hold for every day. */
  where: string[];
  params: SQLInputValue[];
  /** Condition excluding older duplicates of x. */
  dedup(day: number): string;
  attributes: Array<[string, string]>;
  fromNs: bigint | undefined;
  toNs: bigint | undefined;
  cursor: Cursor | undefined;
  limit: number;
  /** Decodes a row and applies the exact filters; null when it does not match. */
  accept(row: Record<string, unknown>, day: number): T | null;
}

export class SqliteStore implements Store {
  /** Alerts and rule state, in alerts.sqlite beside the records (sqlite-alerts.ts). */
  readonly alerts: SqliteAlertStore;
  /** The health dashboard's aggregates over the day partitions (sqlite-stats.ts). */
  readonly stats: SqliteStatsStore;
  private readonly options: SqliteStoreOptions;
  private readonly path: string;
  private writer: SqliteWriter | null = null;
  private reader: DatabaseSync | null = null;
  private initializing: Promise<void> | null = null;
  private closed = false;
  private readonly statements = new Map<string, StatementSync>();
  /** Day partitions readable now, newest first. */
  private days: number[] = [];
  private readonly dayStates = new Map<number, DayState>();
  private readonly resourceTexts = new Map<string, string | undefined>();
  private nextSpanId = 1;
  private nextLogId = 1;
  private nextResourceId = 1;

  private constructor(options: SqliteStoreOptions) {
    this.options = { ...options, keyAttributes: [...options.keyAttributes] };
    this.path = join(options.dataDir, DATABASE_FILE);
    this.alerts = new SqliteAlertStore(this.options);
    this.stats = new SqliteStatsStore({
      rows: (sql, ...params) => this.rows(sql, ...params),
      days: () => {
        this.ready();
        return this.days;
      },
    });
  }

  /** Creates the store and runs init(): schema migrations, writer thread, read connection. */
  static async open(options: SqliteStoreOptions): Promise<SqliteStore> {
    const store = new SqliteStore(options);
    await store.init();
    return store;
  }

  init(): Promise<void> {
    if (this.closed) return Promise.reject(new UnavailableError('storage is closed'));
    this.initializing ??= this.start();
    return this.initializing;
  }

  private async start(): Promise<void> {
    mkdirSync(this.options.dataDir, { recursive: true });
    // Migrations run once at startup, before anything is served; they are the only statements
    // written on the main thread.
    const db = openDatabase(this.path, this.options.durability);
    try {
      migrate(db);
    } finally {
      db.close();
    }
    this.writer = await SqliteWriter.open({ path: this.path, schema: WRITER_PRAGMAS, durability: this.options.durability });
    this.reader = openDatabase(this.path, this.options.durability, true);
    await this.alerts.open();
    const days = this.rows<{ day: number }>('SELECT day FROM days ORDER BY day DESC');
    this.days = days.map((r) => r.day);
    for (const day of this.days) {
      const state = new DayState();
      state.created = true;
      this.dayStates.set(day, state);
      const max = (table: 'spans' | 'logs' | 'res') =>
        this.rows<{ m: number }>(`SELECT coalesce(max(id), 0) AS m FROM ${tableName(table, day)}`)[0]!.m;
      this.nextSpanId = Math.max(this.nextSpanId, max('spans') + 1);
      this.nextLogId = Math.max(this.nextLogId, max('logs') + 1);
      this.nextResourceId = Math.max(this.nextResourceId, max('res') + 1);
    }
  }

  /** @internal used by DayWrite */
  allocateResourceId(): number {
    return this.nextResourceId++;
  }

  private ready(): { writer: SqliteWriter; reader: DatabaseSync } {
    if (this.closed) throw new UnavailableError('storage is closed');
    if (!this.writer || !this.reader) throw new UnavailableError('storage is not initialised (call init())');
    return { writer: this.writer, reader: this.reader };
  }

  private dayState(day: number): DayState {
    let state = this.dayStates.get(day);
    if (!state) {
      state = new DayState();
      this.dayStates.set(day, state);
    }
    return state;
  }

  // ---------------------------------------------------------------- writes

  async write(batch: WriteBatch): Promise<void> {
    const { writer } = this.ready();
    const spans = batch.spans ?? [];
    const logs = batch.logs ?? [];
    const events = batch.events ?? [];
    if (spans.length === 0 && logs.length === 0 && events.length === 0) return;
    if (writer.inFlight >= (this.options.maxPendingWrites ?? 256)) {
      throw new UnavailableError('storage busy: too many writes waiting', 1);
    }
    // Everything up to writer.write() is synchronous, so writes reach the writer thread in call order.
    const dayWrites = new Map<number, DayWrite>();
    const forDay = (day: number): DayWrite => {
      let w = dayWrites.get(day);
      if (!w) {
        w = new DayWrite(day, this.dayState(day), this);
        dayWrites.set(day, w);
      }
      return w;
    };
    if (spans.length) this.addSpans(spans, forDay);
    if (logs.length) this.addLogs(logs, forDay);
    if (events.length) this.addEvents(events, forDay);
    const ops: WriteOp[] = [];
    for (const w of dayWrites.values()) ops.push(...w.toOps());
    await writer.write(ops);
    for (const w of dayWrites.values()) {
      // A day dropped by deleteBefore while this write was in flight has a new state (or none): skip.
      if (this.dayStates.get(w.day) !== w.state) continue;
      w.committed();
      if (!this.days.includes(w.day)) this.days = [...this.days, w.day].sort((a, b) => b - a);
    }
  }

  private addSpans(spans: Span[], forDay: (day: number) => DayWrite): void {
    const keyAttributes = this.options.keyAttributes;
    // Group by day, then trace (first-seen order), so each trace's rows in this write are contiguous.
    const byDay = new Map<number, Map<string, Array<{ span: Span; start: bigint }>>>();
    for (const span of spans) {
      const start = timeValue(span.startTimeUnixNano, 'startTimeUnixNano');
      const day = dayOf(start);
      let traces = byDay.get(day);
      if (!traces) byDay.set(day, (traces = new Map()));
      const group = traces.get(span.traceId);
      if (group) group.push({ span, start });
      else traces.set(span.traceId, [{ span, start }]);
    }
    for (const [day, traces] of byDay) {
      const w = forDay(day);
      for (const [traceId, group] of traces) {
        const lo = this.nextSpanId;
        let linked: string | null = null;
        for (const { span, start } of group) {
          const end = timeValue(span.endTimeUnixNano, 'endTimeUnixNano');
          const res = w.resourceId(span.resource, span.scope, span.service);
          w.spans.push([this.nextSpanId++, start, end - start, span.service, span.name, span.status.code, traceId, span.spanId, res, encodeSpanBody(span)]);
          w.operation(span.service, span.name);
          if (span.orderId) {
            if (span.orderId !== linked) w.linkOrder((linked = span.orderId), traceId);
            if (keyAttributes.length) w.linkKeys(span.orderId, keyAttributes, span.attributes, span.resource.attributes);
          }
        }
        w.ranges.push([traceId, RangeKind.SPANS_OF_TRACE, lo, this.nextSpanId - 1]);
      }
    }
  }

  private addLogs(logs: LogRecord[], forDay: (day: number) => DayWrite): void {
    const keyAttributes = this.options.keyAttributes;
    // Group by day, then trace — or, for untraced logs, order — so each group's rows are contiguous.
    const byDay = new Map<number, Map<string, Array<{ log: LogRecord; time: bigint }>>>();
    for (const log of logs) {
      const time = timeValue(logTime(log), 'timeUnixNano');
      const day = dayOf(time);
      let groups = byDay.get(day);
      if (!groups) byDay.set(day, (groups = new Map()));
      const key = log.traceId ? `t${log.traceId}` : log.orderId ? `o${log.orderId}` : '';
      const group = groups.get(key);
      if (group) group.push({ log, time });
      else groups.set(key, [{ log, time }]);
    }
    for (const [day, groups] of byDay) {
      const w = forDay(day);
      for (const [key, group] of groups) {
        const lo = this.nextLogId;
        for (const { log, time } of group) {
          const res = w.resourceId(log.resource, log.scope, log.service);
          w.logs.push([this.nextLogId++, time, log.service, log.severityNumber, log.traceId, log.spanId, log.logId, res, encodeLogBody(log)]);
          w.logService(log.service);
          if (log.orderId) {
            w.linkOrder(log.orderId, log.traceId);
            if (keyAttributes.length) w.linkKeys(log.orderId, keyAttributes, log.attributes, log.resource.attributes);
          }
        }
        if (key) {
          const kind = key[0] === 't' ? RangeKind.LOGS_OF_TRACE : RangeKind.UNTRACED_LOGS_OF_ORDER;
          w.ranges.push([key.slice(1), kind, lo, this.nextLogId - 1]);
        }
      }
    }
  }

  private addEvents(events: OrderEvent[], forDay: (day: number) => DayWrite): void {
    const keyAttributes = this.options.keyAttributes;
    for (const event of events) {
      const time = timeValue(event.timeUnixNano, 'timeUnixNano');
      const w = forDay(dayOf(time));
      w.events.push([event.orderId, event.eventId, time, encodeEvent(event)]);
      if (event.traceId) w.linkOrder(event.orderId, event.traceId);
      w.linkKeys(event.orderId, keyAttributes, event.attributes, null);
    }
  }


  // ---------------------------------------------------------------- reads

  private statement(sql: string): StatementSync {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      prepared = this.ready().reader.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  private rows<T>(sql: string, ...params: SQLInputValue[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  private resourceText(day: number, id: number): string | undefined {
    const key = `${day}:${id}`;
    if (this.resourceTexts.has(key)) return this.resourceTexts.get(key);
    const row = this.rows<{ body: string }>(`SELECT body FROM ${tableName('res', day)} WHERE id = ?`, id)[0];
    if (this.resourceTexts.size >= MAX_REMEMBERED_RESOURCES) this.resourceTexts.clear();
    if (row) this.resourceTexts.set(key, row.body);
    return row?.body;
  }

  private spanOf(row: SpanRow, day: number): Span {
    return decodeSpan(row, this.resourceText(day, row.res));
  }

  private logOf(row: LogRow, day: number): LogRecord {
    return decodeLog(row, this.resourceText(day, row.res));
  }

  /** A trace's spans, one per span ID (the latest written copy). */
  private traceSpans(traceId: string, into: Map<string, { id: number; span: Span }>): void {
    for (const day of this.days) {
      const rows = this.rows<SpanRow>(
        `SELECT ${SPAN_COLUMNS} FROM ${tableName('ranges', day)} AS r CROSS JOIN ${tableName('spans', day)} AS x ` +
          `ON x.id BETWEEN r.lo AND r.hi WHERE r.k = ? AND r.kind = ${RangeKind.SPANS_OF_TRACE} AND x.trace_id = ?`,
        traceId,
        traceId,
      );
      for (const row of rows) {
        const key = `${row.trace_id}\0${row.span_id}`;
        const seen = into.get(key);
        if (!seen || seen.id < row.id) into.set(key, { id: row.id, span: this.spanOf(row, day) });
      }
    }
  }

  /** Logs in the ranges_D rows of (kind, key), one per log ID (the latest written copy). */
  private rangeLogs(kind: number, key: string, into: Map<string, { id: number; log: LogRecord }>): void {
    const traced = kind === RangeKind.LOGS_OF_TRACE;
    for (const day of this.days) {
      const sql =
        `SELECT ${LOG_COLUMNS} FROM ${tableName('ranges', day)} AS r CROSS JOIN ${tableName('logs', day)} AS x ` +
        `ON x.id BETWEEN r.lo AND r.hi WHERE r.k = ? AND r.kind = ${kind} AND x.trace_id = ${traced ? '?' : "''"}`;
      const rows = traced ? this.rows<LogRow>(sql, key, key) : this.rows<LogRow>(sql, key);
      for (const row of rows) {
        const seen = into.get(row.log_id);
        if (seen && seen.id > row.id) continue;
        const log = this.logOf(row, day);
        if (kind === RangeKind.UNTRACED_LOGS_OF_ORDER && log.orderId !== key) continue;
        into.set(row.log_id, { id: row.id, log });
      }
    }
  }

  async getTrace(traceId: string): Promise<TraceRecords | null> {
    this.ready();
    if (!traceId) return null;
    const spans = new Map<string, { id: number; span: Span }>();
    this.traceSpans(traceId, spans);
    const logs = new Map<string, { id: number; log: LogRecord }>();
    this.rangeLogs(RangeKind.LOGS_OF_TRACE, traceId, logs);
    if (spans.size === 0 && logs.size === 0) return null;
    return { traceId, spans: sortSpans([...spans.values()].map((v) => v.span)), logs: sortLogs([...logs.values()].map((v) => v.log)) };
  }

  private orderKnown(orderId: string): boolean {
    for (const day of this.days) {
      if (this.rows(`SELECT 1 FROM ${tableName('orders', day)} WHERE order_id = ? LIMIT 1`, orderId).length) return true;
      if (this.rows(`SELECT 1 FROM ${tableName('events', day)} WHERE order_id = ? LIMIT 1`, orderId).length) return true;
    }
    return false;
  }

  async resolveOrderKey(key: string): Promise<string | null> {
    this.ready();
    if (!key) return null;
    if (this.orderKnown(key)) return key;
    for (const day of this.days) {
      const row = this.rows<{ order_id: string }>(
        `SELECT order_id FROM ${tableName('keys', day)} WHERE k = ? ORDER BY order_id LIMIT 1`,
        key,
      )[0];
      if (row) return row.order_id;
    }
    return null;
  }

  async getOrder(orderId: string): Promise<OrderRecords | null> {
    this.ready();
    if (!orderId) return null;
    let known = false;
    const traceIds = new Set<string>();
    const events = new Map<string, OrderEvent>();
    for (const day of this.days) {
      for (const row of this.rows<{ trace_id: string }>(`SELECT trace_id FROM ${tableName('orders', day)} WHERE order_id = ?`, orderId)) {
        known = true;
        if (row.trace_id) traceIds.add(row.trace_id);
      }
      for (const row of this.rows<{ body: string }>(`SELECT body FROM ${tableName('events', day)} WHERE order_id = ?`, orderId)) {
        known = true;
        const event = JSON.parse(row.body) as OrderEvent;
        events.set(event.eventId, event);
      }
    }
    if (!known) return null;
    const spans = new Map<string, { id: number; span: Span }>();
    const logs = new Map<string, { id: number; log: LogRecord }>();
    const traces = [...traceIds].sort(compareText);
    for (const traceId of traces) {
      this.traceSpans(traceId, spans);
      this.rangeLogs(RangeKind.LOGS_OF_TRACE, traceId, logs);
    }
    this.rangeLogs(RangeKind.UNTRACED_LOGS_OF_ORDER, orderId, logs);
    return {
      orderId,
      traceIds: traces,
      events: [...events.values()].sort((a, b) => compareNs(a.timeUnixNano, b.timeUnixNano) || compareText(a.eventId, b.eventId)),
      spans: sortSpans([...spans.values()].map((v) => v.span)),
      logs: sortLogs([...logs.values()].map((v) => v.log)),
    };
  }

  /** ids of a day's resources whose attributes match key=value (string form). */
  private resourcesMatching(day: number, key: string, value: string): number[] {
    const ids: number[] = [];
    for (const row of this.rows<{ id: number; body: string }>(`SELECT id, body FROM ${tableName('res', day)}`)) {
      const attrs = (JSON.parse(row.body) as [Attributes])[0];
      if (Object.hasOwn(attrs, key) && attributeString(attrs[key]!) === value) ids.push(row.id);
    }
    return ids;
  }

  private scan<T>(plan: ScanPlan<T>): Page<T> {
    const { limit, fromNs, toNs, cursor } = plan;
    const want = limit + 1;
    const chunk = Math.min(Math.max(2 * want, 64), 2_000);
    const found: Array<{ item: T; t: string; id: number }> = [];
    const firstDay = fromNs === undefined ? -Infinity : dayOf(fromNs);
    let lastDay = toNs === undefined ? Infinity : toNs === 0n ? -Infinity : dayOf(toNs - 1n);
    if (cursor) lastDay = Math.min(lastDay, dayOf(BigInt(cursor.t)));
    const time = `x.${plan.timeColumn}`;
    for (const day of this.days) {
      if (day > lastDay) continue;
      if (day < firstDay || found.length >= want) break;
      const from = plan.from(day);
      const where = [...plan.where];
      const params: SQLInputValue[] = [...from.params, ...plan.params];
      for (const [key, value] of plan.attributes) {
        // Prefilter: the record's own attribute can only match if its body text holds `"key":` and
        // the value (raw, or escaped inside a JSON string); a resource attribute matches through the
        // ids of the day's matching resources. The exact test runs in JS (plan.accept).
        const alternatives: string[] = [];
        const resIds = this.resourcesMatching(day, key, value);
        if (resIds.length) {
          alternatives.push('x.res IN (SELECT value FROM json_each(?))');
          params.push(JSON.stringify(resIds));
        }
        const escaped = JSON.stringify(value).slice(1, -1);
        const valueTest = escaped === value ? 'instr(x.body, ?) > 0' : '(instr(x.body, ?) > 0 OR instr(x.body, ?) > 0)';
        alternatives.push(`(instr(x.body, ?) > 0 AND ${valueTest})`);
        params.push(`${JSON.stringify(key)}:`, value);
        if (escaped !== value) params.push(escaped);
        where.push(`(${alternatives.join(' OR ')})`);
      }
      where.push(plan.dedup(day));
      let position = cursor && dayOf(BigInt(cursor.t)) === day ? cursor : undefined;
      for (;;) {
        const clauses = [...where];
        const args = [...params];
        if (position) {
          clauses.push(`${time} <= ? AND (${time} < ? OR x.id < ?)`);
          const t = BigInt(position.t);
          args.push(t, t, position.id);
        }
        const sql =
          `SELECT ${plan.columns} FROM ${from.sql} WHERE ${clauses.join(' AND ')} ` +
          `ORDER BY ${time} DESC, x.id DESC LIMIT ${chunk}`;
        const rows = this.rows<Record<string, unknown> & { t: string; id: number }>(sql, ...args);
        for (const row of rows) {
          const item = plan.accept(row, day);
          if (item !== null) found.push({ item, t: row.t, id: row.id });
          if (found.length >= want) break;
        }
        if (found.length >= want || rows.length < chunk) break;
        const last = rows[rows.length - 1]!;
        position = { t: last.t, id: last.id };
      }
    }
    const page = found.slice(0, limit);
    const more = found.length > limit;
    const last = page[page.length - 1];
    return { items: page.map((f) => f.item), nextCursor: more && last ? encodeCursor({ t: last.t, id: last.id }) : null };
  }

  private commonFilters(
    timeColumn: string,
    q: { service?: string; fromNs?: string; toNs?: string },
    where: string[],
    params: SQLInputValue[],
  ): { fromNs: bigint | undefined; toNs: bigint | undefined } {
    const fromNs = nsParam(q.fromNs, 'fromNs');
    const toNs = nsParam(q.toNs, 'toNs');
    if (fromNs !== undefined) {
      where.push(`x.${timeColumn} >= ?`);
      params.push(fromNs);
    }
    if (toNs !== undefined) {
      where.push(`x.${timeColumn} < ?`);
      params.push(toNs);
    }
    if (q.service !== undefined) {
      where.push('x.service = ?');
      params.push(q.service);
    }
    return { fromNs, toNs };
  }

  async searchSpans(query: SpanQuery): Promise<Page<Span>> {
    this.ready();
    const limit = checkLimit(query.limit);
    const cursor = decodeCursor(query.cursor);
    const attributes = attributeFilter(query.attributes);
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const { fromNs, toNs } = this.commonFilters('start_ns', query, where, params);
    if (query.name !== undefined) {
      where.push('x.name = ?');
      params.push(query.name);
    }
    const status = statusParam(query.status);
    if (status !== undefined) {
      where.push('x.status = ?');
      params.push(status);
    }
    const minDuration = nsParam(query.minDurationNs, 'minDurationNs');
    const maxDuration = nsParam(query.maxDurationNs, 'maxDurationNs');
    if (minDuration !== undefined) {
      where.push('x.dur_ns >= ?');
      params.push(minDuration);
    }
    if (maxDuration !== undefined) {
      where.push('x.dur_ns <= ?');
      params.push(maxDuration);
    }
    return this.scan<Span>({
      columns: SPAN_COLUMNS,
      timeColumn: 'start_ns',
      from: (day) => ({ sql: `${tableName('spans', day)} AS x`, params: [] }),
      where,
      params,
      dedup: (day) =>
        `NOT EXISTS (SELECT 1 FROM ${tableName('spans', day)} AS d WHERE d.start_ns = x.start_ns AND d.id > x.id ` +
        `AND d.trace_id = x.trace_id AND d.span_id = x.span_id)`,
      attributes,
      fromNs,
      toNs,
      cursor,
      limit,
      accept: (row, day) => {
        const span = this.spanOf(row as unknown as SpanRow, day);
        return matchesAttributes(span.attributes, span.resource.attributes, attributes) ? span : null;
      },
    });
  }

  async searchLogs(query: LogQuery): Promise<Page<LogRecord>> {
    this.ready();
    const limit = checkLimit(query.limit);
    const cursor = decodeCursor(query.cursor);
    const attributes = attributeFilter(query.attributes);
    const where: string[] = [];
    const params: SQLInputValue[] = [];
    const { fromNs, toNs } = this.commonFilters('time_ns', query, where, params);
    if (query.traceId !== undefined) {
      where.push('x.trace_id = ?');
      params.push(query.traceId);
    }
    if (query.spanId !== undefined) {
      where.push('x.span_id = ?');
      params.push(query.spanId);
    }
    if (query.minSeverity !== undefined) {
      if (!Number.isFinite(query.minSeverity)) throw new OrdertraceError('OT_ERR_BAD_PARAMETER', 'minSeverity must be a number');
      where.push('x.severity >= ?');
      params.push(query.minSeverity);
    }
    const needle = query.q ? query.q.toLowerCase() : '';
    // SQL prefilter for plain-ASCII needles (SQLite's lower() folds ASCII only); exact test in JS.
    if (needle && /^[\x20-\x7e]*$/.test(needle) && JSON.stringify(needle) === `"${needle}"`) {
      where.push('instr(lower(x.body), ?) > 0');
      params.push(needle);
    }
    const traceId = query.traceId;
    return this.scan<LogRecord>({
      columns: LOG_COLUMNS,
      timeColumn: 'time_ns',
      // With a trace ID, read only that trace's id ranges instead of walking the time index.
      from: (day) =>
        traceId !== undefined
          ? {
              sql:
                `${tableName('ranges', day)} AS r CROSS JOIN ${tableName('logs', day)} AS x ` +
                `ON x.id BETWEEN r.lo AND r.hi AND r.k = ? AND r.kind = ${RangeKind.LOGS_OF_TRACE}`,
              params: [traceId],
            }
          : { sql: `${tableName('logs', day)} AS x`, params: [] },
      where,
      params,
      dedup: (day) =>
        `NOT EXISTS (SELECT 1 FROM ${tableName('logs', day)} AS d WHERE d.time_ns = x.time_ns AND d.id > x.id AND d.log_id = x.log_id)`,
      attributes,
      fromNs,
      toNs,
      cursor,
      limit,
      accept: (row, day) => {
        const log = this.logOf(row as unknown as LogRow, day);
        if (needle && !bodyContains(log.body, needle)) return null;
        return matchesAttributes(log.attributes, log.resource.attributes, attributes) ? log : null;
      },
    });
  }

  async listEvents(query: EventListQuery): Promise<Page<OrderEvent>> {
    this.ready();
    return listDayEvents(this.days, (sql, ...params) => this.rows(sql, ...params), eventListParams(query));
  }

  async services(): Promise<ServiceInfo[]> {
    this.ready();
    const services = new Map<string, Set<string>>();
    for (const day of this.days) {
      for (const row of this.rows<{ service: string; kind: number; name: string }>(
        `SELECT service, kind, name FROM ${tableName('ops', day)}`,
      )) {
        let ops = services.get(row.service);
        if (!ops) {
          ops = new Set();
          services.set(row.service, ops);
        }
        if (row.kind === OpKind.SPAN) ops.add(row.name);
      }
    }
    return [...services.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([service, ops]) => ({ service, operations: [...ops].sort(compareText) }));
  }

  async deleteBefore(cutoffMs: number): Promise<number> {
    const { writer } = this.ready();
    if (!Number.isFinite(cutoffMs)) throw new OrdertraceError('OT_ERR_BAD_PARAMETER', 'cutoff must be a finite number of ms');
    const doomed = this.days.filter((day) => (day + 1) * DAY_MS <= cutoffMs);
    if (doomed.length === 0) return 0;
    // Forget the days first: queries stop reading them now, and a write for one of them from here on
    // re-creates its tables after the drop (the writer thread runs requests in the order sent).
    this.days = this.days.filter((day) => !doomed.includes(day));
    for (const day of doomed) this.dayStates.delete(day);
    this.statements.clear();
    this.resourceTexts.clear();
    // DELETE without WHERE is SQLite's truncate (pages freed wholesale) and reports its row count;
    // the DROPs go in a separate request because DDL does not reset SQLite's change counter.
    const emptied = writer.write(
      doomed.flatMap((day) => (['spans', 'logs', 'events'] as const).map((t) => ({ sql: `DELETE FROM ${tableName(t, day)}`, rows: [[]] }))),
    );
    const dropped = writer.write(doomed.flatMap((day) => dropDayDdl(day).map((sql) => ({ sql, rows: [[]] }))));
    const [removed] = await Promise.all([emptied, dropped]);
    return removed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.initializing;
    } catch {
      /* a failed init leaves nothing to close but what was opened */
    }
    this.statements.clear();
    this.reader?.close();
    this.reader = null;
    await Promise.all([this.writer?.close(), this.alerts.close()]);
    this.writer = null;
  }
}

function sortSpans(spans: Span[]): Span[] {
  return spans.sort(
    (a, b) =>
      compareNs(a.startTimeUnixNano, b.startTimeUnixNano) || compareText(a.traceId, b.traceId) || compareText(a.spanId, b.spanId),
  );
}

function sortLogs(logs: LogRecord[]): LogRecord[] {
  return logs.sort((a, b) => compareNs(logTime(a), logTime(b)) || compareText(a.logId, b.logId));
}
