// The rules engine: per-order state in a Map, one timer heap for everything that must happen at a
// time (deadlines, tolerances, escalations, forgetting), and evaluators per rule kind. No I/O: the
// caller feeds facts and the clock, and persists what comes out (alerts, order states, projections).
//
// Clock: ingest(facts, now) applies the facts without firing anything, then fires every timer due
// at `now` — so a B arriving in the same batch as a long-overdue A prevents a false alarm, and an
// A replayed with a past timestamp fires at once. advance(now) fires due timers only.
import { DEFAULT_STAGES, TERMINAL_EVENTS, type StageDef } from '../core/stages.ts';
import { alertId } from './alert-id.ts';
import { NO_FIRING } from './deadline.ts';
import { signalRef, type EvalContext, type Evaluator } from './evaluators/context.ts';
import { deadlineEvaluator } from './evaluators/deadline.ts';
import { compiledPattern, errorPatternEvaluator, fireOnPattern } from './evaluators/error-pattern.ts';
import { returnSlaEvaluator } from './evaluators/return-sla.ts';
import { sequenceEvaluator } from './evaluators/sequence.ts';
import { messageKeys, stalledQueueEvaluator } from './evaluators/stalled-queue.ts';
import { statusMismatchEvaluator } from './evaluators/status-mismatch.ts';
import type { Alert, CalendarDef, EventFact, EvidenceRef, Fact, OrderRuleState, Rule, RuleKind, RuleSet, SignalFact, StatusMismatchRule, StatusProjection } from './model.ts';
import {
  addEvidence,
  deserializeOrderState,
  findSlot,
  fullRef,
  hasPendingSlot,
  newOrderState,
  OrderStateError,
  removeSlot,
  serializeOrderState,
  type OrderState,
  type Slot,
} from './order-state.ts';
import { applyStatusEvent, compileVocabulary, expectedStatus, eventRef, remapStatuses, statusProjection, touchesStatus, type CompiledVocabulary } from './status-tracker.ts';
import { TimerQueue } from './timer-queue.ts';

export interface EngineOptions {
  /** Bus partition of an order's key (OrderRuleState.partition; dropPartitions works by it). */
  partitionOf(orderId: string): number;
  /** Stage catalog ranking milestones for the canonical status (default: core/stages.ts). */
  stages?: StageDef[];
  /**
   * How long an order's settled deadlines, statuses and matches are remembered after its last fact
   * (duplicates and out-of-order events within it are recognised). Default 6 h.
   */
  retentionMs?: number;
  /** A firing alert whose condition never clears is forgotten (left as it is) after this. Default 30 d. */
  staleAfterMs?: number;
  /** Failing spans/logs remembered per order as evidence. Default 5. */
  maxEvidence?: number;
}

export interface StatusChange {
  orderId: string;
  from: string;
  to: string;
  atMs: number;
}

export interface PatternMatch {
  ruleId: string;
  orderId: string;
  timeMs: number;
  evidence: EvidenceRef;
}

export interface EngineOutput {
  /** New or changed alerts, full rows (merge with the stored row: rules/alert-lifecycle.ts mergeAlert). */
  alerts: Alert[];
  /** Orders whose state changed; state null = forget the order (nothing pending or remembered). */
  states: OrderRuleState[];
  projections: StatusProjection[];
  statusChanges: StatusChange[];
  /** Error-pattern matches: the caller counts them per minute across workers (WindowCounter). */
  matches: PatternMatch[];
}

export interface RestoreResult {
  restored: number;
  /** Rows whose state could not be read (they are skipped). */
  errors: OrderStateError[];
}

const HOUR = 3_600_000;
const DEFAULT_RETENTION_MS = 6 * HOUR;
const DEFAULT_STALE_AFTER_MS = 30 * 24 * HOUR;
const MAX_ALERT_EVIDENCE = 10;
const TERMINAL = new Set(TERMINAL_EVENTS);

