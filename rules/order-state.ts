// Per-order rule state: one slot per rule × scope (shipment, return, message, system), the order's
// status picture, recent failing signals for evidence, and the compact JSON form persisted as
// OrderRuleState.state (arrays instead of objects: a million orders are kept and saved).
import type { DeadlineOutcome, DeadlineState } from './deadline.ts';
import type { EvidenceRef, Resolution, RuleKind } from './model.ts';

/** What every slot has: identity, its timer, and the alert it raised (if any). */
interface SlotCommon {
  ruleId: string;
  scope: string;
  order: OrderState;
  /** When the engine must look at the slot again (wall clock); null: waits for nothing. */
  timerMs: number | null;
  /** Wall-clock time the alert fired; null while the slot has raised none. */
  firedAtMs: number | null;
  resolution: Resolution | null;
  resolvedAtMs: number | null;
}

export interface DeadlineSlot extends SlotCommon, DeadlineState {
  kind: 'deadline';
  /** The A event (evidence). */
  start: EvidenceRef | null;
}

export interface StalledSlot extends SlotCommon, DeadlineState {
  kind: 'stalled_queue';
  destination: string;
  /** The producer span (consumers link to it) or produced event. */
  producer: EvidenceRef | null;
}

/** dueMs is the routed level's SLA (it decides in time / late); levelDueMs the current level's. */
export interface ReturnSlot extends SlotCommon, DeadlineState {
  kind: 'return_sla';
  routedLevel: number;
  level: number;
  levelDueMs: number | null;
  request: EvidenceRef | null;
}

export interface SequenceSlot extends SlotCommon {
  kind: 'sequence';
  /** Earliest `first` and `then` events seen. */
  first: EvidenceRef | null;
  then: EvidenceRef | null;
  done: boolean;
}

export interface MismatchSlot extends SlotCommon {
  kind: 'status_mismatch';
  /** Event time the system started to disagree; null while it agrees. */
  sinceMs: number | null;
  /** The disagreement as last seen (kept for the resolved row): system word, its mapping, canonical. */
  status: string;
  mapped: string;
  canonical: string;
}

export interface PatternSlot extends SlotCommon {
  kind: 'error_pattern';
  /** Ring of recent matches, oldest first: event time and a 32-bit hash of the signal ID (redelivery check). */
  times: number[];
  ids: number[];
  /** Latest match time the alert already reported. */
  reportedMs: number | null;
}

export type Slot = DeadlineSlot | StalledSlot | ReturnSlot | SequenceSlot | MismatchSlot | PatternSlot;
export type SlotOf<K extends RuleKind> = Extract<Slot, { kind: K }>;

export interface SystemStatus {
  system: string;
  /** The system's own word and its canonical mapping. */
  status: string;
  mapped: string;
  sinceMs: number;
  /** The report as evidence; kept only for systems a status_mismatch rule compares. */
  ref: EvidenceRef | null;
}

export interface StatusState {
  /** Milestone event that set the canonical status ('' before any). */
  event: string;
  canonical: string;
  sinceMs: number;
  systems: SystemStatus[];
}

export interface OrderState {
  kind: 'order';
  orderId: string;
  partition: number;
  slots: Slot[];
  status: StatusState | null;
  /** Recent failing spans/logs of the order, newest last (bounded). */
  evidence: EvidenceRef[] | null;
  /** Wall-clock time order.cancelled was processed: no deadline opens afterwards. */
  cancelledMs: number | null;
  /** Wall clock until which settled slots, statuses and matches are remembered (duplicates, out-of-order). */
  retainUntilMs: number;
  /** The order's own timer: forget it at retainUntilMs once nothing is pending. */
  timerMs: number | null;
}

export function newOrderState(orderId: string, partition: number, retainUntilMs: number): OrderState {
  return { kind: 'order', orderId, partition, slots: [], status: null, evidence: null, cancelledMs: null, retainUntilMs, timerMs: null };
}

