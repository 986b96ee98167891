// What the route modules need from buildQueryApi. RulesRuntime is an interface so routes stay
// independent of how rules are loaded and watched (rules/runtime.ts implements it).
import type { Alert } from '../../core/alerts.ts';
import type { LocatedProblem } from '../../core/errors.ts';
import type { StageDef } from '../../core/stages.ts';
import type { AlertStore } from '../../core/store/alert-store.ts';
import type { Store } from '../../core/store/store.ts';
import type { RuleSet } from '../../rules/model.ts';

/** What a backtest runs over: one order's records, or every order event in a time window. */
export type BacktestTarget = { orderId: string } | { fromMs: number; toMs: number };

export interface BacktestReport {
  /** The order tested, or null for a window. */
  orderId: string | null;
  /** The evaluated window, ms since the epoch: [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  /** IDs of the rules in the tested file. */
  ruleIds: string[];
  /** Records the backtest read. */
  scanned: { events: number; spans: number; logs: number };
  /** Facts replayed: the records of orders (and consumer spans) inside the window. */
  replayed: number;
  /** The alerts the rules would have raised, in firing order. */
  alerts: Alert[];
}

export type BacktestOutcome = { ok: true; report: BacktestReport } | { ok: false; errors: LocatedProblem[] };

export interface RulesRuntime {
  /** The rule set in force (the last one that loaded without errors). */
  current(): RuleSet;
  /** Problems of the last (re)load; empty when it succeeded. */
  lastErrors(): LocatedProblem[];
  /** When current() was loaded, ms since the epoch. */
  readonly loadedAtMs: number;
  /**
   * Validates one rule file's YAML (layered over the loaded files, so it may use their calendars and
   * notifiers) and replays the stored records of the target through its rules. `fileName` names the
   * file in problem locations. An unknown order rejects with OT_ERR_ORDER_NOT_FOUND.
   */
  backtest(yamlText: string, target: BacktestTarget, fileName?: string): Promise<BacktestOutcome>;
}

export interface RouteContext {
  store: Store;
  alerts: AlertStore;
  rules: RulesRuntime;
  stages: StageDef[];
  now: () => number;
  keyAttributes: readonly string[];
}
