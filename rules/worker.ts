// The rules worker: the I/O shell around the pure RuleEngine. It consumes order events, spans and logs
// from the bus as one consumer group (co-partitioned: one order's records reach one worker), feeds them
// to the engine, and persists what comes out — alerts, per-order state, status projections — before
// the batch's offsets are committed, so a crash replays the batch into the restored state.
//
// State across restarts and partition moves: every change of an order's rule state is saved to the
// store (AlertStore.saveOrderStates, keyed by order with its partition number) in the same step as
// its alerts. When the bus assigns this worker partitions, their states are loaded back from the store
// (restore) before any record of those partitions is handled; revoked partitions are dropped from
// memory. Timers are rebuilt from the restored state, so a deadline pending during a restart fires
// at its due time (or at once if it passed meanwhile). No periodic scan of open orders: the engine's
// timer heap says when to wake up (rules/engine-clock.ts).
//
// Cross-worker error rates: each worker saves its own per-minute match counts (rule × minute × worker)
// and reads the sum over all workers to decide whether an error pattern's threshold is crossed; the
// root cause is then tagged on this worker's affected orders (each order lives on one worker).
import { hostname } from 'node:os';
import type { Bus, DeliveredBatch, Subscription } from '../core/bus/bus.ts';
import { Topics } from '../core/bus/bus.ts';
import { partitionForKey } from '../core/bus/partitioner.ts';
import { decodeRecords } from '../core/codec.ts';
import type { LogRecord, OrderEvent, Span } from '../core/model.ts';
import type { StageDef } from '../core/stages.ts';
import type { Store } from '../core/store/store.ts';
import { mergeAlert } from './alert-lifecycle.ts';
import { EngineClock } from './engine-clock.ts';
import { RuleEngine, type EngineOutput } from './engine.ts';
import { extractFacts } from './facts.ts';
import type { Fact, RuleSet } from './model.ts';
import { RulesNotifications } from './worker-notify.ts';
import { RulesWorkerMetrics } from './worker-metrics.ts';
import { WindowCounter, windowBuckets } from './window-counter.ts';

export const RULES_GROUP = 'ordertrace-rules';
const RESTORE_PAGE = 5000;
/** How often error-pattern rules with recent local matches re-read the cross-worker sum. */
const PATTERN_RECHECK_MS = 5000;

export interface RulesWorkerOptions {
  bus: Bus;
  store: Store;
  ruleSet: RuleSet;
  stages: StageDef[];
  /** Partitions per topic (the engine records each order's partition for restore). */
  partitions: number;
  groupId?: string;
  /** Identifies this worker's rows among the cross-worker counters (default host:pid). */
  workerId?: string;
  now?: () => number;
  /** Send notifications (default true; the backtest and some tests turn it off). */
  notify?: boolean;
  onError?: (error: unknown, context: string) => void;
}

export class RulesWorker {
  readonly metrics = new RulesWorkerMetrics();
  readonly #options: RulesWorkerOptions;
  readonly #engine: RuleEngine;
  readonly #clock: EngineClock;
  readonly #counter = new WindowCounter();
  readonly #now: () => number;
  readonly #workerId: string;
  readonly #notifications: RulesNotifications | null;
  /** Partition → its state restore (awaited by every handler call of that partition). */
  readonly #restores = new Map<number, Promise<void>>();
  /** Persistence of timer-fired output still in flight (stop() waits for it). */
  readonly #pending = new Set<Promise<void>>();
  /** Error-pattern rules with local matches: rule → latest match (event time). */
  readonly #activePatterns = new Map<string, number>();
  /** …and when (wall clock) this worker last saw one. */
  readonly #patternSeenAt = new Map<string, number>();
  #ruleSet: RuleSet;
  /** Partition of the batch being ingested: an order's state is kept under the partition it arrived on. */
  #batchPartition: number | null = null;
  #subscription: Subscription | null = null;
  #patternTimer: NodeJS.Timeout | null = null;