export function findSlot(order: OrderState, ruleId: string, scope: string): Slot | undefined {
  for (const slot of order.slots) if (slot.ruleId === ruleId && slot.scope === scope) return slot;
  return undefined;
}

// Each kind is built by one literal so every slot of a kind shares one object shape (fast, compact).
const CREATORS: { [K in RuleKind]: (order: OrderState, ruleId: string, scope: string) => SlotOf<K> } = {
  deadline: (order, ruleId, scope) => ({
    kind: 'deadline', ruleId, scope, order, timerMs: null, firedAtMs: null, resolution: null, resolvedAtMs: null,
    startMs: null, dueMs: null, closeMs: null, outcome: null, start: null,
  }),
  stalled_queue: (order, ruleId, scope) => ({
    kind: 'stalled_queue', ruleId, scope, order, timerMs: null, firedAtMs: null, resolution: null, resolvedAtMs: null,
    startMs: null, dueMs: null, closeMs: null, outcome: null, destination: '', producer: null,
  }),
  return_sla: (order, ruleId, scope) => ({
    kind: 'return_sla', ruleId, scope, order, timerMs: null, firedAtMs: null, resolution: null, resolvedAtMs: null,
    startMs: null, dueMs: null, closeMs: null, outcome: null, routedLevel: 0, level: 0, levelDueMs: null, request: null,
  }),
  sequence: (order, ruleId, scope) => ({
    kind: 'sequence', ruleId, scope, order, timerMs: null, firedAtMs: null, resolution: null, resolvedAtMs: null, first: null, then: null, done: false,
  }),
  status_mismatch: (order, ruleId, scope) => ({
    kind: 'status_mismatch', ruleId, scope, order, timerMs: null, firedAtMs: null, resolution: null, resolvedAtMs: null, sinceMs: null, status: '', mapped: '', canonical: '',
  }),
  error_pattern: (order, ruleId, scope) => ({
    kind: 'error_pattern', ruleId, scope, order, timerMs: null, firedAtMs: null, resolution: null, resolvedAtMs: null, times: [], ids: [], reportedMs: null,
  }),
};

/** The rule × scope slot of the order, created empty when missing. */
export function slotFor<K extends RuleKind>(order: OrderState, kind: K, ruleId: string, scope: string): SlotOf<K> {
  const found = findSlot(order, ruleId, scope);
  if (found && found.kind === kind) return found as SlotOf<K>;
  const slot = CREATORS[kind](order, ruleId, scope);
  // Exact-size arrays: an order has a handful of slots, and a grown array keeps room for 16.
  order.slots = order.slots.concat(slot);
  return slot;
}

/** Adds a failing signal to the order's evidence (once), keeping the newest `max`. */
export function addEvidence(order: OrderState, ref: EvidenceRef, max: number): boolean {
  const list = order.evidence ?? [];
  if (list.some((e) => e.id === ref.id && e.spanId === ref.spanId && e.traceId === ref.traceId)) return false;
  order.evidence = list.slice(list.length >= max ? list.length - max + 1 : 0).concat(ref);
  return true;
}

/** Removes a slot (its rule is gone); the caller disarms its timer. */
export function removeSlot(order: OrderState, slot: Slot): void {
  order.slots = order.slots.filter((s) => s !== slot);
}

/** The order is pending while any slot or the order itself waits for a timer. */
export function hasPendingSlot(order: OrderState): boolean {
  for (const slot of order.slots) if (slot.timerMs !== null) return true;
  return false;
}

// ---- serialization ----
// {"r": retainUntil, "s": [slots], "c": cancelled, "t": status, "e": [ref indexes], "g": timer, "x": [refs]}
// - Times other than "r" are written relative to "r": small integers print ~10× faster than
//   13-digit ones, and the state of every order a batch touches is written.
// - Evidence refs are written once in "x" and named by index (one event is often the evidence of
//   several slots); an ID derivable from trace and span IDs (compactRef) is written as 0.
// - A slot that settled without an alert is written as [kind, ruleId, scope, outcome].

