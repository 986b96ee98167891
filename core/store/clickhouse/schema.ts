// Tables of the ClickHouse store and the versioned migrations that create them.
//
// Every table is partitioned by UTC day (days since the epoch, of the record's own time), so retention
// is `ALTER TABLE … DROP PARTITION <day>` on every version, and a day's lookup rows die with its data.
//
//   spans   PARTITION BY intDiv(start_ns, 1 day), ORDER BY (service, start_ns), granularity 1024.
//           Because the partition key is an expression of start_ns, every part keeps a min/max of
//           start_ns, and a condition on start_ns skips the parts (and days) outside it before the
//           primary index is even consulted — rows arrive roughly in time order, so merged parts hold
//           disjoint time ranges and a lookup touches ~1 part instead of all of them. Search by service
//           + time reads only that service's granules in the time range. Columns hold what queries
//           filter and sort on; `body` is the whole span (reads fetch that one column); `attrs` is the
//           span's and its resource's attributes as JSON ["key","string form"] pairs, so an attribute
//           filter is an exact `has(attrs, …)`; parent_span_id and kind (version 3) let the health
//           dependency map link spans without reading bodies.
//   logs    the same, by time_ns; `body_lower` is the body's text form lower-cased by JavaScript at
//           write time, so `q` is an exact position() test.
//   events  order events, `day` column partition, ORDER BY (order_id, time_ns, event_id), granularity 256.
//   lookup  k → where to read, ORDER BY (k, kind), granularity 256; a read fetches `v` (kind, day,
//           target, service, lo, hi as JSON) for the key:
//             TRACE_SPANS / TRACE_LOGS  trace ID → (day, service, [lo, hi] time range) of its rows,
//                                       one row per cluster of nearby records per write;
//             ORDER_TRACE               order ID → trace ID (target);
//             ORDER_LOGS                order ID → ranges of its untraced logs;
//             ORDER_EVENTS              order ID → a day holding its events;
//             KEY_ORDER                 business key or trace ID → order ID (target).
//   operations  (service, kind, name): span names per service, and log-only services (tiny).
//
// Why this and not spans ORDER BY trace_id: the sparse primary index (one mark per granule of 1024
// rows) makes a point lookup cost about one granule per part it cannot rule out, whatever the key, and
// measured on 18.16 the cost of a small read is mostly per part and per column read. Ordering spans by
// (service, time) serves search directly, and a trace lookup becomes "these (service, time range)s,
// keep trace_id = X" (PREWHERE): the time ranges prune parts by their min/max, the service prefix
// narrows to a granule or two, and only `body` of matching granules is read — without a second,
// trace-ordered copy of every span. A trace lookup is 2 round trips (lookup, then spans ∥ logs); an
// order lookup too (its lookup rows and its traces' rows in one query, events alongside).
//
// Version gating (version.ts): LowCardinality for service/name, codecs, bloom-filter skip indexes on
// trace_id, attrs and the lookup key, and a TTL (when retentionDays is set) are added only when the
// server has them; 18.16 gets the portable DDL. Migrations are idempotent (IF NOT EXISTS; an added
// column only while it is missing), so two processes starting at once both succeed; schema_migrations
// records what ran.
import type { ServerCaps } from './version.ts';
import { identifier } from './sql.ts';
import { alertTablesDdl, AlertTable } from './alerts-schema.ts';

export const Table = {
  spans: 'spans',
  logs: 'logs',
  events: 'events',
  lookup: 'lookup',
  operations: 'operations',
  migrations: 'schema_migrations',
  /** Alert-store tables (alerts-schema.ts). */
  ...AlertTable,
} as const;

/** Nanoseconds in a day: spans/logs partition by intDiv(time, DAY_NS_SQL). */
export const DAY_NS_SQL = '86400000000000';

/** Tables partitioned by day (retention drops their partitions). */
export const DAY_TABLES = [Table.spans, Table.logs, Table.events, Table.lookup, Table.operations] as const;
export type DayTable = (typeof DAY_TABLES)[number];

export const LookupKind = {
  TRACE_SPANS: 1,
  TRACE_LOGS: 2,
  ORDER_TRACE: 3,
  ORDER_LOGS: 4,
  ORDER_EVENTS: 5,
  KEY_ORDER: 6,
} as const;

export const OperationKind = { SPAN: 0, LOG_SERVICE: 1 } as const;

export interface SchemaContext {
  database: string;
  caps: ServerCaps;
  /** Only on servers with TTL: parts older than this many days are dropped by the server too. */
  retentionDays?: number;
}

/**
 * A column added to an existing table. 18.16 has no `ADD COLUMN IF NOT EXISTS`, so migrate.ts makes the
 * ALTER idempotent itself: it runs it only while system.columns lacks the column, and settles a
 * concurrent starter's "already exists" by looking again.
 */
