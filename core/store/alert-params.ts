// Input checks and cursors shared by both AlertStore implementations (sqlite-alerts.ts,
// clickhouse/alerts-store.ts), so the two agree on what is accepted and how pages are ordered.
// Bad input fails with OT_ERR_BAD_PARAMETER naming the offending field; cursors are opaque
// base64url JSON arrays whose shape each reader checks.
import { OrdertraceError } from '../errors.ts';
import type { Alert, AlertQuery, AlertState, DeadLetter, OrderRuleState, Severity, Silence, StatusProjection } from '../alerts.ts';
import type { RuleCount } from './alert-store.ts';
import { checkLimit } from './query.ts';

const ALERT_STATES: ReadonlySet<string> = new Set<AlertState>(['firing', 'acknowledged', 'resolved']);
const SEVERITIES: ReadonlySet<string> = new Set<Severity>(['critical', 'warning', 'info']);

function bad(message: string): OrdertraceError {
  return new OrdertraceError('OT_ERR_BAD_PARAMETER', message);
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A non-empty string (a key). */
function key(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw bad(`${what} must be a non-empty string, got ${show(value)}`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw bad(`${what} must be a string, got ${show(value)}`);
  return value;
}

/** A non-negative safe integer (versions, counts, partitions). */
function natural(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw bad(`${what} must be a non-negative integer, got ${show(value)}`);
  }
  return value;
}

/** Milliseconds since the epoch (an integer; negative values are allowed but unusual). */
function millis(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw bad(`${what} must be an integer number of ms, got ${show(value)}`);
  return value;
}

function oneOf(value: unknown, allowed: ReadonlySet<string>, what: string): string {
  if (typeof value !== 'string' || !allowed.has(value)) throw bad(`${what} must be one of ${[...allowed].join(', ')}, got ${show(value)}`);
  return value;
}

export function checkAlert(a: Alert): Alert {
  if (typeof a !== 'object' || a === null) throw bad('alert must be an object');
  const id = key(a.id, 'alert.id');
  const where = `alert ${id}`;
  key(a.ruleId, `${where}: ruleId`);
  text(a.orderId, `${where}: orderId`);
  oneOf(a.state, ALERT_STATES, `${where}: state`);
  oneOf(a.severity, SEVERITIES, `${where}: severity`);
  millis(a.firedAtMs, `${where}: firedAtMs`);
  millis(a.updatedAtMs, `${where}: updatedAtMs`);
  natural(a.version, `${where}: version`);
  return a;
}

export function checkSilence(s: Silence): Silence {
  if (typeof s !== 'object' || s === null) throw bad('silence must be an object');
  const where = `silence ${key(s.id, 'silence.id')}`;
  if (s.ruleId !== null) key(s.ruleId, `${where}: ruleId`);
  if (typeof s.matchers !== 'object' || s.matchers === null) throw bad(`${where}: matchers must be an object`);
  millis(s.endsAtMs, `${where}: endsAtMs`);
  millis(s.createdAtMs, `${where}: createdAtMs`);
  natural(s.version, `${where}: version`);
  return s;
}

export function checkOrderState(s: OrderRuleState): OrderRuleState {
  if (typeof s !== 'object' || s === null) throw bad('order state must be an object');
  const where = `order state ${key(s.orderId, 'orderState.orderId')}`;
  natural(s.partition, `${where}: partition`);
  if (s.state !== null) text(s.state, `${where}: state`);
  natural(s.version, `${where}: version`);
  return s;
}

export function checkProjection(p: StatusProjection): StatusProjection {
  if (typeof p !== 'object' || p === null) throw bad('status projection must be an object');
  const where = `status projection ${key(p.orderId, 'statusProjection.orderId')}`;
  natural(p.version, `${where}: version`);
  return p;
}

export function checkRuleCount(c: RuleCount): RuleCount {
  if (typeof c !== 'object' || c === null) throw bad('rule count must be an object');
  const where = `rule count ${key(c.ruleId, 'ruleCount.ruleId')}`;
  millis(c.bucketMs, `${where}: bucketMs`);
  key(c.workerId, `${where}: workerId`);
  natural(c.count, `${where}: count`);
  return c;
}

export function checkDeadLetter(d: DeadLetter): DeadLetter {
  if (typeof d !== 'object' || d === null) throw bad('dead letter must be an object');
  const where = `dead letter ${key(d.id, 'deadLetter.id')}`;
  text(d.channel, `${where}: channel`);
  text(d.payload, `${where}: payload`);
  text(d.error, `${where}: error`);
  natural(d.attempts, `${where}: attempts`);
  millis(d.createdAtMs, `${where}: createdAtMs`);
  return d;
}

/** Partitions to load: non-negative integers, ascending, each once. */
export function checkPartitions(partitions: number[]): number[] {
  if (!Array.isArray(partitions)) throw bad('partitions must be an array of partition numbers');
  for (const p of partitions) natural(p, 'partition');
  return [...new Set(partitions)].sort((a, b) => a - b);
}

/** A time parameter (ms since the epoch) of a read. */
export function checkMillis(ms: number, what: string): number {
  return millis(ms, what);
}

// ------------------------------------------------------------------ cursors

function badCursor(): OrdertraceError {
  return bad('cursor is not one this store issued');
}

/** An opaque cursor: base64url of a JSON array. */
export function encodeCursor(parts: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The parts of a cursor made by encodeCursor, checked against the kinds each part must have. */
export function decodeCursor(cursor: string, kinds: ReadonlyArray<'string' | 'number'>): Array<string | number> {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]{1,4000}$/.test(cursor)) throw badCursor();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parts) || parts.length !== kinds.length) throw badCursor();
  kinds.forEach((kind, i) => {
    const part: unknown = parts[i];
    if (kind === 'number' ? !Number.isSafeInteger(part) : typeof part !== 'string') throw badCursor();
  });
  return parts as Array<string | number>;
}