export class OrderStateError extends Error {
  constructor(orderId: string, message: string) {
    super(`rule state of order ${orderId}: ${message}`);
    this.name = 'OrderStateError';
  }
}

type Json = null | number | string | boolean | Json[] | { [key: string]: Json };

const EVIDENCE_KINDS = { e: 'event', s: 'span', l: 'log' } as const;
type EvidenceCode = keyof typeof EVIDENCE_KINDS;

function derivedId(kind: EvidenceRef['kind'], traceId: string, spanId: string, summary: string): string {
  return kind === 'event' ? `span:${traceId}:${spanId}:${summary}` : kind === 'span' ? traceId + spanId : '';
}

/**
 * Evidence as the engine keeps it: an ID that can be derived from the trace/span IDs (a span, an
 * event carried by a span) is left out ('') — a million open orders would each keep ~100 bytes more.
 */
export function compactRef(kind: EvidenceRef['kind'], id: string, traceId: string, spanId: string, timeMs: number, summary: string): EvidenceRef {
  return { kind, id: isDerivedId(kind, id, traceId, spanId, summary) ? '' : id, traceId, spanId, timeMs, summary };
}

/** id === derivedId(…), without building the string (this runs for every fact kept as evidence). */
function isDerivedId(kind: EvidenceRef['kind'], id: string, traceId: string, spanId: string, summary: string): boolean {
  if (kind === 'span') return id.length === traceId.length + spanId.length && id.startsWith(traceId) && id.endsWith(spanId);
  if (kind !== 'event' || id.length !== 7 + traceId.length + spanId.length + summary.length) return false;
  let at = 5;
  if (!id.startsWith('span:') || !id.startsWith(traceId, at)) return false;
  at += traceId.length;
  if (id.charCodeAt(at) !== 58 || !id.startsWith(spanId, at + 1)) return false;
  at += 1 + spanId.length;
  return id.charCodeAt(at) === 58 && id.endsWith(summary);
}

/** The evidence ref with its full ID, for alert rows and match reports. */
export function fullRef(ref: EvidenceRef): EvidenceRef {
  return ref.id !== '' ? ref : { ...ref, id: derivedId(ref.kind, ref.traceId, ref.spanId, ref.summary) };
}

/** Characters a JSON string must escape (and lone surrogates, which JSON.stringify escapes too). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const str = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);
const strOrNull = (s: string | null): string => (s === null ? 'null' : str(s));

const KIND_CODES = { deadline: 'd', stalled_queue: 'q', return_sla: 'r', sequence: 's', status_mismatch: 'm', error_pattern: 'p' } as const;
const CODE_KINDS = Object.fromEntries(Object.entries(KIND_CODES).map(([k, c]) => [c, k])) as Record<string, RuleKind>;
const HEAD = 7;
/** Length of a quietly settled slot: [kind, ruleId, scope, outcome]. */
const SETTLED = 4;

/** A slot that settled without an alert only has to say how (it keeps duplicates from reopening it). */
function quietOutcome(s: Slot): string | null {
  if (s.firedAtMs !== null || s.timerMs !== null) return null;
  if (s.kind === 'sequence') return s.done ? 'done' : null;
  if (s.kind === 'deadline' || s.kind === 'stalled_queue' || s.kind === 'return_sla') return s.outcome;
  return null;
}

/** Writes one order's JSON by string building (faster than arrays for JSON.stringify). */
class StateWriter {
  readonly refs: EvidenceRef[] = [];
  private readonly base: number;

  constructor(base: number) {
    this.base = base;
  }

  /** A time, relative to the base. */
  t(ms: number | null): string {
    return ms === null ? 'null' : String(ms - this.base);
  }

  /** The ref's index in "x", added on first use. */
  ref(ref: EvidenceRef | null): string {
    if (ref === null) return 'null';
    let i = this.refs.indexOf(ref);
    if (i < 0) i = this.refs.push(ref) - 1;
    return String(i);
  }

