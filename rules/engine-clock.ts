// Drives a RuleEngine from the wall clock: one setTimeout armed for the engine's next due timer,
// so alerts fire within milliseconds of their time without polling. Call poke() after anything
// that may have armed an earlier timer (ingest, restore, setRules).
import type { EngineOutput, RuleEngine } from './engine.ts';

const rethrow = (error: unknown): never => {
  throw error;
};

/** setTimeout's largest delay; a later timer is re-checked then. */
const MAX_DELAY_MS = 2_147_483_647;

export class EngineClock {
  private readonly engine: RuleEngine;
  private readonly onOutput: (out: EngineOutput) => void;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  private timeout: NodeJS.Timeout | null = null;
  private armedFor: number | null = null;
  private stopped = false;

  /** onError receives what advance() or onOutput throws (default: rethrown, i.e. uncaught). */
  constructor(engine: RuleEngine, onOutput: (out: EngineOutput) => void, now: () => number = Date.now, onError: (error: unknown) => void = rethrow) {
    this.engine = engine;
    this.onOutput = onOutput;
    this.now = now;
    this.onError = onError;
  }

  /** (Re-)arms the timeout when the engine's next due time is earlier than the one armed. */
  poke(): void {
    if (this.stopped) return;
    const due = this.engine.nextDueMs();
    if (due === null || (this.armedFor !== null && this.armedFor <= due)) return;
    if (this.timeout !== null) clearTimeout(this.timeout);
    this.armedFor = due;
    this.timeout = setTimeout(() => this.tick(), Math.min(MAX_DELAY_MS, Math.max(0, due - this.now())));
  }

  stop(): void {
    this.stopped = true;
    if (this.timeout !== null) clearTimeout(this.timeout);
    this.timeout = null;
  }

  private tick(): void {
    this.timeout = null;
    this.armedFor = null;
    try {
      const out = this.engine.advance(this.now());
      if (out.alerts.length > 0 || out.states.length > 0 || out.projections.length > 0) this.onOutput(out);
    } catch (error) {
      this.onError(error);
    } finally {
      this.poke();
    }
  }
}