  private constructor(options: RulesWorkerOptions) {
    this.#options = options;
    this.#ruleSet = options.ruleSet;
    this.#now = options.now ?? Date.now;
    this.#workerId = options.workerId ?? `${hostname()}:${process.pid}`;
    this.#engine = new RuleEngine(options.ruleSet, { partitionOf: (orderId) => this.#batchPartition ?? partitionForKey(orderId, options.partitions), stages: options.stages });
    this.#clock = new EngineClock(this.#engine, (out) => this.#track(this.#persist(out, 'timer')), this.#now);
    this.#notifications = options.notify === false ? null : new RulesNotifications({ store: options.store, ruleSet: options.ruleSet, stages: options.stages, onError: this.#onError });
  }

  static async start(options: RulesWorkerOptions): Promise<RulesWorker> {
    const worker = new RulesWorker(options);
    worker.#subscription = await options.bus.subscribe({
      groupId: options.groupId ?? RULES_GROUP,
      topics: [Topics.events, Topics.spans, Topics.logs],
      handler: (batch) => worker.#handle(batch),
      onAssigned: (partitions) => worker.#assigned(partitions),
      maxBatchRecords: 500,
    });
    worker.#patternTimer = setInterval(() => worker.#track(worker.#recheckPatterns()), PATTERN_RECHECK_MS);
    worker.#patternTimer.unref();
    return worker;
  }

  get ruleSet(): RuleSet {
    return this.#ruleSet;
  }

  /** Hot reload: the engine keeps its state; notifications follow the new channels. */
  setRules(ruleSet: RuleSet): void {
    this.#ruleSet = ruleSet;
    this.#engine.setRules(ruleSet);
    this.#notifications?.setRules(ruleSet);
    this.#clock.poke();
  }

  openOrders(): number {
    return this.#engine.openOrders();
  }

  pendingTimers(): number {
    return this.#engine.pendingTimers();
  }

  /** Bus partition numbers this worker owns now. */
  ownedPartitions(): number[] {
    return [...this.#restores.keys()].sort((a, b) => a - b);
  }

  /** Resolves once every partition assigned so far has its state restored (tests, readiness). */
  async restored(): Promise<void> {
    await Promise.all(this.#restores.values());
  }

  async stop(): Promise<void> {
    if (this.#patternTimer) clearInterval(this.#patternTimer);
    await this.#subscription?.stop();
    this.#clock.stop();
    await Promise.all(this.#pending);
    await this.#notifications?.stop();
  }

  readonly #onError = (error: unknown, context = 'rules worker'): void => {
    this.metrics.errors += 1;
    if (this.#options.onError) this.#options.onError(error, context);
    else console.error(`ordertrace rules: ${context}: ${(error as Error).message ?? String(error)}`);
  };

  #track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.#onError(error, 'persisting rule output')).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }

  #assigned(partitions: number[]): void {
    const owned = new Set(partitions);
    const revoked = [...this.#restores.keys()].filter((p) => !owned.has(p));
    if (revoked.length > 0) {
      this.#engine.dropPartitions(revoked);
      for (const p of revoked) this.#restores.delete(p);
    }
    for (const p of partitions) this.#restoreOnce(p);
    this.metrics.assignedPartitions = partitions.length;
  }

  #restoreOnce(partition: number): Promise<void> {
    let restore = this.#restores.get(partition);
    if (!restore) {
      restore = this.#restore(partition);
      // A failed restore is retried by the next batch of that partition (the handler fails meanwhile).
      restore.catch(() => this.#restores.delete(partition));
      this.#restores.set(partition, restore);
    }
    return restore;
  }

  async #restore(partition: number): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.#options.store.alerts.loadOrderStates([partition], RESTORE_PAGE, cursor);
      const result = this.#engine.restore(page.items);
      this.metrics.restoredOrders += result.restored;
      for (const error of result.errors) this.#onError(error, `restoring rule state of partition ${partition}`);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    this.#clock.poke();
    // Orders that arrived with recent error-pattern matches: their rules' sums must be watched here now.
    for (const [ruleId, latestMs] of this.#engine.patternActivity()) {
      if (latestMs > (this.#activePatterns.get(ruleId) ?? 0)) this.#activePatterns.set(ruleId, latestMs);
      if (!this.#patternSeenAt.has(ruleId)) this.#patternSeenAt.set(ruleId, this.#now());
    }
  }

  async #handle(batch: DeliveredBatch): Promise<void> {
    await this.#restoreOnce(batch.partition);
    const facts = factsOf(batch);
    if (facts.length === 0) return;
    const started = performance.now();
    this.#batchPartition = batch.partition;
    let out: EngineOutput;
    try {
      out = this.#engine.ingest(facts, this.#now());
    } finally {
      this.#batchPartition = null;
    }
    this.metrics.observeEvaluation(facts.length, performance.now() - started);
    this.#clock.poke();
    await this.#persist(out, 'batch');
  }

  /** Writes one engine output; resolves once it is durable (the batch may then be committed). */
  async #persist(out: EngineOutput, origin: 'batch' | 'timer' | 'pattern'): Promise<void> {
    const { alerts } = this.#options.store;
    if (out.alerts.length > 0) {
      const merged = await Promise.all(out.alerts.map(async (next) => mergeAlert(await alerts.getAlert(next.id), next)));
      await alerts.upsertAlerts(merged);
      this.metrics.countAlerts(merged);
      for (const alert of merged) this.#notifications?.alertChanged(alert);
    }
    if (out.states.length > 0) await alerts.saveOrderStates(out.states);
    if (out.projections.length > 0) await alerts.saveStatusProjections(out.projections);
    for (const change of out.statusChanges) this.#notifications?.statusChanged(change);
    if (out.matches.length > 0 && origin !== 'pattern') {
      const latest = new Map<string, number>();
      for (const match of out.matches) {
        this.#counter.add(match.ruleId, match.timeMs);
        latest.set(match.ruleId, Math.max(latest.get(match.ruleId) ?? 0, match.timeMs));
        this.#activePatterns.set(match.ruleId, Math.max(this.#activePatterns.get(match.ruleId) ?? 0, match.timeMs));
        this.#patternSeenAt.set(match.ruleId, this.#now());
      }
      await this.#checkPatterns(latest);
    }
  }

  /**
   * Saves this worker's counts, reads the sum over all workers in the rule's window, and tags the root
   * cause when it reaches the threshold. Windows run on event time — they end at the rule's latest
   * match — so a replayed or backfilled burst is judged like a live one.
   */
  async #checkPatterns(windowEnds: ReadonlyMap<string, number>): Promise<void> {
    const { alerts } = this.#options.store;
    const rows = this.#counter.drainChanged(this.#workerId);
    if (rows.length > 0) await alerts.saveRuleCounts(rows);
    for (const [ruleId, endMs] of windowEnds) {
      const rule = this.#ruleSet.rules.find((r) => r.id === ruleId);
      if (!rule || rule.kind !== 'error_pattern' || !rule.enabled) continue;
      const { fromMs, toMs } = windowBuckets(endMs, rule.windowMs);
      const total = await alerts.sumRuleCounts(ruleId, fromMs, toMs);
      // The window is judged on event time; the tagging runs on the wall clock (versions, firedAt).
      if (total >= rule.threshold) await this.#persist(this.#engine.fireErrorPattern(ruleId, endMs - rule.windowMs, Math.max(endMs, this.#now())), 'pattern');
    }
  }

  /** Other workers' matches may push a rule over its threshold while this one sees none. */
  async #recheckPatterns(): Promise<void> {
    const nowMs = this.#now();
    const longest = Math.max(0, ...this.#ruleSet.rules.map((r) => (r.kind === 'error_pattern' ? r.windowMs : 0)));
    // Forget a rule once nothing new has matched for a window (by wall clock: others may still add).
    for (const [ruleId] of this.#activePatterns) if ((this.#patternSeenAt.get(ruleId) ?? 0) < nowMs - longest) this.#activePatterns.delete(ruleId);
    if (this.#activePatterns.size > 0) await this.#checkPatterns(this.#activePatterns);
  }
}

/** Bus records → engine facts (rules/facts.ts decides which records carry anything for the rules). */
export function factsOf(batch: DeliveredBatch): Fact[] {
  const decode = <T>() => batch.records.flatMap((record) => decodeRecords<T>(record.value));
  switch (batch.topic) {
    case Topics.events:
      return extractFacts(decode<OrderEvent>(), [], []);
    case Topics.spans:
      return extractFacts([], decode<Span>(), []);
    case Topics.logs:
      return extractFacts([], [], decode<LogRecord>());
    default:
      return [];
  }
}