  slot(s: Slot): string {
    const quiet = quietOutcome(s);
    if (quiet !== null) return `["${KIND_CODES[s.kind]}",${str(s.ruleId)},${str(s.scope)},"${quiet}"]`;
    const head = `["${KIND_CODES[s.kind]}",${str(s.ruleId)},${str(s.scope)},${this.t(s.timerMs)},${this.t(s.firedAtMs)},${strOrNull(s.resolution)},${this.t(s.resolvedAtMs)}`;
    if (s.kind === 'sequence') return `${head},${this.ref(s.first)},${this.ref(s.then)},${s.done}]`;
    if (s.kind === 'status_mismatch') return `${head},${this.t(s.sinceMs)},${str(s.status)},${str(s.mapped)},${str(s.canonical)}]`;
    if (s.kind === 'error_pattern') return `${head},[${s.times.map((x) => this.t(x)).join(',')}],[${s.ids.join(',')}],${this.t(s.reportedMs)}]`;
    const deadline = `${head},${this.t(s.startMs)},${this.t(s.dueMs)},${this.t(s.closeMs)},${strOrNull(s.outcome)}`;
    if (s.kind === 'deadline') return `${deadline},${this.ref(s.start)}]`;
    if (s.kind === 'stalled_queue') return `${deadline},${str(s.destination)},${this.ref(s.producer)}]`;
    return `${deadline},${s.routedLevel},${s.level},${this.t(s.levelDueMs)},${this.ref(s.request)}]`;
  }

  status(s: StatusState): string {
    const systems = s.systems.map((x) => `[${str(x.system)},${str(x.status)},${str(x.mapped)},${this.t(x.sinceMs)},${this.ref(x.ref)}]`).join(',');
    return `[${str(s.event)},${str(s.canonical)},${this.t(s.sinceMs)},[${systems}]]`;
  }

  refRows(): string {
    return this.refs.map((r) => `["${r.kind[0]!}",${r.id === '' ? '0' : str(r.id)},${str(r.traceId)},${str(r.spanId)},${this.t(r.timeMs)},${str(r.summary)}]`).join(',');
  }
}

/** The order's state as compact JSON (OrderRuleState.state). */
export function serializeOrderState(order: OrderState): string {
  const w = new StateWriter(order.retainUntilMs);
  let out = `{"r":${order.retainUntilMs},"s":[${order.slots.map((slot) => w.slot(slot)).join(',')}]`;
  if (order.cancelledMs !== null) out += `,"c":${w.t(order.cancelledMs)}`;
  if (order.status !== null) out += `,"t":${w.status(order.status)}`;
  if (order.evidence !== null) out += `,"e":[${order.evidence.map((ref) => w.ref(ref)).join(',')}]`;
  if (order.timerMs !== null) out += `,"g":${w.t(order.timerMs)}`;
  if (w.refs.length > 0) out += `,"x":[${w.refRows()}]`;
  return `${out}}`;
}

/** Reads what StateWriter wrote, naming the order in every error. */
class StateReader {
  readonly orderId: string;
  private readonly base: number;
  refs: EvidenceRef[] = [];

  constructor(orderId: string, base: number) {
    this.orderId = orderId;
    this.base = base;
  }

  fail(message: string): never {
    throw new OrderStateError(this.orderId, message);
  }

  t(v: Json | undefined): number | null {
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number') this.fail(`expected a time, got ${JSON.stringify(v)}`);
    return v + this.base;
  }

  ref(v: Json | undefined): EvidenceRef | null {
    if (v === null || v === undefined) return null;
    const found = this.refs[v as number];
    if (found === undefined) this.fail(`evidence #${JSON.stringify(v)} is missing`);
    return found;
  }

