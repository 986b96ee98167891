// Loads the rule directories (shipped defaults first, then the user's) into one validated RuleSet.
// Within one directory every rule, calendar, notifier, setting and vocabulary word is defined once;
// a later directory replaces what an earlier one defined under the same ID/key (docs/rules.md).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCalendar, compileNotifier, compileRule, compileSettings } from './compile-rules.ts';
import type { RuleSet } from './model.ts';
import { formatPath, parseRuleFile, type ParsedRuleFile, type PathSegment, type RawRule, type RawRuleFile, type RawSettings, type RuleFileError } from './rule-file.ts';

/**
 * The shipped default rules. From source this is rules/defaults; from the build (dist/rules/) it is the
 * source tree's rules/defaults two levels up, so a package must ship rules/defaults next to dist/.
 */
export const DEFAULT_RULES_DIR = [new URL('./defaults', import.meta.url), new URL('../../rules/defaults', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('./defaults', import.meta.url));

export type LoadResult = { ok: true; ruleSet: RuleSet } | { ok: false; errors: RuleFileError[] };

/** A parsed file and the index of the directory it came from (later directories win). */
export interface LayeredFile {
  parsed: ParsedRuleFile;
  layer: number;
}

/** Reads and loads the rule directories, earliest (the shipped defaults) first. */
export function loadRules(dirs: string[]): LoadResult {
  const { files, errors } = readRuleFiles(dirs);
  // references between files are only checked once every file is valid on its own: a broken file
  // would otherwise also show up as "unknown notifier" errors elsewhere
  return errors.length > 0 ? { ok: false, errors } : buildRuleSet(files);
}

function unreadable(file: string, what: string, error: unknown): RuleFileError {
  return { file, line: 0, column: 0, path: '', message: `cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
}

/**
 * Reads and checks every *.yaml / *.yml (not hidden files) of each directory, in name order. Files
 * that pass are returned with their directory's index as layer, for buildRuleSet.
 */
export function readRuleFiles(dirs: string[]): { files: LayeredFile[]; errors: RuleFileError[] } {
  const errors: RuleFileError[] = [];
  const files: LayeredFile[] = [];
  dirs.forEach((dir, layer) => {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith('.')).sort();
    } catch (error) {
      errors.push(unreadable(dir, 'rules directory', error));
      return;
    }
    for (const name of names) {
      const file = join(dir, name);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        errors.push(unreadable(file, 'file', error));
        continue;
      }
      const result = parseRuleFile(file, text);
      if (result.ok) files.push({ parsed: result.parsed, layer });
      else errors.push(...result.errors);
    }
  });
  return { files, errors };
}

interface Entry<T> {
  key: string;
  value: T;
  layer: number;
  parsed: ParsedRuleFile;
  path: PathSegment[];
}

function errorAt(parsed: ParsedRuleFile, path: PathSegment[], message: string, key = false): RuleFileError {
  return { file: parsed.file, ...parsed.locate(path, key), path: formatPath(path), message };
}

/** Later layers replace earlier ones; the same key twice within one layer is an error. */
function merge<T>(entries: Entry<T>[], what: string, keyPath: PathSegment[], errors: RuleFileError[]): Map<string, Entry<T>> {
  const merged = new Map<string, Entry<T>>();
  for (const entry of entries) {
    const earlier = merged.get(entry.key);
    if (earlier && earlier.layer === entry.layer) {
      const where = earlier.parsed.locate([...earlier.path, ...keyPath], keyPath.length === 0);
      errors.push(errorAt(entry.parsed, [...entry.path, ...keyPath], `${what} "${entry.key}" is already defined at ${earlier.parsed.file}:${where.line}:${where.column}`, keyPath.length === 0));
      continue;
    }
    merged.set(entry.key, entry);
  }
  return merged;
}

function entries<T>(files: LayeredFile[], pick: (content: RawRuleFile) => [key: string, value: T, path: PathSegment[]][]): Entry<T>[] {
  return files.flatMap(({ parsed, layer }) => pick(parsed.content).map(([key, value, path]) => ({ key, value, layer, parsed, path })));
}

function settingEntries(settings: RawSettings | undefined): [string, unknown, PathSegment[]][] {
  return Object.entries(settings ?? {}).flatMap(([key, value]): [string, unknown, PathSegment[]][] => key === 'grouping'
    ? Object.entries(value as object).map(([sub, v]) => [`grouping.${sub}`, v, ['settings', 'grouping', sub]])
    : [[key, value, ['settings', key]]]);
}

function unflattenSettings(flat: Map<string, Entry<unknown>>): RawSettings {
  const settings: Record<string, unknown> = {};
  for (const [key, { value }] of flat) {
    const [head, sub] = key.split('.') as [string, string | undefined];
    if (sub === undefined) settings[head] = value;
    else settings[head] = { ...(settings[head] as object | undefined), [sub]: value };
  }
  return settings as RawSettings;
}

function byPlace(a: RuleFileError, b: RuleFileError): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}

/** Notifiers and calendars named by rules and settings must exist in the merged set. */
function referenceErrors(
  rules: Map<string, Entry<RawRule>>, calendars: Map<string, Entry<unknown>>, notifiers: Map<string, Entry<unknown>>, settings: Map<string, Entry<unknown>>,
): RuleFileError[] {
  const errors: RuleFileError[] = [];
  const check = (ids: Map<string, unknown>, what: string, entry: Entry<unknown>, path: PathSegment[], id: string) => {
    if (!ids.has(id)) errors.push(errorAt(entry.parsed, [...entry.path, ...path], `unknown ${what} "${id}" (defined: ${[...ids.keys()].join(', ') || 'none'})`));
  };
  for (const entry of rules.values()) {
    const rule = entry.value;
    rule.notify?.forEach((id, i) => check(notifiers, 'notifier', entry, ['notify', i], id));
    rule.ticket?.forEach((id, i) => check(notifiers, 'notifier', entry, ['ticket', i], id));
    if ((rule.kind === 'deadline' || rule.kind === 'return_sla') && rule.calendar !== undefined) check(calendars, 'calendar', entry, ['calendar'], rule.calendar);
  }
  const defaultNotify = settings.get('defaultNotify');
  if (defaultNotify) (defaultNotify.value as string[]).forEach((id, i) => check(notifiers, 'notifier', defaultNotify, [i], id));
  const statusPush = settings.get('statusPush');
  if (statusPush) check(notifiers, 'notifier', statusPush, [], statusPush.value as string);
  return errors;
}

/** Merges parsed files into one RuleSet and checks references between them (pure). */
export function buildRuleSet(files: LayeredFile[]): LoadResult {
  const errors: RuleFileError[] = [];
  const rules = merge(entries(files, (c) => (c.rules ?? []).map((r, i) => [r.id, r, ['rules', i]])), 'rule', ['id'], errors);
  const calendars = merge(entries(files, (c) => (c.calendars ?? []).map((r, i) => [r.id, r, ['calendars', i]])), 'calendar', ['id'], errors);
  const notifiers = merge(entries(files, (c) => (c.notifiers ?? []).map((r, i) => [r.id, r, ['notifiers', i]])), 'notifier', ['id'], errors);
  const settings = merge(entries(files, (c) => settingEntries(c.settings)), 'setting', [], errors);
  const systemWords = merge(entries(files, (c) => Object.entries(c.vocabulary?.systems ?? {}).flatMap(([system, words]) =>
    Object.entries(words).map(([word, canonical]): [string, [string, string, string], PathSegment[]] =>
      [`${system}: ${word}`, [system, word, canonical], ['vocabulary', 'systems', system, word]]))), 'status word', [], errors);
  const milestones = merge(entries(files, (c) => Object.entries(c.vocabulary?.milestones ?? {}).map(([event, canonical]) =>
    [event, canonical, ['vocabulary', 'milestones', event]])), 'milestone', [], errors);

  errors.push(...referenceErrors(rules, calendars, notifiers, settings));
  if (errors.length > 0) return { ok: false, errors: errors.sort(byPlace) };

  const compiled = compileSettings(unflattenSettings(settings));
  const vocabulary = { systems: {} as Record<string, Record<string, string>>, milestones: {} as Record<string, string> };
  for (const { value: [system, word, canonical] } of systemWords.values()) (vocabulary.systems[system] ??= {})[word] = canonical;
  for (const { key, value } of milestones.values()) vocabulary.milestones[key] = value;
  return {
    ok: true,
    ruleSet: {
      rules: [...rules.values()].map(({ value, parsed, path }) => compileRule(value, { file: parsed.file, line: parsed.locate(path).line }, compiled)),
      vocabulary,
      calendars: [...calendars.values()].map((e) => compileCalendar(e.value)),
      notifiers: [...notifiers.values()].map((e) => compileNotifier(e.value)),
      defaultNotify: compiled.defaultNotify,
      statusPush: compiled.statusPush,
      grouping: compiled.grouping,
      uiBaseUrl: compiled.uiBaseUrl,
      files: files.map((f) => f.parsed.file),
    },
  };
}