type AnyEvaluator = Evaluator<Rule>;
const EVALUATORS: Record<RuleKind, AnyEvaluator> = {
  deadline: deadlineEvaluator as AnyEvaluator,
  sequence: sequenceEvaluator as AnyEvaluator,
  status_mismatch: statusMismatchEvaluator as AnyEvaluator,
  error_pattern: errorPatternEvaluator as AnyEvaluator,
  stalled_queue: stalledQueueEvaluator as AnyEvaluator,
  return_sla: returnSlaEvaluator as AnyEvaluator,
};

/** One engine call: its clock and what it changed. */
interface Run extends EvalContext {
  fireNowMs: number;
  alerted: Set<Slot>;
  changed: Set<OrderState>;
  forgotten: Set<OrderState>;
  projected: Set<OrderState>;
  statusChanges: StatusChange[];
  matches: PatternMatch[];
}

interface CompiledRules {
  byId: Map<string, Rule>;
  byEvent: Map<string, Rule[]>;
  signalRules: Rule[];
  statusRules: StatusMismatchRule[];
  calendars: Map<string, CalendarDef>;
  vocabulary: CompiledVocabulary;
  /** The longest error-pattern window: matches must be remembered at least that long. */
  longestWindowMs: number;
}

export class RuleEngine {
  private readonly partitionOf: (orderId: string) => number;
  private readonly stages: StageDef[];
  private readonly retentionMs: number;
  private readonly staleAfterMs: number;
  private readonly maxEvidence: number;

  private compiled!: CompiledRules;
  private readonly orders = new Map<string, OrderState>();
  private readonly timers = new TimerQueue<Slot | OrderState>();
  /** Armed timers: all of them (heap compaction), and those of rule slots (pendingTimers). */
  private liveTimers = 0;
  private slotTimers = 0;
  /** Open stalled-queue messages → their order, for consumer spans that carry no order ID. */
  private readonly messages = new Map<string, OrderState>();
  /** Orders with recent matches, per error-pattern rule (fireErrorPattern visits only these). */
  private readonly patternOrders = new Map<string, Set<OrderState>>();
  private lastVersion = 0;
  /** Repeated words (event types, systems, statuses) stored once, not once per order. */
  private readonly words = new Map<string, string>();
  /** Whether a status_mismatch rule compares the system (only then is its report kept as evidence). */
  private readonly compared = (system: string): boolean => this.compiled.statusRules.some((r) => r.systems.length === 0 || r.systems.includes(system));
  private readonly intern = (word: string): string => {
    const known = this.words.get(word);
    if (known !== undefined) return known;
    if (this.words.size < 100_000) this.words.set(word, word);
    return word;
  };
  /** Orders changed outside a call (hot reload): reported by the next call, remapped ones with their projection. */
  private readonly changedOutside = new Set<OrderState>();
  private readonly remappedOutside = new Set<OrderState>();

  constructor(ruleSet: RuleSet, options: EngineOptions) {
    this.partitionOf = options.partitionOf;
    this.stages = options.stages ?? DEFAULT_STAGES;
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
    this.maxEvidence = options.maxEvidence ?? 5;
    this.setRules(ruleSet);
  }

  // ---- rules ----

  /** Hot reload: state is kept; slots of rules that are gone (or disabled, or changed kind) are dropped. */
  setRules(ruleSet: RuleSet): void {
    const compiled = this.compile(ruleSet);
    this.compiled = compiled;
    for (const [ruleId] of this.patternOrders) if (compiled.byId.get(ruleId)?.kind !== 'error_pattern') this.patternOrders.delete(ruleId);
    for (const order of this.orders.values()) {
      let changed = false;
      for (const slot of order.slots) {
        if (compiled.byId.get(slot.ruleId)?.kind === slot.kind) continue;
        this.dropSlot(order, slot);
        changed = true;
      }
      if (order.status !== null && remapStatuses(order.status, compiled.vocabulary)) {
        this.remappedOutside.add(order);
        changed = true;
      }
      if (changed) this.changedOutside.add(order);
    }
  }