  readRefs(rows: Json | undefined): void {
    if (rows === undefined || rows === null) return;
    if (!Array.isArray(rows)) this.fail('"x" must be a list of evidence refs');
    this.refs = rows.map((raw) => {
      const [k, id, traceId, spanId, timeMs, summary] = raw as [EvidenceCode, string | 0, string, string, number, string];
      const kind = EVIDENCE_KINDS[k];
      if (kind === undefined) this.fail(`unknown evidence kind ${JSON.stringify(k)}`);
      return { kind, id: id === 0 ? '' : id, traceId, spanId, timeMs: this.t(timeMs)!, summary };
    });
  }

  slot(order: OrderState, raw: Json): void {
    if (!Array.isArray(raw) || (raw.length < HEAD && raw.length !== SETTLED)) this.fail(`malformed slot ${JSON.stringify(raw)}`);
    const kind = CODE_KINDS[raw[0] as string];
    if (kind === undefined) this.fail(`unknown slot kind ${JSON.stringify(raw[0])}`);
    const slot = slotFor(order, kind, raw[1] as string, raw[2] as string);
    if (raw.length === SETTLED) {
      if (slot.kind === 'sequence') slot.done = true;
      else if (slot.kind === 'deadline' || slot.kind === 'stalled_queue' || slot.kind === 'return_sla') slot.outcome = raw[3] as DeadlineOutcome;
      return;
    }
    slot.timerMs = this.t(raw[3]);
    slot.firedAtMs = this.t(raw[4]);
    slot.resolution = raw[5] as Resolution | null;
    slot.resolvedAtMs = this.t(raw[6]);
    const at = (i: number) => raw[HEAD + i];
    if (slot.kind === 'sequence') {
      Object.assign(slot, { first: this.ref(at(0)), then: this.ref(at(1)), done: at(2) === true });
    } else if (slot.kind === 'status_mismatch') {
      Object.assign(slot, { sinceMs: this.t(at(0)), status: at(1), mapped: at(2), canonical: at(3) });
    } else if (slot.kind === 'error_pattern') {
      Object.assign(slot, { times: (at(0) as number[]).map((x) => this.t(x)!), ids: at(1), reportedMs: this.t(at(2)) });
    } else {
      Object.assign(slot, { startMs: this.t(at(0)), dueMs: this.t(at(1)), closeMs: this.t(at(2)), outcome: at(3) });
      if (slot.kind === 'deadline') slot.start = this.ref(at(4));
      else if (slot.kind === 'stalled_queue') Object.assign(slot, { destination: at(4), producer: this.ref(at(5)) });
      else Object.assign(slot, { routedLevel: at(4), level: at(5), levelDueMs: this.t(at(6)), request: this.ref(at(7)) });
    }
  }

  status(raw: Json[]): StatusState {
    const systems = (raw[3] as Json[][]).map(([system, status, mapped, sinceMs, ref]) => ({
      system: system as string,
      status: status as string,
      mapped: mapped as string,
      sinceMs: this.t(sinceMs)!,
      ref: this.ref(ref),
    }));
    return { event: raw[0] as string, canonical: raw[1] as string, sinceMs: this.t(raw[2])!, systems };
  }
}

/** Rebuilds an order from serializeOrderState's output (timers are re-armed by the engine). */
export function deserializeOrderState(orderId: string, partition: number, json: string): OrderState {
  let raw: Record<string, Json>;
  try {
    raw = JSON.parse(json) as Record<string, Json>;
  } catch (error) {
    throw new OrderStateError(orderId, `not JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray(raw.s) || typeof raw.r !== 'number') {
    throw new OrderStateError(orderId, 'expected an object with "r" (retain until) and "s" (slots)');
  }
  const reader = new StateReader(orderId, raw.r);
  reader.readRefs(raw.x);
  const order = newOrderState(orderId, partition, raw.r);
  for (const slot of raw.s) reader.slot(order, slot);
  order.cancelledMs = reader.t(raw.c);
  order.status = Array.isArray(raw.t) ? reader.status(raw.t) : null;
  order.evidence = Array.isArray(raw.e) ? raw.e.map((i) => reader.ref(i)!) : null;
  order.timerMs = reader.t(raw.g);
  return order;
}
