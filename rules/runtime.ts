// The rules runtime the query API reads (query-api/routes/context.ts RulesRuntime): the rule set in
// force, hot-reloaded from the rule directories (watch-rules.ts), the problems of the last reload,
// and backtests of a rule file over stored records. I/O lives here; validation, merging, fact
// extraction and the replay itself are the pure modules' (rule-file, load-rules, facts, backtest).
import { readFileSync } from 'node:fs';
import { relative, isAbsolute } from 'node:path';
import { OrdertraceError } from '../core/errors.ts';
import type { LogRecord, OrderEvent, Span } from '../core/model.ts';
import { allPages } from '../core/paging.ts';
import type { StageDef } from '../core/stages.ts';
import type { Store } from '../core/store/store.ts';
import type { BacktestOutcome, BacktestTarget, RulesRuntime } from '../query-api/routes/context.ts';
import { backtest } from './backtest.ts';
import { extractFacts, nsToMs } from './facts.ts';
import { buildRuleSet, type LayeredFile } from './load-rules.ts';
import type { RuleKind, RuleSet } from './model.ts';
import { parseRuleFile, type RuleFileError } from './rule-file.ts';
import { RuleWatcher } from './watch-rules.ts';

/** Records of each kind one backtest replays at most. */
export const MAX_BACKTEST_RECORDS = 200_000;
const PAGE = 1000;
const NS_PER_MS = 1_000_000n;
/** Rule kinds that look at spans and logs, not only order events. */
const SIGNAL_KINDS: ReadonlySet<RuleKind> = new Set(['error_pattern', 'stalled_queue']);
export const DEFAULT_TEST_FILE = 'rule-test.yaml';

/** The set with no rules (every setting at its default): what is in force before a valid load. */
export function emptyRuleSet(): RuleSet {
  const result = buildRuleSet([]);
  if (!result.ok) throw new Error(`the empty rule set does not build: ${JSON.stringify(result.errors)}`);
  return result.ruleSet;
}

type Layered = { ok: true; files: LayeredFile[] } | { ok: false; errors: RuleFileError[] };

interface Loaded {
  ruleSet: RuleSet;
  loadedAtMs: number;
  /** The set's files parsed again, for layering a tested file over them (computed on first use). */
  layered?: Layered;
}