  private compile(ruleSet: RuleSet): CompiledRules {
    const calendars = new Map(ruleSet.calendars.map((c) => [c.id, c]));
    const byId = new Map<string, Rule>();
    const byEvent = new Map<string, Rule[]>();
    const signalRules: Rule[] = [];
    const statusRules: StatusMismatchRule[] = [];
    let longestWindowMs = 0;
    for (const rule of ruleSet.rules) {
      if (!rule.enabled) continue;
      if (byId.has(rule.id)) throw new Error(`rule ${rule.id} is defined twice`);
      if ((rule.kind === 'deadline' || rule.kind === 'return_sla') && rule.calendar !== null && !calendars.has(rule.calendar)) {
        throw new Error(`rule ${rule.id} names calendar "${rule.calendar}", which is not defined`);
      }
      if (rule.kind === 'return_sla' && rule.levels.length === 0) throw new Error(`rule ${rule.id} has no approval levels`);
      byId.set(rule.id, rule);
      for (const event of new Set(EVALUATORS[rule.kind].events(rule))) {
        const list = byEvent.get(event);
        if (list) list.push(rule);
        else byEvent.set(event, [rule]);
      }
      if (rule.kind === 'error_pattern') {
        compiledPattern(rule);
        longestWindowMs = Math.max(longestWindowMs, rule.windowMs);
      }
      if (rule.kind === 'error_pattern' || rule.kind === 'stalled_queue') signalRules.push(rule);
      if (rule.kind === 'status_mismatch') statusRules.push(rule);
    }
    return { byId, byEvent, signalRules, statusRules, calendars, vocabulary: compileVocabulary(ruleSet.vocabulary, this.stages), longestWindowMs };
  }

  // ---- the three calls that take a clock ----

  /** Applies facts (any order, duplicates allowed), then fires what is due at nowMs. */
  ingest(facts: readonly Fact[], nowMs: number): EngineOutput {
    const run = this.begin(nowMs, NO_FIRING);
    for (const fact of facts) {
      if (fact.type === 'event') this.applyEvent(run, fact);
      else this.applySignal(run, fact);
    }
    run.fireNowMs = nowMs;
    this.fireDue(run);
    return this.finish(run);
  }

  /** Fires every timer due at nowMs (pops only due timers: no scan of open orders). */
  advance(nowMs: number): EngineOutput {
    const run = this.begin(nowMs, nowMs);
    this.fireDue(run);
    return this.finish(run);
  }

  /**
   * The caller found the error-pattern rule's count (summed over workers) at or above its threshold:
   * fire or update its alert, with the rule's root cause, on every order of this engine that matched
   * within [windowStartMs, nowMs]. An unknown rule (removed by a reload) does nothing.
   */
  fireErrorPattern(ruleId: string, windowStartMs: number, nowMs: number): EngineOutput {
    const run = this.begin(nowMs, nowMs);
    const rule = this.compiled.byId.get(ruleId);
    if (rule !== undefined && rule.kind !== 'error_pattern') throw new Error(`rule ${ruleId} is a ${rule.kind} rule, not error_pattern`);
    const orders = this.patternOrders.get(ruleId);
    if (rule !== undefined && orders !== undefined) {
      for (const order of orders) {
        const slot = findSlot(order, ruleId, '');
        if (slot?.kind === 'error_pattern') fireOnPattern(run, slot, windowStartMs);
        else orders.delete(order);
      }
    }
    return this.finish(run);
  }

  /**
   * Error-pattern rules this engine holds matches for, with the latest match time: after a restore
   * (partitions moved here) the worker must keep checking their cross-worker counts too.
   */
  patternActivity(): Map<string, number> {
    const activity = new Map<string, number>();
    for (const [ruleId, orders] of this.patternOrders) {
      for (const order of orders) {
        const slot = findSlot(order, ruleId, '');
        const latest = slot?.kind === 'error_pattern' ? slot.times.at(-1) : undefined;
        if (latest !== undefined) activity.set(ruleId, Math.max(activity.get(ruleId) ?? 0, latest));
      }
    }
    return activity;
  }

