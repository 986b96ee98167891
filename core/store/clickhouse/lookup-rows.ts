// The lookup and operations rows one write adds (see schema.ts for what each lookup kind means).
// Pure: takes the already-mapped rows, returns rows; the store skips the idempotent ones it has
// already written (WrittenCache) — the time-range rows of a write are always new.
import type { Attributes, LogRecord, OrderEvent, Span } from '../../model.ts';
import { attributeString } from '../query.ts';
import { LookupKind, OperationKind } from './schema.ts';
import type { LogRow, SpanRow } from './rows.ts';

export interface LookupRow {
  day: number;
  k: string;
  kind: number;
  target: string;
  service: string;
  lo: string;
  hi: string;
}

export interface OperationRow {
  day: number;
  service: string;
  kind: number;
  name: string;
}

/**
 * Records of one trace (or untraced order) and service closer together than this share one lookup
 * row; a larger gap starts a new row, so a lookup never reads the (dense) time between two bursts.
 */
export const CLUSTER_GAP_NS = 10_000_000_000n;

function keyAttribute(attrs: Attributes, key: string): string {
  if (!Object.hasOwn(attrs, key)) return '';
  return attributeString(attrs[key]!);
}

/** Time-range rows: (k, day, service) groups of times, split where consecutive times are far apart. */
function rangeRows(kind: number, groups: Map<string, { k: string; day: number; service: string; times: bigint[] }>): LookupRow[] {
  const rows: LookupRow[] = [];
  for (const { k, day, service, times } of groups.values()) {
    times.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let lo = times[0]!;
    let hi = lo;
    for (const t of times) {
      if (t - hi > CLUSTER_GAP_NS) {
        rows.push({ day, k, kind, target: '', service, lo: lo.toString(), hi: hi.toString() });
        lo = t;
      }
      hi = t;
    }
    rows.push({ day, k, kind, target: '', service, lo: lo.toString(), hi: hi.toString() });
  }
  return rows;
}

function addTime(
  groups: Map<string, { k: string; day: number; service: string; times: bigint[] }>,
  k: string,
  day: number,
  service: string,
  time: bigint,
): void {
  const id = `${day}\0${service}\0${k}`;
  const group = groups.get(id);
  if (group) group.times.push(time);
  else groups.set(id, { k, day, service, times: [time] });
}

export interface BatchRows {
  spans: Array<{ span: Span; row: SpanRow }>;
  logs: Array<{ log: LogRecord; row: LogRow }>;
  events: Array<{ event: OrderEvent; day: number }>;
}

/** Idempotent lookup rows (order/key links) and the always-new time-range rows of one write. */
export function lookupRows(batch: BatchRows, keyAttributes: readonly string[]): { ranges: LookupRow[]; links: LookupRow[] } {
  const links: LookupRow[] = [];
  const link = (day: number, kind: number, k: string, target: string) => {
    links.push({ day, k, kind, target, service: '', lo: '0', hi: '0' });
  };
  const linkOrder = (day: number, orderId: string, traceId: string) => {
    link(day, LookupKind.ORDER_TRACE, orderId, traceId);
    link(day, LookupKind.KEY_ORDER, traceId, orderId);
  };
  const linkKeys = (day: number, orderId: string, attrs: Attributes, resourceAttrs: Attributes | null) => {
    for (const key of keyAttributes) {
      const value = keyAttribute(attrs, key) || (resourceAttrs ? keyAttribute(resourceAttrs, key) : '');
      if (value) link(day, LookupKind.KEY_ORDER, value, orderId);
    }
  };

  const traceSpans = new Map<string, { k: string; day: number; service: string; times: bigint[] }>();
  for (const { span, row } of batch.spans) {
    addTime(traceSpans, row.trace_id, row.day, row.service, BigInt(row.start_ns));
    if (span.orderId) {
      if (span.traceId) linkOrder(row.day, span.orderId, span.traceId);
      linkKeys(row.day, span.orderId, span.attributes, span.resource.attributes);
    }
  }
  const traceLogs = new Map<string, { k: string; day: number; service: string; times: bigint[] }>();
  const orderLogs = new Map<string, { k: string; day: number; service: string; times: bigint[] }>();
  for (const { log, row } of batch.logs) {
    const time = BigInt(row.time_ns);
    if (log.traceId) addTime(traceLogs, log.traceId, row.day, row.service, time);
    else if (log.orderId) addTime(orderLogs, log.orderId, row.day, row.service, time);
    if (log.orderId) {
      if (log.traceId) linkOrder(row.day, log.orderId, log.traceId);
      linkKeys(row.day, log.orderId, log.attributes, log.resource.attributes);
    }
  }
  for (const { event, day } of batch.events) {
    link(day, LookupKind.ORDER_EVENTS, event.orderId, '');
    if (event.traceId) linkOrder(day, event.orderId, event.traceId);
    linkKeys(day, event.orderId, event.attributes, null);
  }
  const ranges = [
    ...rangeRows(LookupKind.TRACE_SPANS, traceSpans),
    ...rangeRows(LookupKind.TRACE_LOGS, traceLogs),
    ...rangeRows(LookupKind.ORDER_LOGS, orderLogs),
  ];
  return { ranges, links };
}

export function operationRows(batch: BatchRows): OperationRow[] {
  const rows: OperationRow[] = [];
  for (const { row } of batch.spans) rows.push({ day: row.day, service: row.service, kind: OperationKind.SPAN, name: row.name });
  for (const { row } of batch.logs) rows.push({ day: row.day, service: row.service, kind: OperationKind.LOG_SERVICE, name: '' });
  return rows;
}

/** Identity of an idempotent row, for WrittenCache. */
export function linkTag(row: LookupRow): string {
  return `${row.kind}\0${row.k}\0${row.target}`;
}

export function operationTag(row: OperationRow): string {
  return `${row.kind}\0${row.service}\0${row.name}`;
}

/**
 * Idempotent rows already written by this process, per day, so steady-state writes skip them.
 * Bounded: a day's set is cleared when it grows too large (re-writing a row is harmless).
 */
export class WrittenCache {
  private readonly days = new Map<number, Set<string>>();
  private readonly maxPerDay: number;

  constructor(maxPerDay = 200_000) {
    this.maxPerDay = maxPerDay;
  }

  /** The rows not yet written (deduplicated within the list too). */
  fresh<T extends { day: number }>(rows: T[], tag: (row: T) => string): Array<{ row: T; tag: string }> {
    const out: Array<{ row: T; tag: string }> = [];
    const seen = new Set<string>();
    for (const row of rows) {
      const t = tag(row);
      const key = `${row.day}\0${t}`;
      if (seen.has(key) || this.days.get(row.day)?.has(t)) continue;
      seen.add(key);
      out.push({ row, tag: t });
    }
    return out;
  }

  /** Call after the rows were durably written. */
  remember(rows: Array<{ row: { day: number }; tag: string }>): void {
    for (const { row, tag } of rows) {
      let set = this.days.get(row.day);
      if (!set) this.days.set(row.day, (set = new Set()));
      if (set.size >= this.maxPerDay) set.clear();
      set.add(tag);
    }
  }

  forgetDays(days: Iterable<number>): void {
    for (const day of days) this.days.delete(day);
  }

  clear(): void {
    this.days.clear();
  }
}
