// The production store: ClickHouse over HTTP, on 18.16 and current servers.
//
// Layout, lookups and version gating: clickhouse/schema.ts. Query texts: clickhouse/queries.ts.
// Searches: clickhouse/search.ts. Errors: clickhouse/errors.ts (retryable → UnavailableError).
// Literals: clickhouse/sql.ts. Transport: clickhouse/connection.ts.
//
// De-duplication: plain MergeTree keeps every inserted row and ReplacingMergeTree merges only
// eventually, so duplicates are removed at query time in every read. Searches keep one row per
// (time, trace+span ID) / (time, log ID) in SQL (LIMIT 1 BY) before ORDER BY … LIMIT and the cursor;
// events one per event ID (LIMIT 1 BY event_id); point reads (trace, order) fetch `body` alone and
// keep one record per trace+span ID / log ID here; lookup rows are merged here too. Idempotent
// writes are therefore plain inserts; a redelivered batch costs disk until its day is dropped, never
// correctness.
//
// Writes: one INSERT … FORMAT TabSeparated per table per write (the caller batches): the data tables
// first, then the lookup/operations rows that point at them, so a failed write that is retried
// never leaves an index row whose data is missing for longer than the retry.
import { OrdertraceError, UnavailableError } from '../errors.ts';
import type { LogRecord, OrderEvent, Span } from '../model.ts';
import { ClickHouseAlertStore } from './clickhouse/alerts-store.ts';
import { ClickHouseStatsStore } from './clickhouse/stats-store.ts';
import { Connection, type ConnectionOptions } from './clickhouse/connection.ts';
import { listClickHouseEvents } from './clickhouse/event-list.ts';
import { ClickHouseWrite } from './clickhouse/incremental-write.ts';
import { decodeLookup, WrittenCache, type LookupEntry } from './clickhouse/lookup-rows.ts';
import { migrate } from './clickhouse/migrate.ts';
import {
  countInDaysQuery,
  dropPartitionStatement,
  eventsQuery,
  logsByKeysQuery,
  logSearchKeysQuery,
  logsInRangesQuery,
  lookupQuery,
  orderLookupQuery,
  partitionsQuery,
  servicesQuery,
  spansByKeysQuery,
  spanSearchKeysQuery,
  spansInRangesQuery,
  versionQuery,
  type LogKey,
  type SpanKey,
  type TimeRange,
} from './clickhouse/queries.ts';
import { attrTerm, DAY_MS, eventFromBody, logFromBody, spanFromBody } from './clickhouse/rows.ts';
import { DAY_TABLES, LookupKind, OperationKind, qualified, Table, type DayTable } from './clickhouse/schema.ts';
import { decodeCursor, searchPage } from './clickhouse/search.ts';
import { isIdentifier } from './clickhouse/sql.ts';
import { capabilities, type ServerCaps } from './clickhouse/version.ts';
import { attributeFilter, checkLimit, compareNs, compareText, nsParam, statusParam } from './query.ts';
import { eventListParams } from './event-list.ts';
import { logTime } from './sqlite-codec.ts';
import type { EventListQuery, IncrementalWrite, LogQuery, OrderRecords, Page, ServiceInfo, SpanQuery, Store, TraceRecords, WriteBatch } from './store.ts';

export interface ClickHouseStoreOptions extends ConnectionOptions {
  /** Database holding ordertrace's tables (created by init if missing). */
  database: string;
  /** Attribute names whose values resolve to an order (return.id, payment.reference, …). */
  keyAttributes: string[];
  /** On servers with TTL (see clickhouse/version.ts), tables are created with this TTL too. */
  retentionDays?: number;
}

/** Trace IDs per lookup/read query. */
const TRACES_PER_QUERY = 200;

const ORDER_KINDS: ReadonlySet<number> = new Set([LookupKind.ORDER_TRACE, LookupKind.ORDER_LOGS, LookupKind.ORDER_EVENTS]);
const TRACE_KINDS: ReadonlySet<number> = new Set([LookupKind.TRACE_SPANS, LookupKind.TRACE_LOGS]);
const TRACE_LOG_KINDS: ReadonlySet<number> = new Set([LookupKind.TRACE_LOGS]);
const RESOLVE_KINDS: ReadonlySet<number> = new Set([...ORDER_KINDS, LookupKind.KEY_ORDER]);