  /** Fire time of the earliest pending timer (for a setTimeout loop), or null when none. */
  nextDueMs(): number | null {
    for (;;) {
      const t = this.timers.peekTime();
      if (t === null) return null;
      if (this.timers.peekItem()!.timerMs === t) return t;
      this.timers.pop();
    }
  }

  // ---- state handover ----

  /** Loads persisted order states (worker start, partitions assigned); timers are re-armed. */
  restore(states: readonly OrderRuleState[]): RestoreResult {
    const errors: OrderStateError[] = [];
    let restored = 0;
    for (const row of states) {
      this.lastVersion = Math.max(this.lastVersion, row.version);
      const existing = this.orders.get(row.orderId);
      if (existing) this.forget(existing);
      if (row.state === null) continue;
      let order: OrderState;
      try {
        order = deserializeOrderState(row.orderId, row.partition, row.state);
      } catch (error) {
        errors.push(error instanceof OrderStateError ? error : new OrderStateError(row.orderId, String(error)));
        continue;
      }
      this.adopt(order);
      restored++;
    }
    return { restored, errors };
  }

  /** Partitions moved to another worker: forget their orders and timers (the new owner restores them). */
  dropPartitions(partitions: readonly number[]): void {
    const drop = new Set(partitions);
    for (const order of [...this.orders.values()]) if (drop.has(order.partition)) this.forget(order);
    this.compactTimers();
  }

  openOrders(): number {
    return this.orders.size;
  }

  /** Armed rule timers (deadlines, tolerances, escalations, stale-after expiries of firing alerts). */
  pendingTimers(): number {
    return this.slotTimers;
  }

  // ---- applying facts ----

  private applyEvent(run: Run, fact: EventFact): void {
    const { byEvent, vocabulary, statusRules } = this.compiled;
    if (fact.orderId === '') return;
    const rules = byEvent.get(fact.event);
    const cancel = TERMINAL.has(fact.event);
    const status = touchesStatus(vocabulary, fact);
    if (rules === undefined && !cancel && !status) return;
    const order = run.order(fact.orderId, true)!;
    if (status) {
      const update = applyStatusEvent(order, fact, vocabulary, () => run.ref(fact), this.compared, this.intern);
      if (update.changed) {
        run.projected.add(order);
        run.touch(order);
        if (update.canonicalChange) run.statusChanges.push({ orderId: order.orderId, ...update.canonicalChange });
        for (const rule of statusRules) statusMismatchEvaluator.onStatus!(run, rule, order);
      }
    }
    if (rules !== undefined) for (const rule of rules) EVALUATORS[rule.kind].onEvent!(run, rule, order, fact);
    if (cancel) this.cancel(run, order);
  }

  private cancel(run: Run, order: OrderState): void {
    if (order.cancelledMs === null) {
      order.cancelledMs = run.nowMs;
      run.touch(order);
    }
    for (const slot of order.slots) {
      const rule = this.compiled.byId.get(slot.ruleId);
      if (rule !== undefined) EVALUATORS[rule.kind].onCancel?.(run, rule, slot);
    }
  }

  private applySignal(run: Run, fact: SignalFact): void {
    // Most spans and logs concern no rule: the order is only looked up by whoever needs it.
    let order: OrderState | null = null;
    if (fact.isError && fact.orderId !== '') {
      // Failing spans/logs become evidence for whatever alert the order raises later.
      order = run.order(fact.orderId, true)!;
      if (addEvidence(order, run.ref(fact), this.maxEvidence)) run.touch(order);
    }
    for (const rule of this.compiled.signalRules) EVALUATORS[rule.kind].onSignal!(run, rule, order, fact);
  }

  // ---- timers ----