function contains(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * A RulesRuntime over a rule set that `load` keeps current. `dirs` are the set's directories in
 * layer order (a tested file is layered above them all).
 */
export class LoadedRulesRuntime implements RulesRuntime {
  private loaded: Loaded;
  private readonly dirs: string[];
  private readonly store: Store;
  private readonly now: () => number;
  private readonly stages: StageDef[] | undefined;
  private readonly errors: () => RuleFileError[];
  private readonly onClose: () => void;

  constructor(options: { ruleSet: RuleSet; dirs: string[]; store: Store; now: () => number; stages?: StageDef[]; errors?: () => RuleFileError[]; onClose?: () => void }) {
    this.dirs = options.dirs;
    this.stages = options.stages;
    this.store = options.store;
    this.now = options.now;
    this.errors = options.errors ?? (() => []);
    this.onClose = options.onClose ?? (() => {});
    this.loaded = { ruleSet: options.ruleSet, loadedAtMs: options.now() };
  }

  /** Stops following the rule files. */
  close(): void {
    this.onClose();
  }

  /** A new set is in force (hot reload). */
  replace(ruleSet: RuleSet): void {
    this.loaded = { ruleSet, loadedAtMs: this.now() };
  }

  current(): RuleSet {
    return this.loaded.ruleSet;
  }

  lastErrors(): RuleFileError[] {
    return this.errors();
  }

  get loadedAtMs(): number {
    return this.loaded.loadedAtMs;
  }

  async backtest(yamlText: string, target: BacktestTarget, fileName = DEFAULT_TEST_FILE): Promise<BacktestOutcome> {
    const parsed = parseRuleFile(fileName, yamlText);
    if (!parsed.ok) return { ok: false, errors: parsed.errors };
    const ruleIds = (parsed.parsed.content.rules ?? []).map((r) => r.id);
    if (ruleIds.length === 0) return { ok: false, errors: [{ file: fileName, line: 1, column: 1, path: 'rules', message: 'the file defines no rules to test' }] };
    const layered = this.layeredFiles();
    if (!layered.ok) return { ok: false, errors: layered.errors };
    const merged = buildRuleSet([...layered.files, { parsed: parsed.parsed, layer: this.dirs.length }]);
    if (!merged.ok) return { ok: false, errors: merged.errors };
    const ruleSet: RuleSet = { ...merged.ruleSet, rules: merged.ruleSet.rules.filter((r) => ruleIds.includes(r.id)) };
    const withSignals = ruleSet.rules.some((r) => SIGNAL_KINDS.has(r.kind));
    const { orderId, events, spans, logs, fromMs, toMs } = await this.records(target, withSignals);
    const facts = extractFacts(events, spans, logs);
    const result = backtest(ruleSet, facts, { fromMs, toMs, stages: this.stages });
    const scanned = { events: events.length, spans: spans.length, logs: logs.length };
    return { ok: true, report: { orderId, fromMs, toMs, ruleIds, scanned, replayed: result.facts, alerts: result.alerts } };
  }

  /** The loaded set's files, parsed again (cached per set); problems if one no longer parses. */
  private layeredFiles(): Layered {
    if (this.loaded.layered) return this.loaded.layered;
    const files: LayeredFile[] = [];
    const errors: RuleFileError[] = [];
    for (const file of this.loaded.ruleSet.files) {
      const result = parseRuleFile(file, readFileSync(file, 'utf8'));
      // the last directory holding the file is its layer, as loadRules numbers them
      const layer = this.dirs.reduce((found, dir, i) => (contains(dir, file) ? i : found), 0);
      if (result.ok) files.push({ parsed: result.parsed, layer });
      else errors.push(...result.errors);
    }
    this.loaded.layered = errors.length > 0 ? { ok: false, errors } : { ok: true, files };
    return this.loaded.layered;
  }

  private async records(target: BacktestTarget, withSignals: boolean): Promise<{ orderId: string | null; events: OrderEvent[]; spans: Span[]; logs: LogRecord[]; fromMs: number; toMs: number }> {
    const nowMs = this.now();
    if ('orderId' in target) {
      const orderId = await this.store.resolveOrderKey(target.orderId);
      const records = orderId === null ? null : await this.store.getOrder(orderId);
      if (!records) throw new OrdertraceError('OT_ERR_ORDER_NOT_FOUND', `no order matches ${JSON.stringify(target.orderId)} (tried order ID, business keys and Trace ID)`);
      const times = [...records.events.map((e) => e.timeUnixNano), ...records.spans.map((s) => s.startTimeUnixNano), ...records.logs.map((l) => l.timeUnixNano)].map(nsToMs);
      const fromMs = times.length > 0 ? Math.min(...times) : nowMs;
      return { orderId: records.orderId, events: records.events, spans: records.spans, logs: records.logs, fromMs, toMs: Math.max(fromMs, nowMs) };
    }
    const fromNs = (BigInt(target.fromMs) * NS_PER_MS).toString();
    const toNs = (BigInt(target.toMs) * NS_PER_MS).toString();
    const events = await allPages((cursor) => this.store.listEvents({ fromNs, toNs, limit: PAGE, cursor }), MAX_BACKTEST_RECORDS, 'order events in the window');
    const spans = withSignals ? await allPages((cursor) => this.store.searchSpans({ fromNs, toNs, limit: PAGE, cursor }), MAX_BACKTEST_RECORDS, 'spans in the window') : [];
    const logs = withSignals ? await allPages((cursor) => this.store.searchLogs({ fromNs, toNs, limit: PAGE, cursor }), MAX_BACKTEST_RECORDS, 'logs in the window') : [];
    // searches come newest first; the replay wants time order
    spans.reverse();
    logs.reverse();
    return { orderId: null, events, spans, logs, fromMs: target.fromMs, toMs: Math.min(target.toMs, Math.max(target.fromMs, nowMs)) };
  }
}

export interface WatchedRulesOptions {
  /** Rule directories in layer order (shipped defaults first, then the user's). */
  dirs: string[];
  store: Store;
  now?: () => number;
  /** Stage catalog the backtest engine ranks milestones with (default: core/stages.ts). */
  stages?: StageDef[];
  /** A reload brought a new valid set (the engine can follow it too). */
  onChange?: (ruleSet: RuleSet) => void;
  /** A reload failed; the previous set stays in force. */
  onError?: (errors: RuleFileError[]) => void;
  debounceMs?: number;
}

/**
 * Loads the rule directories and keeps the set current as files change. A set that fails validation
 * leaves the previous one (at first: the empty set) in force; its problems are lastErrors().
 */
export function openRulesRuntime(options: WatchedRulesOptions): LoadedRulesRuntime {
  const now = options.now ?? Date.now;
  let runtime: LoadedRulesRuntime | undefined;
  const watcher = new RuleWatcher({
    dirs: options.dirs,
    ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
    onChange: (ruleSet) => {
      runtime?.replace(ruleSet);
      options.onChange?.(ruleSet);
    },
    onError: (errors) => options.onError?.(errors),
  });
  const first = watcher.start();
  runtime = new LoadedRulesRuntime({
    ruleSet: first.ok ? first.ruleSet : emptyRuleSet(),
    dirs: options.dirs,
    store: options.store,
    now,
    ...(options.stages ? { stages: options.stages } : {}),
    errors: () => watcher.lastErrors(),
    onClose: () => watcher.close(),
  });
  return runtime;
}

/** No rules loaded; backtests still work (a tested file stands alone). */
export function emptyRulesRuntime(store: Store, now: () => number): RulesRuntime {
  return new LoadedRulesRuntime({ ruleSet: emptyRuleSet(), dirs: [], store, now });
}
