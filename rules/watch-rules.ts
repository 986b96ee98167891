// Hot reload: watches the rule directories and reloads the whole set (debounced) when a file changes.
// A set that fails validation is reported and ignored — the previous valid set stays current.
import { watch, type FSWatcher } from 'node:fs';
import type { RuleSet } from './model.ts';
import { loadRules, type LoadResult } from './load-rules.ts';
import type { RuleFileError } from './rule-file.ts';

export interface RuleWatcherOptions {
  dirs: string[];
  /** A reload produced a valid rule set that differs from the current one. */
  onChange: (ruleSet: RuleSet) => void;
  /** A reload failed; the previous rule set stays current. */
  onError: (errors: RuleFileError[]) => void;
  /** Quiet time after the last file event before reloading (editors write in several steps). */
  debounceMs?: number;
}

export class RuleWatcher {
  private readonly options: RuleWatcherOptions;
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | null = null;
  private ruleSet: RuleSet | null = null;
  private fingerprint = '';
  private errors: RuleFileError[] = [];

  constructor(options: RuleWatcherOptions) {
    this.options = options;
  }

  /** Loads the rules once and starts watching. An invalid initial set leaves current() null. */
  start(): LoadResult {
    const { result } = this.reload();
    for (const dir of this.options.dirs) {
      try {
        const watcher = watch(dir, () => this.schedule());
        watcher.on('error', (error) => this.options.onError([{ file: dir, line: 0, column: 0, path: '', message: `stopped watching (${error.message})` }]));
        this.watchers.push(watcher);
      } catch {
        // the directory is missing: reload() has already reported it
      }
    }
    return result;
  }

  /** The last valid rule set (null if none has loaded yet). */
  current(): RuleSet | null {
    return this.ruleSet;
  }

  /** Errors of the last load; empty when it succeeded. */
  lastErrors(): RuleFileError[] {
    return this.errors;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      const { result, changed } = this.reload();
      if (!result.ok) this.options.onError(result.errors);
      else if (changed) this.options.onChange(result.ruleSet);
    }, this.options.debounceMs ?? 200);
  }

  private reload(): { result: LoadResult; changed: boolean } {
    const result = loadRules(this.options.dirs);
    this.errors = result.ok ? [] : result.errors;
    if (!result.ok) return { result, changed: false };
    // saving a file without changing it must not hand the engine a "new" rule set
    const fingerprint = JSON.stringify(result.ruleSet);
    if (fingerprint === this.fingerprint) return { result, changed: false };
    this.fingerprint = fingerprint;
    this.ruleSet = result.ruleSet;
    return { result, changed: true };
  }
}
