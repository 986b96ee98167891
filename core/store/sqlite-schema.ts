// Schema of the embedded SQLite store: a few global tables plus one set of tables per UTC day
// ("partition"), so retention drops whole days instead of deleting rows one by one.
//
// Per day D (days since the epoch, UTC, of the record's own time):
//   spans_D   one row per written span, append-only with explicit increasing ids; searchable columns
//             plus a compact JSON body; the only per-row index is on start_ns (near-monotonic keys,
//             so it is appended to rather than randomly updated).
//   logs_D    the same for log records (time_ns index).
//   res_D     resource+scope bodies, stored once per day instead of in every span/log row.
//   ranges_D  (key, kind, lo, hi): the span/log id range a trace (or an untraced order's logs)
//             occupies in one write — each write sorts its records so a trace's rows are contiguous.
//   orders_D  (order_id, trace_id) pairs; '' trace for orders seen only on untraced logs.
//   keys_D    business-key value or trace ID → order ID.
//   events_D  order events, primary key (order_id, event_id): de-duplicated at write time; a
//             (time_ns, event_id) index serves listEvents (time-ordered replay and backtests).
//   ops_D     (service, kind, name): span operations (kind 0) and log-only services (kind 1).
//
// Migrations are versioned (schema_version) and run once, at open, in one transaction.
import type { DatabaseSync } from 'node:sqlite';

export const DAY_MS = 86_400_000;
export const DAY_NS = 86_400_000_000_000n;

export interface Migration {
  version: number;
  description: string;
  up(db: DatabaseSync): void;
}

/** Tables of one day partition, in creation order. */
export const DAY_TABLES = ['spans', 'logs', 'res', 'ranges', 'orders', 'keys', 'events', 'ops'] as const;
export type DayTable = (typeof DAY_TABLES)[number];

export function tableName(table: DayTable, day: number): string {
  return `${table}_${day}`;
}

/** Idempotent DDL creating one day's tables (latest schema version). */
export function dayDdl(day: number): string[] {
  const t = (name: DayTable) => tableName(name, day);
  return [
    `CREATE TABLE IF NOT EXISTS ${t('spans')} (id INTEGER PRIMARY KEY, start_ns INTEGER NOT NULL, dur_ns INTEGER NOT NULL, ` +
      `service TEXT NOT NULL, name TEXT NOT NULL, status INTEGER NOT NULL, trace_id TEXT NOT NULL, span_id TEXT NOT NULL, ` +
      `res INTEGER NOT NULL, body TEXT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${t('spans')}_start ON ${t('spans')} (start_ns)`,
    `CREATE TABLE IF NOT EXISTS ${t('logs')} (id INTEGER PRIMARY KEY, time_ns INTEGER NOT NULL, service TEXT NOT NULL, ` +
      `severity INTEGER NOT NULL, trace_id TEXT NOT NULL, span_id TEXT NOT NULL, log_id TEXT NOT NULL, ` +
      `res INTEGER NOT NULL, body TEXT NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${t('logs')}_time ON ${t('logs')} (time_ns)`,
    `CREATE TABLE IF NOT EXISTS ${t('res')} (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${t('ranges')} (k TEXT NOT NULL, kind INTEGER NOT NULL, lo INTEGER NOT NULL, hi INTEGER NOT NULL, ` +
      `PRIMARY KEY (k, kind, lo)) WITHOUT ROWID`,
    `CREATE TABLE IF NOT EXISTS ${t('orders')} (order_id TEXT NOT NULL, trace_id TEXT NOT NULL, PRIMARY KEY (order_id, trace_id)) WITHOUT ROWID`,
    `CREATE TABLE IF NOT EXISTS ${t('keys')} (k TEXT NOT NULL, order_id TEXT NOT NULL, PRIMARY KEY (k, order_id)) WITHOUT ROWID`,
    `CREATE TABLE IF NOT EXISTS ${t('events')} (order_id TEXT NOT NULL, event_id TEXT NOT NULL, time_ns INTEGER NOT NULL, ` +
      `body TEXT NOT NULL, PRIMARY KEY (order_id, event_id)) WITHOUT ROWID`,
    eventsTimeIndexDdl(day),
    `CREATE TABLE IF NOT EXISTS ${t('ops')} (service TEXT NOT NULL, kind INTEGER NOT NULL, name TEXT NOT NULL, ` +
      `PRIMARY KEY (service, kind, name)) WITHOUT ROWID`,
    `INSERT OR IGNORE INTO days (day) VALUES (${day})`,
  ];
}

/** The events_D index listEvents walks in time order (added to existing days by migration 2). */
export function eventsTimeIndexDdl(day: number): string {
  return `CREATE INDEX IF NOT EXISTS ${tableName('events', day)}_time ON ${tableName('events', day)} (time_ns, event_id)`;
}

/** Statements dropping one day's tables, and its registry row. */
export function dropDayDdl(day: number): string[] {
  return [...DAY_TABLES.map((name) => `DROP TABLE IF EXISTS ${tableName(name, day)}`), `DELETE FROM days WHERE day = ${day}`];
}

/** Kinds of ranges_D rows. */
export const RangeKind = { SPANS_OF_TRACE: 0, LOGS_OF_TRACE: 1, UNTRACED_LOGS_OF_ORDER: 2 } as const;
/** Kinds of ops_D rows. */
export const OpKind = { SPAN: 0, LOG_SERVICE: 1 } as const;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'day partition registry',
    up(db) {
      // Day tables themselves are created on demand by the writer (dayDdl).
      db.exec('CREATE TABLE IF NOT EXISTS days (day INTEGER PRIMARY KEY)');
    },
  },
  {
    version: 2,
    description: 'time index on every day of order events (listEvents)',
    up(db) {
      for (const { day } of db.prepare('SELECT day FROM days').all() as Array<{ day: number }>) db.exec(eventsTimeIndexDdl(day));
    },
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the database to LATEST_VERSION. Idempotent; safe against a concurrent opener (IMMEDIATE
 * transaction). Refuses a database written by a newer ordertrace. Returns [from, to] versions.
 */
export function migrate(db: DatabaseSync, migrations: readonly Migration[] = MIGRATIONS): [number, number] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)',
  );
  db.exec('BEGIN IMMEDIATE');
  try {
    const row = db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_version').get() as { v: number };
    const from = row.v;
    const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
    if (from > latest) {
      throw new Error(`database schema version ${from} is newer than this ordertrace understands (${latest})`);
    }
    const record = db.prepare('INSERT INTO schema_version (version, description, applied_at_ms) VALUES (?, ?, ?)');
    for (const migration of migrations) {
      if (migration.version <= from) continue;
      migration.up(db);
      record.run(migration.version, migration.description, Date.now());
    }
    db.exec('COMMIT');
    return [from, Math.max(from, latest)];
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