function toRange(row: LookupEntry): TimeRange {
  return { day: row.day, service: row.service, lo: row.lo, hi: row.hi };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function sortSpans(spans: Span[]): Span[] {
  return spans.sort(
    (a, b) => compareNs(a.startTimeUnixNano, b.startTimeUnixNano) || compareText(a.traceId, b.traceId) || compareText(a.spanId, b.spanId),
  );
}

function sortLogs(logs: LogRecord[]): LogRecord[] {
  return logs.sort((a, b) => compareNs(logTime(a), logTime(b)) || compareText(a.logId, b.logId));
}

export class ClickHouseStore implements Store {
  /** Alerts and rule state, in this store's database (clickhouse/alerts-store.ts). */
  readonly alerts: ClickHouseAlertStore;
  /** The health dashboard's aggregates (clickhouse/stats-store.ts). */
  readonly stats: ClickHouseStatsStore;
  private readonly options: ClickHouseStoreOptions;
  private readonly db: string;
  private readonly conn: Connection;
  private initializing: Promise<void> | null = null;
  private caps: ServerCaps | null = null;
  private closed = false;
  private readonly links = new WrittenCache();
  private readonly operations = new WrittenCache(20_000);

  private constructor(options: ClickHouseStoreOptions) {
    if (!isIdentifier(options.database)) {
      throw new OrdertraceError('OT_ERR_BAD_PARAMETER', `ClickHouse database name must be letters, digits and _: ${JSON.stringify(options.database)}`);
    }
    this.options = { ...options, keyAttributes: [...options.keyAttributes] };
    this.db = options.database;
    this.conn = new Connection(options);
    this.alerts = new ClickHouseAlertStore(this.conn, this.db, () => this.ready());
    this.stats = new ClickHouseStatsStore(this.conn, this.db, () => this.ready());
  }

  /** Creates the store and runs init() (database, migrations). */
  static async open(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
    const store = new ClickHouseStore(options);
    try {
      await store.init();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** What the connected server supports (known after init). */
  get serverCaps(): ServerCaps | null {
    return this.caps;
  }

  init(): Promise<void> {
    if (this.closed) return Promise.reject(new UnavailableError('storage is closed'));
    this.initializing ??= this.start().catch((error: unknown) => {
      this.initializing = null; // a later init() tries again (e.g. the server was still starting)
      throw error;
    });
    return this.initializing;
  }

  private async start(): Promise<void> {
    const [row] = await this.conn.rows<{ version: string }>(versionQuery(), 'read server version');
    const caps = capabilities(row?.version ?? '');
    const ctx = { database: this.db, caps, ...(this.options.retentionDays !== undefined ? { retentionDays: this.options.retentionDays } : {}) };
    await migrate(this.conn, ctx);
    this.caps = caps;
  }

  private ready(): void {
    if (this.closed) throw new UnavailableError('storage is closed');
    if (!this.caps) throw new UnavailableError('storage is not initialised (call init())');
  }

  private table(name: string): string {
    return qualified(this.db, name);
  }

  // ---------------------------------------------------------------- writes

  async write(batch: WriteBatch): Promise<void> {
    const write = this.startWrite();
    write.add(batch);
    await write.commit();
  }

  /** A write built up batch by batch, encoded as it goes (clickhouse/incremental-write.ts). */
  startWrite(): IncrementalWrite {
    this.ready();
    return new ClickHouseWrite({
      conn: this.conn,
      tables: {
        spans: this.table(Table.spans),
        logs: this.table(Table.logs),
        events: this.table(Table.events),
        lookup: this.table(Table.lookup),
        operations: this.table(Table.operations),
      },
      keyAttributes: this.options.keyAttributes,
      links: this.links,
      operations: this.operations,
    });
  }

  // ---------------------------------------------------------------- point reads

  /** Lookup rows of the keys, of the given kinds. */
  private async lookup(keys: string[], kinds: ReadonlySet<number>, what: string): Promise<LookupEntry[]> {
    if (keys.length === 0) return [];
    const parts = await Promise.all(
      chunks(keys, TRACES_PER_QUERY).map((part) => this.conn.pointRows<{ k: string; v: string }>(lookupQuery(this.db, part), what)),
    );
    return parts.flat().map(decodeLookup).filter((r) => kinds.has(r.kind));
  }

  /** Spans (kind TRACE_SPANS rows) and logs (TRACE_LOGS rows) of traces, from their lookup rows. */
  private async traceRecords(rows: LookupEntry[], what: string): Promise<{ spans: Span[]; logs: LogRecord[] }> {
    const spanRanges = new Map<string, TimeRange[]>();
    const logRanges = new Map<string, TimeRange[]>();
    for (const row of rows) {
      const into = row.kind === LookupKind.TRACE_SPANS ? spanRanges : row.kind === LookupKind.TRACE_LOGS ? logRanges : null;
      if (!into) continue;
      const list = into.get(row.k);
      if (list) list.push(toRange(row));
      else into.set(row.k, [toRange(row)]);
    }
    const spans = new Map<string, Span>();
    const logs = new Map<string, LogRecord>();
    const reads: Array<Promise<void>> = [];
    for (const traces of chunks([...spanRanges.keys()], TRACES_PER_QUERY)) {
      const sql = spansInRangesQuery(this.db, traces, traces.flatMap((t) => spanRanges.get(t)!));
      reads.push(
        this.conn.pointRows<{ body: string }>(sql, what).then((found) => {
          for (const row of found) {
            const span = spanFromBody(row.body);
            spans.set(`${span.traceId}\0${span.spanId}`, span);
          }
        }),
      );
    }
    for (const traces of chunks([...logRanges.keys()], TRACES_PER_QUERY)) {
      const sql = logsInRangesQuery(this.db, { traceIds: traces }, traces.flatMap((t) => logRanges.get(t)!));
      reads.push(
        this.conn.pointRows<{ body: string }>(sql, what).then((found) => {
          for (const row of found) {
            const log = logFromBody(row.body);
            logs.set(log.logId, log);
          }
        }),
      );
    }
    await Promise.all(reads);
    return { spans: [...spans.values()], logs: [...logs.values()] };
  }

  async getTrace(traceId: string): Promise<TraceRecords | null> {
    this.ready();
    if (!traceId) return null;
    const rows = await this.lookup([traceId], TRACE_KINDS, 'getTrace');
    const { spans, logs } = await this.traceRecords(rows, 'getTrace');
    if (spans.length === 0 && logs.length === 0) return null;
    return { traceId, spans: sortSpans(spans), logs: sortLogs(logs) };
  }

  async resolveOrderKey(key: string): Promise<string | null> {
    this.ready();
    if (!key) return null;
    const rows = await this.lookup([key], RESOLVE_KINDS, 'resolveOrderKey');
    if (rows.some((r) => r.kind !== LookupKind.KEY_ORDER)) return key;
    // Newest day first, then the smallest order ID (as the SQLite store does).
    const owners = rows.sort((a, b) => b.day - a.day || compareText(a.target, b.target));
    return owners[0]?.target ?? null;
  }

  async getOrder(orderId: string): Promise<OrderRecords | null> {
    this.ready();
    if (!orderId) return null;
    // Round 1: the order's lookup rows with its traces' ranges, and its events, in parallel.
    const [rows, eventRows] = await Promise.all([
      this.conn.pointRows<{ k: string; v: string }>(orderLookupQuery(this.db, orderId), 'getOrder').then((r) => r.map(decodeLookup)),
      this.conn.pointRows<{ body: string }>(eventsQuery(this.db, orderId), 'getOrder'),
    ]);
    const own = rows.filter((r) => r.k === orderId && ORDER_KINDS.has(r.kind));
    if (own.length === 0 && eventRows.length === 0) return null;
    const traceIds = [...new Set(own.filter((r) => r.kind === LookupKind.ORDER_TRACE && r.target).map((r) => r.target))].sort(compareText);
    const linked = new Set(traceIds);
    const untraced = own.filter((r) => r.kind === LookupKind.ORDER_LOGS).map(toRange);
    // Round 2: spans and logs of those traces, and the order's untraced logs.
    const [traces, untracedRows] = await Promise.all([
      this.traceRecords(rows.filter((r) => linked.has(r.k) && TRACE_KINDS.has(r.kind)), 'getOrder'),
      untraced.length ? this.conn.pointRows<{ body: string }>(logsInRangesQuery(this.db, { untracedOf: orderId }, untraced), 'getOrder') : [],
    ]);
    const events = new Map<string, OrderEvent>();
    for (const row of eventRows) {
      const event = eventFromBody(row.body);
      events.set(event.eventId, event);
    }
    const logs = new Map<string, LogRecord>();
    for (const log of traces.logs) logs.set(log.logId, log);
    for (const row of untracedRows) {
      const log = logFromBody(row.body);
      logs.set(log.logId, log);
    }
    return {
      orderId,
      traceIds,
      events: [...events.values()].sort((a, b) => compareNs(a.timeUnixNano, b.timeUnixNano) || compareText(a.eventId, b.eventId)),
      spans: sortSpans(traces.spans),
      logs: sortLogs([...logs.values()]),
    };
  }

  // ---------------------------------------------------------------- searches

  /** Day partitions holding data, per table. */
  private async partitions(tables: readonly DayTable[]): Promise<Map<DayTable, number[]>> {
    const rows = await this.conn.rows<{ table: DayTable; partition: string }>(partitionsQuery(this.db, tables), 'list partitions');
    const out = new Map<DayTable, number[]>(tables.map((t) => [t, []]));
    for (const row of rows) {
      const day = Number(row.partition);
      if (Number.isInteger(day)) out.get(row.table)?.push(day);
    }
    return out;
  }

  async searchSpans(query: SpanQuery): Promise<Page<Span>> {
    this.ready();
    const limit = checkLimit(query.limit);
    const cursor = decodeCursor(query.cursor, 2);
    const attributes = attributeFilter(query.attributes);
    const fromNs = nsParam(query.fromNs, 'fromNs');
    const toNs = nsParam(query.toNs, 'toNs');
    const status = statusParam(query.status);
    const minDurationNs = nsParam(query.minDurationNs, 'minDurationNs');
    const maxDurationNs = nsParam(query.maxDurationNs, 'maxDurationNs');
    const filter = {
      ...(query.service !== undefined ? { service: String(query.service) } : {}),
      ...(query.name !== undefined ? { name: String(query.name) } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(minDurationNs !== undefined ? { minDurationNs } : {}),
      ...(maxDurationNs !== undefined ? { maxDurationNs } : {}),
      attrTerms: attributes.map(([k, v]) => attrTerm(k, v)),
    };
    const after = cursor ? { t: cursor[0]!, traceId: cursor[1]!, spanId: cursor[2]! } : undefined;
    const days = (await this.partitions([Table.spans])).get(Table.spans)!;
    const spanId = (start: string, traceId: string, spanId: string) => `${start}\0${traceId}\0${spanId}`;
    return searchPage<SpanKey, Span>({
      days,
      ...(fromNs !== undefined ? { fromNs } : {}),
      ...(toNs !== undefined ? { toNs } : {}),
      ...(after ? { cursorNs: BigInt(after.t) } : {}),
      limit,
      keys: (w) => this.conn.rows<SpanKey>(spanSearchKeysQuery(this.db, w, filter, after), 'searchSpans'),
      rows: async (keys) =>
        (await this.conn.rows<{ body: string }>(spansByKeysQuery(this.db, keys), 'searchSpans')).map((row) => {
          const span = spanFromBody(row.body);
          return { id: spanId(span.startTimeUnixNano, span.traceId, span.spanId), item: span };
        }),
      idOf: (k) => spanId(String(k.start_ns), k.trace_id, k.span_id),
      cursorOf: (k) => [String(k.start_ns), k.trace_id, k.span_id],
    });
  }

  async searchLogs(query: LogQuery): Promise<Page<LogRecord>> {
    this.ready();
    const limit = checkLimit(query.limit);
    const cursor = decodeCursor(query.cursor, 1);
    const attributes = attributeFilter(query.attributes);
    const fromNs = nsParam(query.fromNs, 'fromNs');
    const toNs = nsParam(query.toNs, 'toNs');
    let minSeverity: number | undefined;
    if (query.minSeverity !== undefined) {
      if (typeof query.minSeverity !== 'number' || !Number.isFinite(query.minSeverity)) {
        throw new OrdertraceError('OT_ERR_BAD_PARAMETER', 'minSeverity must be a number');
      }
      // severity is an integer column: severity >= 16.5 ⟺ severity >= 17.
      minSeverity = Math.min(Math.max(Math.ceil(query.minSeverity), -0x8000_0000), 0x7fff_ffff);
    }
    const needle = query.q ? String(query.q).toLowerCase() : '';
    let days: number[];
    let traceRanges: TimeRange[] | undefined;
    if (query.traceId !== undefined) {
      // Read only the trace's log ranges (from the lookup), not a time range of every log.
      const rows = await this.lookup([String(query.traceId)], TRACE_LOG_KINDS, 'searchLogs');
      if (rows.length === 0) return { items: [], nextCursor: null };
      traceRanges = rows.map(toRange);
      days = traceRanges.map((r) => r.day);
    } else {
      days = (await this.partitions([Table.logs])).get(Table.logs)!;
    }
    const filter = {
      ...(query.service !== undefined ? { service: String(query.service) } : {}),
      ...(query.traceId !== undefined ? { traceId: String(query.traceId) } : {}),
      ...(traceRanges ? { traceRanges } : {}),
      ...(query.spanId !== undefined ? { spanId: String(query.spanId) } : {}),
      ...(minSeverity !== undefined ? { minSeverity } : {}),
      ...(needle ? { needle } : {}),
      attrTerms: attributes.map(([k, v]) => attrTerm(k, v)),
    };
    const after = cursor ? { t: cursor[0]!, logId: cursor[1]! } : undefined;
    const logKey = (time: string, logId: string) => `${time}\0${logId}`;
    return searchPage<LogKey, LogRecord>({
      days,
      ...(fromNs !== undefined ? { fromNs } : {}),
      ...(toNs !== undefined ? { toNs } : {}),
      ...(after ? { cursorNs: BigInt(after.t) } : {}),
      limit,
      keys: (w) => this.conn.rows<LogKey>(logSearchKeysQuery(this.db, w, filter, after), 'searchLogs'),
      rows: async (keys) =>
        (await this.conn.rows<{ body: string }>(logsByKeysQuery(this.db, keys), 'searchLogs')).map((row) => {
          const log = logFromBody(row.body);
          return { id: logKey(logTime(log), log.logId), item: log };
        }),
      idOf: (k) => logKey(String(k.time_ns), k.log_id),
      cursorOf: (k) => [String(k.time_ns), k.log_id],
    });
  }

  async listEvents(query: EventListQuery): Promise<Page<OrderEvent>> {
    this.ready();
    return listClickHouseEvents(this.conn, this.db, eventListParams(query));
  }

  async services(): Promise<ServiceInfo[]> {
    this.ready();
    const rows = await this.conn.rows<{ service: string; kind: number; name: string }>(servicesQuery(this.db), 'services');
    const services = new Map<string, Set<string>>();
    for (const row of rows) {
      let ops = services.get(row.service);
      if (!ops) services.set(row.service, (ops = new Set()));
      if (Number(row.kind) === OperationKind.SPAN) ops.add(row.name);
    }
    return [...services.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([service, ops]) => ({ service, operations: [...ops].sort(compareText) }));
  }

  // ---------------------------------------------------------------- retention

  /**
   * Drops every day partition (all tables) that ends at or before the cutoff — data is kept up to a
   * day longer than asked. Returns the span, log and event rows dropped (physical rows: a record
   * stored twice counts twice).
   */
  async deleteBefore(cutoffMs: number): Promise<number> {
    this.ready();
    if (typeof cutoffMs !== 'number' || !Number.isFinite(cutoffMs)) {
      throw new OrdertraceError('OT_ERR_BAD_PARAMETER', 'cutoff must be a finite number of ms');
    }
    const partitions = await this.partitions(DAY_TABLES);
    const doomed = new Map<DayTable, number[]>();
    for (const [table, days] of partitions) {
      const old = days.filter((day) => (day + 1) * DAY_MS <= cutoffMs);
      if (old.length) doomed.set(table, old);
    }
    if (doomed.size === 0) return 0;
    let removed = 0;
    for (const table of [Table.spans, Table.logs, Table.events] as const) {
      const days = doomed.get(table);
      if (!days) continue;
      const [row] = await this.conn.rows<{ n: string }>(countInDaysQuery(this.db, table, days), 'count rows to delete');
      removed += Number(row?.n ?? 0);
    }
    const allDays = new Set<number>();
    for (const [table, days] of doomed) {
      for (const day of days) {
        allDays.add(day);
        await this.conn.command(dropPartitionStatement(this.db, table, day), `drop partition ${day} of ${table}`);
      }
    }
    this.links.forgetDays(allDays);
    this.operations.forgetDays(allDays);
    return removed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.conn.close();
  }
}