  private schedule(item: Slot | OrderState, atMs: number | null): void {
    if (item.timerMs === atMs) return;
    const delta = item.timerMs === null ? 1 : atMs === null ? -1 : 0;
    this.liveTimers += delta;
    if (item.kind !== 'order') this.slotTimers += delta;
    item.timerMs = atMs;
    if (atMs !== null) this.timers.push(atMs, item);
  }

  private fireDue(run: Run): void {
    for (;;) {
      const t = this.timers.peekTime();
      if (t === null || t > run.nowMs) return;
      const item = this.timers.pop()!;
      if (item.timerMs !== t) continue; // disarmed or re-armed since
      this.schedule(item, null);
      if (item.kind === 'order') {
        this.collect(run, item);
        continue;
      }
      const rule = this.compiled.byId.get(item.ruleId);
      if (rule !== undefined && rule.kind === item.kind) EVALUATORS[rule.kind].onTimer(run, rule, item);
      // The slot's timer is part of the persisted state, and an order left with nothing pending
      // gets its forget-timer in finish().
      run.touch(item.order);
    }
  }

  /** The order's own timer: forget it once nothing is pending and its retention has passed. */
  private collect(run: Run, order: OrderState): void {
    if (hasPendingSlot(order)) return; // re-armed when the last pending slot settles
    if (order.retainUntilMs > run.nowMs) {
      this.schedule(order, order.retainUntilMs);
      return;
    }
    this.forget(order);
    run.forgotten.add(order);
  }

  private compactTimers(): void {
    if (this.timers.size > 2 * this.liveTimers + 10_000) this.timers.rebuild((t, item) => item.timerMs === t);
  }

  // ---- orders ----

  private order(run: Run, orderId: string, create: boolean): OrderState | null {
    let order = this.orders.get(orderId);
    const retainUntilMs = run.nowMs + Math.max(this.retentionMs, this.compiled.longestWindowMs);
    if (order === undefined) {
      if (!create) return null;
      order = newOrderState(orderId, this.partitionOf(orderId), retainUntilMs);
      this.orders.set(orderId, order);
      run.touch(order);
    } else if (retainUntilMs > order.retainUntilMs) {
      order.retainUntilMs = retainUntilMs;
    }
    return order;
  }

  /** Takes a restored order in: re-arms its timers and indexes. */
  private adopt(order: OrderState): void {
    this.orders.set(order.orderId, order);
    for (const slot of order.slots) {
      const rule = this.compiled.byId.get(slot.ruleId);
      if (rule?.kind !== slot.kind) {
        removeSlot(order, slot);
        continue;
      }
      const at = slot.timerMs;
      slot.timerMs = null;
      this.schedule(slot, at);
      if (slot.kind === 'stalled_queue' && slot.outcome === null && slot.startMs !== null) for (const key of messageKeys(slot)) this.messages.set(key, order);
      if (slot.kind === 'error_pattern') this.watchPattern(slot.ruleId, order);
    }
    const at = order.timerMs;
    order.timerMs = null;
    this.schedule(order, at ?? (hasPendingSlot(order) ? null : order.retainUntilMs));
  }

  private dropSlot(order: OrderState, slot: Slot): void {
    this.schedule(slot, null);
    if (slot.kind === 'stalled_queue') for (const key of messageKeys(slot)) if (this.messages.get(key) === order) this.messages.delete(key);
    removeSlot(order, slot);
  }

  private forget(order: OrderState): void {
    for (const slot of order.slots) this.dropSlot(order, slot);
    for (const set of this.patternOrders.values()) set.delete(order);
    this.schedule(order, null);
    this.orders.delete(order.orderId);
  }

  private watchPattern(ruleId: string, order: OrderState): void {
    let set = this.patternOrders.get(ruleId);
    if (!set) this.patternOrders.set(ruleId, (set = new Set()));
    set.add(order);
  }

  // ---- a call's context and output ----