export interface AddColumn {
  table: string;
  column: string;
  /** ALTER TABLE … ADD COLUMN … */
  sql: string;
}

/** A DDL statement that is idempotent by itself (IF NOT EXISTS), or a column to add. */
export type MigrationStep = string | AddColumn;

export interface Migration {
  version: number;
  description: string;
  /** Idempotent steps (each must be safe to run twice, and by two processes at once). */
  statements(ctx: SchemaContext): MigrationStep[];
}

/** The SQL text of a step. */
export function stepSql(step: MigrationStep): string {
  return typeof step === 'string' ? step : step.sql;
}

/** `db`.`table` */
export function qualified(database: string, table: string): string {
  return `${identifier(database)}.${identifier(table)}`;
}

interface ColumnOptions {
  lowCardinality?: boolean;
  codec?: string;
}

function column(ctx: SchemaContext, name: string, type: string, options: ColumnOptions = {}): string {
  const t = options.lowCardinality && ctx.caps.lowCardinality ? `LowCardinality(${type})` : type;
  const codec = options.codec && ctx.caps.codecs ? ` CODEC(${options.codec})` : '';
  return `${name} ${t}${codec}`;
}

interface TableSpec {
  table: DayTable;
  columns: string[];
  /** Skip indexes, used when the server has them. */
  indexes?: string[];
  engine?: string;
  /** `day`, or intDiv(<time column>, 1 day). */
  partitionBy: string;
  /** A DateTime expression of the row's time, for the TTL. */
  ttlTime: string;
  orderBy: string;
  granularity: number;
}

/** Partition key and TTL time of a table whose day is its `day` column. */
const BY_DAY_COLUMN = { partitionBy: 'day', ttlTime: "toDateTime(toDate('1970-01-01') + toIntervalDay(day))" };

/** Partition key and TTL time of a table partitioned by a nanosecond time column. */
function byTime(column: string): { partitionBy: string; ttlTime: string } {
  return { partitionBy: `intDiv(${column}, ${DAY_NS_SQL})`, ttlTime: `toDateTime(intDiv(${column}, 1000000000))` };
}

function createDayTable(ctx: SchemaContext, spec: TableSpec): string {
  const parts = [...spec.columns];
  if (ctx.caps.skipIndexes) parts.push(...(spec.indexes ?? []));
  const days = ctx.retentionDays;
  const ttl = ctx.caps.ttl && days !== undefined ? ` TTL ${spec.ttlTime} + toIntervalDay(${checkDays(days)})` : '';
  const settings = [`index_granularity = ${spec.granularity}`];
  if (ttl) settings.push('ttl_only_drop_parts = 1');
  return (
    `CREATE TABLE IF NOT EXISTS ${qualified(ctx.database, spec.table)} (${parts.join(', ')}) ` +
    `ENGINE = ${spec.engine ?? 'MergeTree'} PARTITION BY ${spec.partitionBy} ORDER BY ${spec.orderBy}${ttl} ` +
    `SETTINGS ${settings.join(', ')}`
  );
}

function checkDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > 36_500) throw new RangeError(`retentionDays must be an integer 1..36500, got ${days}`);
  return days;
}

function spansTable(ctx: SchemaContext): string {
  const c = (name: string, type: string, o?: ColumnOptions) => column(ctx, name, type, o);
  return createDayTable(ctx, {
    table: Table.spans,
    columns: [
      c('start_ns', 'UInt64', { codec: 'Delta, ZSTD(1)' }),
      c('dur_ns', 'Int64', { codec: 'ZSTD(1)' }),
      c('service', 'String', { lowCardinality: true }),
      c('name', 'String', { lowCardinality: true }),
      c('status', 'UInt8'),
      c('trace_id', 'String', { codec: 'ZSTD(1)' }),
      c('span_id', 'String', { codec: 'ZSTD(1)' }),
      c('order_id', 'String', { codec: 'ZSTD(1)' }),
      c('attrs', 'Array(String)', { codec: 'ZSTD(1)' }),
      c('body', 'String', { codec: 'ZSTD(1)' }),
    ],
    indexes: ['INDEX trace_bf trace_id TYPE bloom_filter(0.001) GRANULARITY 1', 'INDEX attrs_bf attrs TYPE bloom_filter(0.01) GRANULARITY 4'],
    ...byTime('start_ns'),
    orderBy: '(service, start_ns)',
    granularity: 1024,
  });
}

/**
 * Version 3: the span's parent span ID and kind as columns (rows.ts fills them), so the dependency map
 * links spans by columns instead of reading every body. Rows stored before have '' and 0.
 */
