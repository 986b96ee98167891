// The rules role over already opened backends: the rule directories (shipped defaults + the user's,
// hot-reloaded), the runtime the query API reads (rule list, backtests), and the bus worker that
// evaluates them. All-in-one runs it beside the other roles; `ordertrace rules` runs it alone.
import type { Bus } from '../core/bus/bus.ts';
import type { DomainConfig } from '../core/domain-config.ts';
import type { Store } from '../core/store/store.ts';
import { DEFAULT_RULES_DIR } from '../rules/load-rules.ts';
import { openRulesRuntime, type LoadedRulesRuntime } from '../rules/runtime.ts';
import { RulesWorker } from '../rules/worker.ts';
import type { RuleFileError } from '../rules/rule-file.ts';

/** Shipped defaults first, then the user's directory (a rule with the same id replaces the default). */
export function ruleDirs(rulesDir: string | undefined): string[] {
  return rulesDir ? [DEFAULT_RULES_DIR, rulesDir] : [DEFAULT_RULES_DIR];
}

export function describeRuleErrors(errors: readonly RuleFileError[]): string {
  return errors.map((e) => `  ${e.file}:${e.line}:${e.column}: ${e.path ? `${e.path}: ` : ''}${e.message}`).join('\n');
}

const report = (errors: RuleFileError[]) => console.error(`ordertrace rules: a rule file is invalid; the previous rules stay in force:\n${describeRuleErrors(errors)}`);

/** The rule set the query API shows and backtests against (no worker). */
export function openRules(options: { store: Store; domain: DomainConfig; rulesDir: string | undefined; onChange?: LoadedRulesRuntime['replace'] }): LoadedRulesRuntime {
  const runtime = openRulesRuntime({
    dirs: ruleDirs(options.rulesDir),
    store: options.store,
    stages: options.domain.stages,
    ...(options.onChange ? { onChange: options.onChange } : {}),
    onError: report,
  });
  const errors = runtime.lastErrors();
  if (errors.length > 0) report(errors as RuleFileError[]);
  return runtime;
}

export interface ServedRules {
  runtime: LoadedRulesRuntime;
  worker: RulesWorker;
  close(): Promise<void>;
}

export async function serveRules(options: { bus: Bus; store: Store; domain: DomainConfig; rulesDir: string | undefined; partitions: number; groupId?: string }): Promise<ServedRules> {
  let worker: RulesWorker | null = null;
  const runtime = openRules({ ...options, onChange: (ruleSet) => worker?.setRules(ruleSet) });
  try {
    worker = await RulesWorker.start({
      bus: options.bus,
      store: options.store,
      ruleSet: runtime.current(),
      stages: options.domain.stages,
      partitions: options.partitions,
      ...(options.groupId ? { groupId: options.groupId } : {}),
    });
  } catch (error) {
    runtime.close();
    throw error;
  }
  const running = worker;
  return {
    runtime,
    worker: running,
    async close() {
      runtime.close();
      await running.stop();
    },
  };
}
