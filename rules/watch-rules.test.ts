import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RuleSet } from './model.ts';
import { formatRuleFileError, type RuleFileError } from './rule-file.ts';
import { RuleWatcher } from './watch-rules.ts';

const rule = (id: string, within: string) => `rules:
  - id: ${id}
    kind: deadline
    title: Paid but not locked
    after: payment.succeeded
    expect: inventory.locked
    within: ${within}
`;

/** Resolves with the next value pushed by a callback. */
function nextCall<T>(): { push: (value: T) => void; next: (timeoutMs?: number) => Promise<T> } {
  const queue: T[] = [];
  let waiting: ((value: T) => void) | null = null;
  return {
    push: (value) => {
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve(value);
      } else {
        queue.push(value);
      }
    },
    next: (timeoutMs = 5000) => new Promise<T>((resolve, reject) => {
      const queued = queue.shift();
      if (queued !== undefined) return resolve(queued);
      const timer = setTimeout(() => reject(new Error('no callback within the timeout')), timeoutMs);
      waiting = (value) => {
        clearTimeout(timer);
        resolve(value);
      };
    }),
  };
}

describe('rule hot reload', () => {
  let watcher: RuleWatcher | null = null;
  afterEach(() => watcher?.close());

  it('reloads on change, keeps the previous rules while a file is broken, and recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ot-watch-'));
    const file = join(dir, 'stock.yaml');
    writeFileSync(file, rule('stock-lock', '2h'));
    const changes = nextCall<RuleSet>();
    const failures = nextCall<RuleFileError[]>();
    watcher = new RuleWatcher({ dirs: [dir], onChange: changes.push, onError: failures.push, debounceMs: 50 });

    const initial = watcher.start();
    expect(initial.ok).toBe(true);
    expect(watcher.current()?.rules.map((r) => [r.id, r.kind === 'deadline' && r.withinMs])).toEqual([['stock-lock', 7_200_000]]);

    // an edit
    writeFileSync(file, rule('stock-lock', '3h'));
    const changed = await changes.next();
    expect(changed.rules[0]).toMatchObject({ id: 'stock-lock', withinMs: 10_800_000 });
    expect(watcher.current()).toBe(changed);
    expect(watcher.lastErrors()).toEqual([]);

    // a broken edit: reported with file:line:field, the previous rules stay in force
    writeFileSync(file, rule('stock-lock', '3 hours'));
    const errors = await failures.next();
    expect(errors.map(formatRuleFileError)).toEqual([`${file}:7:13: rules[0].within: expected a duration such as "90s", "15m", "2h" or "3d", got "3 hours"`]);
    expect(watcher.current()).toBe(changed);
    expect(watcher.lastErrors()).toEqual(errors);

    // fixed, by an editor-style atomic save (write a temp file, rename over the original)
    writeFileSync(join(dir, '.stock.yaml.tmp'), rule('stock-lock', '4h'));
    renameSync(join(dir, '.stock.yaml.tmp'), file);
    const fixed = await changes.next();
    expect(fixed.rules[0]).toMatchObject({ withinMs: 14_400_000 });
    expect(watcher.current()).toBe(fixed);
    expect(watcher.lastErrors()).toEqual([]);
  });

  it('debounces a burst of writes into one reload and ignores saves that change nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ot-watch-'));
    writeFileSync(join(dir, 'a.yaml'), rule('a', '1h'));
    const changes = nextCall<RuleSet>();
    const seen: RuleSet[] = [];
    watcher = new RuleWatcher({ dirs: [dir], onChange: (set) => { seen.push(set); changes.push(set); }, onError: () => {}, debounceMs: 100 });
    watcher.start();

    for (const within of ['2h', '3h', '4h', '5h']) writeFileSync(join(dir, 'a.yaml'), rule('a', within));
    writeFileSync(join(dir, 'b.yml'), rule('b', '1h'));
    const set = await changes.next();
    expect(set.rules.map((r) => r.id)).toEqual(['a', 'b']);
    expect(set.rules[0]).toMatchObject({ withinMs: 5 * 3_600_000 });

    // the same content written again: no new rule set
    writeFileSync(join(dir, 'b.yml'), rule('b', '1h'));
    await expect(changes.next(600)).rejects.toThrow('no callback');
    expect(seen).toHaveLength(1);
  });

  it('starts with no rules when the initial set is invalid, then picks up the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ot-watch-'));
    writeFileSync(join(dir, 'a.yaml'), 'rules:\n  - id: a\n');
    const changes = nextCall<RuleSet>();
    watcher = new RuleWatcher({ dirs: [dir], onChange: changes.push, onError: () => {}, debounceMs: 50 });
    const initial = watcher.start();
    expect(initial.ok).toBe(false);
    expect(watcher.current()).toBeNull();
    expect(watcher.lastErrors().map(formatRuleFileError)).toEqual([`${join(dir, 'a.yaml')}:2:5: rules[0].kind: required field is missing`]);

    writeFileSync(join(dir, 'a.yaml'), rule('a', '1h'));
    expect((await changes.next()).rules.map((r) => r.id)).toEqual(['a']);
  });
});
