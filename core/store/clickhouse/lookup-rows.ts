// The lookup and operations rows one write adds (see schema.ts for what each lookup kind means).
// No I/O: builders take the already-mapped rows batch by batch and give rows; the store skips the
// idempotent ones it has already written (WrittenCache) — the time-range rows of a write are always new.
import type { Attributes, LogRecord, OrderEvent, Span } from '../../model.ts';
import { attributeString } from '../query.ts';
import { LookupKind, OperationKind } from './schema.ts';
import type { LogRow, SpanRow } from './rows.ts';

export interface LookupRow {
  day: number;
  k: string;
  kind: number;
  target: string;
  /** JSON [kind, day, target, service, lo, hi]: what a read needs, in one column (see decodeLookup). */
  v: string;
}

/** A lookup row as reads see it. */
export interface LookupEntry {
  k: string;
  kind: number;
  day: number;
  target: string;
  service: string;
  lo: string;
  hi: string;
}

function lookupRow(day: number, k: string, kind: number, target: string, service: string, lo: string, hi: string): LookupRow {
  return { day, k, kind, target, v: JSON.stringify([kind, day, target, service, lo, hi]) };
}

/** A row of a lookup read (`SELECT k, v`) → its fields. */
export function decodeLookup(row: { k: string; v: string }): LookupEntry {
  const [kind, day, target, service, lo, hi] = JSON.parse(row.v) as [number, number, string, string, string, string];
  return { k: row.k, kind, day, target, service, lo, hi };
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
export const CLUSTER_GAP_MS = 10_000;
const DAY_MS = 86_400_000;

/**
 * Milliseconds of a canonical nanosecond string (validated by rows.ts), without BigInt: ranges are
 * kept at millisecond resolution ([floor, ceil] of the records' times), which is plenty for a range.
 */
function msOf(ns: string): number {
  return ns.length > 6 ? Number(ns.slice(0, -6)) : 0;
}

interface RangeGroup {
  k: string;
  day: number;
  service: string;
  times: number[];
}

function keyAttribute(attrs: Attributes, key: string): string {
  if (!Object.hasOwn(attrs, key)) return '';
  return attributeString(attrs[key]!);
}

/** A range row covering [loMs, hiMs] whole milliseconds, in ns. */
function rangeRow(kind: number, g: RangeGroup, loMs: number, hiMs: number): LookupRow {
  return lookupRow(g.day, g.k, kind, '', g.service, loMs === 0 ? '0' : `${loMs}000000`, `${hiMs}999999`);
}

/** Time-range rows: (k, day, service) groups of times, split where consecutive times are far apart. */
function rangeRows(kind: number, groups: Map<string, RangeGroup[]>): LookupRow[] {
  const rows: LookupRow[] = [];
  for (const g of [...groups.values()].flat()) {
    const times = g.times.length > 1 ? g.times.sort((a, b) => a - b) : g.times;
    let lo = times[0]!;
    let hi = lo;
    for (const t of times) {
      if (t - hi > CLUSTER_GAP_MS) {
        rows.push(rangeRow(kind, g, lo, hi));
        lo = t;
      }
      hi = t;
    }
    rows.push(rangeRow(kind, g, lo, hi));
  }
  return rows;
}

/** Groups by key, then (day, service) — a key has few of those, so a scan beats a composite string key. */
function addTime(groups: Map<string, RangeGroup[]>, k: string, day: number, service: string, ms: number): void {
  const list = groups.get(k);
  if (!list) {
    groups.set(k, [{ k, day, service, times: [ms] }]);
    return;
  }
  for (const g of list) {
    if (g.day === day && g.service === service) {
      g.times.push(ms);
      return;
    }
  }
  list.push({ k, day, service, times: [ms] });
}

export interface BatchRows {
  spans: Array<{ span: Span; row: SpanRow }>;
  logs: Array<{ log: LogRecord; row: LogRow }>;
  events: Array<{ event: OrderEvent; day: number }>;
}

/**
 * The lookup rows of one write, gathered batch by batch as records arrive (a write can be built up from
 * many bus deliveries): the idempotent links (order ↔ trace, business key → order), each once, and the
 * time ranges, computed at the end over everything added.
 */
export class LookupRowsBuilder {
  readonly #keyAttributes: readonly string[];
  readonly #links: LookupRow[] = [];
  readonly #linked = new Set<string>();
  readonly #traceSpans = new Map<string, RangeGroup[]>();
  readonly #traceLogs = new Map<string, RangeGroup[]>();
  readonly #orderLogs = new Map<string, RangeGroup[]>();
  // An order's spans arrive together (one bus message per order): link each (day, order, trace) once per run.
  #linkedDay = -1;
  #linkedOrder = '';
  #linkedTrace = '';

  constructor(keyAttributes: readonly string[]) {
    this.#keyAttributes = keyAttributes;
  }

  #link(day: number, kind: number, k: string, target: string): void {
    const tag = `${day}\0${kind}\0${k}\0${target}`;
    if (this.#linked.has(tag)) return;
    this.#linked.add(tag);
    this.#links.push(lookupRow(day, k, kind, target, '', '0', '0'));
  }

  #linkOrder(day: number, orderId: string, traceId: string): void {
    if (day === this.#linkedDay && orderId === this.#linkedOrder && traceId === this.#linkedTrace) return;
    this.#link(day, LookupKind.ORDER_TRACE, orderId, traceId);
    this.#link(day, LookupKind.KEY_ORDER, traceId, orderId);
    this.#linkedDay = day;
    this.#linkedOrder = orderId;
    this.#linkedTrace = traceId;
  }

  #linkKeys(day: number, orderId: string, attrs: Attributes, resourceAttrs: Attributes | null): void {
    for (const key of this.#keyAttributes) {
      const value = keyAttribute(attrs, key) || (resourceAttrs ? keyAttribute(resourceAttrs, key) : '');
      if (value) this.#link(day, LookupKind.KEY_ORDER, value, orderId);
    }
  }

  add(batch: BatchRows): void {
    for (const { span, row } of batch.spans) {
      const start = msOf(row.start_ns);
      const day = Math.floor(start / DAY_MS);
      addTime(this.#traceSpans, row.trace_id, day, row.service, start);
      if (span.orderId) {
        if (span.traceId) this.#linkOrder(day, span.orderId, span.traceId);
        this.#linkKeys(day, span.orderId, span.attributes, span.resource.attributes);
      }
    }
    for (const { log, row } of batch.logs) {
      const time = msOf(row.time_ns);
      const day = Math.floor(time / DAY_MS);
      if (log.traceId) addTime(this.#traceLogs, log.traceId, day, row.service, time);
      else if (log.orderId) addTime(this.#orderLogs, log.orderId, day, row.service, time);
      if (log.orderId) {
        if (log.traceId) this.#linkOrder(day, log.orderId, log.traceId);
        this.#linkKeys(day, log.orderId, log.attributes, log.resource.attributes);
      }
    }
    for (const { event, day } of batch.events) {
      this.#link(day, LookupKind.ORDER_EVENTS, event.orderId, '');
      if (event.traceId) this.#linkOrder(day, event.orderId, event.traceId);
      this.#linkKeys(day, event.orderId, event.attributes, null);
    }
  }

  /** Idempotent links, and the always-new time-range rows of everything added. */
  rows(): { ranges: LookupRow[]; links: LookupRow[] } {
    const ranges = [
      ...rangeRows(LookupKind.TRACE_SPANS, this.#traceSpans),
      ...rangeRows(LookupKind.TRACE_LOGS, this.#traceLogs),
      ...rangeRows(LookupKind.ORDER_LOGS, this.#orderLogs),
    ];
    return { ranges, links: this.#links };
  }
}

/** Idempotent lookup rows (order/key links) and the always-new time-range rows of one write. */
export function lookupRows(batch: BatchRows, keyAttributes: readonly string[]): { ranges: LookupRow[]; links: LookupRow[] } {
  const builder = new LookupRowsBuilder(keyAttributes);
  builder.add(batch);
  return builder.rows();
}

/** The operations rows of one write (span names per service, log-only services), each once, as records arrive. */
export class OperationRowsBuilder {
  readonly rows: OperationRow[] = [];
  // (day, kind) → service → names seen: no key string built per record.
  readonly #seen = new Map<number, Map<string, Set<string>>>();

  #add(day: number, service: string, kind: number, name: string): void {
    const dayKind = day * 16 + kind; // OperationKind values are small
    let services = this.#seen.get(dayKind);
    if (!services) this.#seen.set(dayKind, (services = new Map()));
    let names = services.get(service);
    if (!names) services.set(service, (names = new Set()));
    if (names.has(name)) return;
    names.add(name);
    this.rows.push({ day, service, kind, name });
  }

  add(batch: Pick<BatchRows, 'spans' | 'logs'>): void {
    for (const { row } of batch.spans) this.#add(Math.floor(msOf(row.start_ns) / DAY_MS), row.service, OperationKind.SPAN, row.name);
    for (const { row } of batch.logs) this.#add(Math.floor(msOf(row.time_ns) / DAY_MS), row.service, OperationKind.LOG_SERVICE, '');
  }
}

export function operationRows(batch: BatchRows): OperationRow[] {
  const builder = new OperationRowsBuilder();
  builder.add(batch);
  return builder.rows;
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
