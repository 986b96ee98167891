// The store seam: ClickHouse in production (issue 3), embedded SQLite (node:sqlite) in all-in-one mode.
// Both implementations pass test/contract/store.contract.ts.
//
// Contract highlights:
// - writes are idempotent: the bus redelivers, so the same span (traceId+spanId), log (logId) or
//   order event (eventId) written twice is visible once in every query, counts included;
// - writes resolve only once durable, and reject with UnavailableError when the store is busy/full/down;
// - all times are nanoseconds since the epoch as decimal strings (see core/model.ts).

import type { LogRecord, OrderEvent, Span } from '../model.ts';
import type { AlertStore } from './alert-store.ts';
import type { StatsStore } from './stats-store.ts';

export interface WriteBatch {
  spans?: Span[];
  logs?: LogRecord[];
  events?: OrderEvent[];
}

/** One store write built up batch by batch (Store.startWrite). */
export interface IncrementalWrite {
  /** Encodes the records into the write now; throws, adding none of them, when one cannot be stored. */
  add(batch: WriteBatch): void;
  /** Writes everything added, like write(); after a failure it may be called again to retry. */
  commit(): Promise<void>;
}

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` for the next page, null when there is none. */
  nextCursor: string | null;
}

/** Filters shared by span and log search; every field optional. Results come newest first. */
export interface SearchCommon {
  service?: string;
  /** Inclusive lower bound on start/record time, ns. */
  fromNs?: string;
  /** Exclusive upper bound on start/record time, ns. */
  toNs?: string;
  /** attribute key → exact string form of the value (span/log attributes, then resource attributes). */
  attributes?: Record<string, string>;
  limit: number;
  cursor?: string;
}

export interface SpanQuery extends SearchCommon {
  name?: string;
  status?: 'unset' | 'ok' | 'error';
  minDurationNs?: string;
  maxDurationNs?: string;
}

export interface LogQuery extends SearchCommon {
  /** Case-insensitive substring of the body text. */
  q?: string;
  traceId?: string;
  spanId?: string;
  minSeverity?: number;
}

export interface ServiceInfo {
  service: string;
  operations: string[];
}

/** Everything stored for one order; the journey (stages, statuses) is computed from it by core/journey.ts. */
export interface OrderRecords {
  orderId: string;
  traceIds: string[];
  /** In time order (ties: eventId). */
  events: OrderEvent[];
  spans: Span[];
  logs: LogRecord[];
}

export interface TraceRecords {
  traceId: string;
  /** In start-time order. */
  spans: Span[];
  /** In time order. */
  logs: LogRecord[];
}

/** A window of stored order events, oldest first (rules backtest, rule workers replaying history). */
export interface EventListQuery {
  /** Inclusive lower bound on the event time, ns. */
  fromNs?: string;
  /** Exclusive upper bound on the event time, ns. */
  toNs?: string;
  orderId?: string;
  limit: number;
  cursor?: string;
}

export interface StoreOptions {
  /** Attribute names whose values are business keys that resolve to an order (return.id, …). */
  keyAttributes: string[];
}

export interface Store {
  /** Create or migrate the schema (idempotent). */
  init(): Promise<void>;
  write(batch: WriteBatch): Promise<void>;
  /**
   * Optional: a write whose records are encoded as they are added, so a large write holds encoded
   * bytes instead of record objects while it fills and commits (the ingester's batches; for ClickHouse
   * this halves the garbage collector's work). Same semantics as write() of all the batches at once.
   */
  startWrite?(): IncrementalWrite;
  getTrace(traceId: string): Promise<TraceRecords | null>;
  /** An order ID, a configured business key or a Trace ID → the order ID, or null. */
  resolveOrderKey(key: string): Promise<string | null>;
  getOrder(orderId: string): Promise<OrderRecords | null>;
  searchSpans(query: SpanQuery): Promise<Page<Span>>;
  searchLogs(query: LogQuery): Promise<Page<LogRecord>>;
  /** Order events in time order ascending (ties: eventId), one per eventId. */
  listEvents(query: EventListQuery): Promise<Page<OrderEvent>>;
  services(): Promise<ServiceInfo[]>;
  /** Delete data older than the cutoff (ms since epoch); returns rows removed. */
  deleteBefore(cutoffMs: number): Promise<number>;
  close(): Promise<void>;
  /** Alerts, silences and rule state, kept beside the records (ready once init() resolved). */
  readonly alerts: AlertStore;
  /** The health dashboard's aggregates over these records (stats-store.ts). */
  readonly stats: StatsStore;
}
