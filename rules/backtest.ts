// Backtest: which alerts would these rules have raised over past facts? A fresh engine on a
// simulated clock replays the facts in event-time order (each timer fires at its own time), so
// the answer is what the live engine would have said with no ingest delay. POST /api/v1/rules/test.
import type { StageDef } from '../core/stages.ts';
import { RuleEngine, type EngineOutput } from './engine.ts';
import type { Alert, ErrorPatternRule, Fact, RuleSet } from './model.ts';
import { windowBuckets, WindowCounter } from './window-counter.ts';

export interface BacktestOptions {
  fromMs: number;
  toMs: number;
  stages?: StageDef[];
}

export interface BacktestResult {
  /** Final row of every alert raised, with its resolution; by firedAtMs, then id. */
  alerts: Alert[];
  /** Facts replayed (those with fromMs ≤ timeMs ≤ toMs). */
  facts: number;
}

export function backtest(ruleSet: RuleSet, facts: readonly Fact[], options: BacktestOptions): BacktestResult {
  const { fromMs, toMs } = options;
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs <= toMs)) throw new RangeError(`backtest: expected fromMs ≤ toMs, got ${fromMs} and ${toMs}`);
  const replay = facts.filter((f) => f.timeMs >= fromMs && f.timeMs <= toMs).sort((a, b) => a.timeMs - b.timeMs);
  const engine = new RuleEngine(ruleSet, { partitionOf: () => 0, stages: options.stages });
  const patterns = ruleSet.rules.filter((r): r is ErrorPatternRule => r.kind === 'error_pattern' && r.enabled);
  const counter = new WindowCounter();
  const alerts = new Map<string, Alert>();
  const keep = (out: EngineOutput) => {
    for (const alert of out.alerts) alerts.set(alert.id, alert);
    return out;
  };
  const advanceTo = (t: number) => {
    for (let due = engine.nextDueMs(); due !== null && due <= t; due = engine.nextDueMs()) keep(engine.advance(due));
  };

  for (let i = 0; i < replay.length; ) {
    const t = replay[i]!.timeMs;
    let j = i;
    while (j < replay.length && replay[j]!.timeMs === t) j++;
    advanceTo(t);
    const out = keep(engine.ingest(replay.slice(i, j), t));
    for (const m of out.matches) counter.add(m.ruleId, m.timeMs);
    for (const rule of patterns) {
      if (!out.matches.some((m) => m.ruleId === rule.id)) continue;
      const window = windowBuckets(t, rule.windowMs);
      if (counter.sum(rule.id, window.fromMs, window.toMs) >= rule.threshold) keep(engine.fireErrorPattern(rule.id, t - rule.windowMs, t));
    }
    i = j;
  }
  advanceTo(toMs);
  keep(engine.advance(toMs));

  const sorted = [...alerts.values()].sort((a, b) => a.firedAtMs - b.firedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { alerts: sorted, facts: replay.length };
}