  private begin(nowMs: number, fireNowMs: number): Run {
    let lastFact: Fact | null = null;
    let lastRef: EvidenceRef | null = null;
    const run: Run = {
      nowMs,
      fireNowMs,
      staleAfterMs: this.staleAfterMs,
      messages: this.messages,
      alerted: new Set(),
      changed: new Set(this.changedOutside),
      forgotten: new Set(),
      projected: new Set(this.remappedOutside),
      statusChanges: [],
      matches: [],
      calendar: (id) => (id === null ? null : (this.compiled.calendars.get(id) ?? null)),
      expectedStatus: (system, canonical) => expectedStatus(this.compiled.vocabulary, system, canonical),
      schedule: (slot, atMs) => this.schedule(slot, atMs),
      alert: (slot) => run.alerted.add(slot),
      touch: (order) => run.changed.add(order),
      order: (orderId, create) => this.order(run, orderId, create),
      ref: (fact) => {
        if (fact !== lastFact) {
          lastFact = fact;
          lastRef = fact.type === 'event' ? eventRef(fact, this.intern(fact.event)) : signalRef(fact);
        }
        return lastRef!;
      },
      match: (ruleId, orderId, timeMs, evidence) => {
        run.matches.push({ ruleId, orderId, timeMs, evidence: fullRef(evidence) });
        const order = this.orders.get(orderId);
        if (order === undefined) return;
        this.watchPattern(ruleId, order);
        addEvidence(order, evidence, this.maxEvidence);
      },
    };
    this.changedOutside.clear();
    this.remappedOutside.clear();
    return run;
  }

  private nextVersion(nowMs: number): number {
    this.lastVersion = Math.max(this.lastVersion + 1, Math.floor(nowMs) * 1000);
    return this.lastVersion;
  }

  private finish(run: Run): EngineOutput {
    const out: EngineOutput = { alerts: [], states: [], projections: [], statusChanges: run.statusChanges, matches: run.matches };
    for (const slot of run.alerted) {
      const row = this.alertRow(slot, run.nowMs);
      if (row) out.alerts.push(row);
    }
    for (const order of run.projected) {
      const projection = statusProjection(order, run.nowMs, this.nextVersion(run.nowMs));
      if (projection) out.projections.push(projection);
    }
    for (const order of run.changed) {
      if (run.forgotten.has(order) || this.orders.get(order.orderId) !== order) continue;
      if (order.timerMs === null && !hasPendingSlot(order)) this.schedule(order, order.retainUntilMs);
      out.states.push({ orderId: order.orderId, partition: order.partition, state: serializeOrderState(order), version: this.nextVersion(run.nowMs) });
    }
    for (const order of run.forgotten) {
      if (this.orders.has(order.orderId)) continue;
      out.states.push({ orderId: order.orderId, partition: order.partition, state: null, version: this.nextVersion(run.nowMs) });
    }
    this.compactTimers();
    return out;
  }

  private alertRow(slot: Slot, nowMs: number): Alert | null {
    const rule = this.compiled.byId.get(slot.ruleId);
    if (rule === undefined || slot.firedAtMs === null) return null;
    const view = EVALUATORS[rule.kind].describe(rule, slot);
    const order = slot.order;
    const evidence = [...view.evidence, ...(order.evidence ?? [])].slice(0, MAX_ALERT_EVIDENCE).map(fullRef);
    return {
      id: alertId(rule.id, order.orderId, slot.scope),
      ruleId: rule.id,
      ruleKind: rule.kind,
      title: rule.title,
      severity: rule.severity,
      labels: rule.labels,
      orderId: order.orderId,
      scope: slot.scope,
      state: slot.resolution === null ? 'firing' : 'resolved',
      resolution: slot.resolution,
      summary: view.summary,
      rootCause: view.rootCause,
      dueMs: view.dueMs,
      firedAtMs: slot.firedAtMs,
      acknowledgedAtMs: null,
      acknowledgedBy: null,
      resolvedAtMs: slot.resolvedAtMs,
      resolvedBy: null,
      details: view.details,
      evidence,
      updatedAtMs: nowMs,
      version: this.nextVersion(nowMs),
    };
  }
}