// ------------------------------------------------------------------ alert lists

/** Position after which the next page starts: newest firedAtMs first, ties by id ascending. */
export interface AlertPosition {
  firedAtMs: number;
  id: string;
}

/** An AlertQuery, checked, with its cursor decoded. */
export interface AlertFilter extends Omit<AlertQuery, 'cursor'> {
  after?: AlertPosition;
}

export function alertFilter(query: AlertQuery): AlertFilter {
  const filter: AlertFilter = { limit: checkLimit(query.limit) };
  if (query.ruleId !== undefined) filter.ruleId = text(query.ruleId, 'ruleId');
  if (query.orderId !== undefined) filter.orderId = text(query.orderId, 'orderId');
  if (query.state !== undefined) filter.state = oneOf(query.state, ALERT_STATES, 'state') as AlertState;
  if (query.severity !== undefined) filter.severity = oneOf(query.severity, SEVERITIES, 'severity') as Severity;
  if (query.fromMs !== undefined) filter.fromMs = millis(query.fromMs, 'fromMs');
  if (query.toMs !== undefined) filter.toMs = millis(query.toMs, 'toMs');
  if (query.cursor !== undefined) {
    const [firedAtMs, id] = decodeCursor(query.cursor, ['number', 'string']);
    filter.after = { firedAtMs: firedAtMs as number, id: id as string };
  }
  return filter;
}

/** A page from up to limit + 1 items in page order: the extra one only says there is more. */
export function pageOf<T>(items: T[], limit: number, cursorOf: (last: T) => string): { items: T[]; nextCursor: string | null } {
  if (items.length <= limit) return { items, nextCursor: null };
  const page = items.slice(0, limit);
  return { items: page, nextCursor: cursorOf(page[page.length - 1]!) };
}

export function alertCursor(a: Alert): string {
  return encodeCursor([a.firedAtMs, a.id]);
}