function spanParentColumns(ctx: SchemaContext): AddColumn[] {
  const add = (name: string, type: string, after: string, o?: ColumnOptions): AddColumn => ({
    table: Table.spans,
    column: name,
    sql: `ALTER TABLE ${qualified(ctx.database, Table.spans)} ADD COLUMN ${column(ctx, name, type, o)} AFTER ${after}`,
  });
  return [add('parent_span_id', 'String', 'span_id', { codec: 'ZSTD(1)' }), add('kind', 'UInt8', 'status')];
}

function logsTable(ctx: SchemaContext): string {
  const c = (name: string, type: string, o?: ColumnOptions) => column(ctx, name, type, o);
  return createDayTable(ctx, {
    table: Table.logs,
    columns: [
      c('time_ns', 'UInt64', { codec: 'Delta, ZSTD(1)' }),
      c('service', 'String', { lowCardinality: true }),
      c('severity', 'Int32'),
      c('trace_id', 'String', { codec: 'ZSTD(1)' }),
      c('span_id', 'String', { codec: 'ZSTD(1)' }),
      c('log_id', 'String', { codec: 'ZSTD(1)' }),
      c('order_id', 'String', { codec: 'ZSTD(1)' }),
      c('attrs', 'Array(String)', { codec: 'ZSTD(1)' }),
      c('body_lower', 'String', { codec: 'ZSTD(1)' }),
      c('body', 'String', { codec: 'ZSTD(1)' }),
    ],
    indexes: ['INDEX trace_bf trace_id TYPE bloom_filter(0.001) GRANULARITY 1', 'INDEX attrs_bf attrs TYPE bloom_filter(0.01) GRANULARITY 4'],
    ...byTime('time_ns'),
    orderBy: '(service, time_ns)',
    granularity: 1024,
  });
}

function eventsTable(ctx: SchemaContext): string {
  const c = (name: string, type: string, o?: ColumnOptions) => column(ctx, name, type, o);
  return createDayTable(ctx, {
    table: Table.events,
    columns: [
      c('day', 'UInt32'),
      c('order_id', 'String'),
      c('time_ns', 'UInt64'),
      c('event_id', 'String'),
      c('body', 'String', { codec: 'ZSTD(1)' }),
    ],
    ...BY_DAY_COLUMN,
    orderBy: '(order_id, time_ns, event_id)',
    granularity: 256,
  });
}

function lookupTable(ctx: SchemaContext): string {
  const c = (name: string, type: string, o?: ColumnOptions) => column(ctx, name, type, o);
  return createDayTable(ctx, {
    table: Table.lookup,
    columns: [
      c('day', 'UInt32'),
      c('k', 'String'),
      c('kind', 'UInt8'),
      c('target', 'String'),
      c('v', 'String', { codec: 'ZSTD(1)' }),
    ],
    indexes: ['INDEX k_bf k TYPE bloom_filter(0.01) GRANULARITY 8'],
    ...BY_DAY_COLUMN,
    orderBy: '(k, kind)',
    granularity: 256,
  });
}

function operationsTable(ctx: SchemaContext): string {
  const c = (name: string, type: string, o?: ColumnOptions) => column(ctx, name, type, o);
  return createDayTable(ctx, {
    table: Table.operations,
    columns: [c('day', 'UInt32'), c('service', 'String'), c('kind', 'UInt8'), c('name', 'String')],
    engine: 'ReplacingMergeTree',
    ...BY_DAY_COLUMN,
    orderBy: '(service, kind, name)',
    granularity: 1024,
  });
}

/** Run before any migration: the database and the migrations ledger. */
export function bootstrapStatements(ctx: SchemaContext): string[] {
  return [
    `CREATE DATABASE IF NOT EXISTS ${identifier(ctx.database)}`,
    `CREATE TABLE IF NOT EXISTS ${qualified(ctx.database, Table.migrations)} ` +
      `(version UInt32, description String, applied_at_ms UInt64, server_version String) ENGINE = MergeTree ORDER BY version`,
  ];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'spans, logs, events, lookup and operations tables',
    statements: (ctx) => [spansTable(ctx), logsTable(ctx), eventsTable(ctx), lookupTable(ctx), operationsTable(ctx)],
  },
  {
    version: 2,
    description: 'alerts, silences, order rule states, status projections, rule counts, dead letters',
    statements: alertTablesDdl,
  },
  {
    version: 3,
    description: 'spans: parent_span_id and kind columns',
    statements: spanParentColumns,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Every DDL statement init() may run, in order (for the chDB check). */
export function allDdl(ctx: SchemaContext): string[] {
  return [...bootstrapStatements(ctx), ...MIGRATIONS.flatMap((m) => m.statements(ctx).map(stepSql))];
}
