// One rule file on its own: YAML text → the validated raw content, or every error found in it with
// file:line:column and the field path. Checks that need other files (duplicate IDs, references to
// notifiers and calendars) are in rules/load-rules.ts; turning raw content into rules is rules/compile-rules.ts.
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { LocatedProblem } from '../core/errors.ts';
import { checkGuideTemplate } from './guide.ts';
import type { RuleKind, Severity } from './model.ts';
import { RULE_FILE_SCHEMA, VALUE_DEF_DESCRIPTIONS } from './rule-schema.ts';

/**
 * A problem located in a rule file: line and column are 1-based (0 when the problem concerns a whole
 * file or directory); path is the field such as `rules[2].within` ('' for the file itself).
 */
export type RuleFileError = LocatedProblem;

export type PathSegment = string | number;

// ---- the raw shapes the schema guarantees (field names as written in YAML) ----

interface RawRuleCommon {
  id: string;
  title: string;
  severity?: Severity;
  labels?: Record<string, string>;
  guide?: string;
  notify?: string[];
  ticket?: string[];
  enabled?: boolean;
}
type Raw<K extends RuleKind, F> = RawRuleCommon & { kind: K } & F;
export type RawRule =
  | Raw<'deadline', { after: string; expect: string | string[]; within: string; grace?: string; per?: 'order' | 'shipment'; calendar?: string }>
  | Raw<'sequence', { first: string; then: string }>
  | Raw<'status_mismatch', { tolerance?: string; systems?: string[] }>
  | Raw<'error_pattern', { match: { signal?: 'span' | 'log' | 'any'; service?: string; errorsOnly?: boolean; pattern: string }; threshold: number; window: string; rootCause: string }>
  | Raw<'stalled_queue', { within?: string; grace?: string; producedEvent?: string; consumedEvent?: string }>
  | Raw<'return_sla', {
    levels: { id: string; title: string; sla: string }[];
    routes: { type?: string; currency?: string; maxAmount?: number; level: string }[];
    closeOn?: string[];
    calendar?: string;
  }>;

export interface RawCalendar { id: string; timeZone: string; workingDays: number[]; start: string; end: string; holidays?: string[] }
export type RawNotifier =
  | { id: string; type: 'webhook'; url: string; secretEnv?: string }
  | { id: string; type: 'slack'; url: string }
  | { id: string; type: 'email'; smtp: { host: string; port?: number; secure?: boolean; userEnv?: string; passwordEnv?: string }; from: string; to: string[] };
export interface RawSettings {
  defaultNotify?: string[];
  statusPush?: string;
  defaultGrace?: string;
  grouping?: { groupWait?: string; groupInterval?: string; maxExamples?: number };
  uiBaseUrl?: string;
}

export interface RawRuleFile {
  rules?: RawRule[];
  vocabulary?: { systems?: Record<string, Record<string, string>>; milestones?: Record<string, string> };
  calendars?: RawCalendar[];
  notifiers?: RawNotifier[];
  settings?: RawSettings;
}

/** A file that passed its own checks, with a way to point later errors at its lines. */
export interface ParsedRuleFile {
  file: string;
  content: RawRuleFile;
  /** Position of the value at `path` (of its key with `key`), or of the nearest enclosing node. */
  locate(path: PathSegment[], key?: boolean): { line: number; column: number };
}

export type ParseResult = { ok: true; parsed: ParsedRuleFile } | { ok: false; errors: RuleFileError[] };

// ---- error text ----

export function formatPath(path: PathSegment[]): string {
  return path.map((seg, i) => typeof seg === 'number' ? `[${seg}]`
    : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg) ? `${i === 0 ? '' : '.'}${seg}` : `[${JSON.stringify(seg)}]`).join('');
}

export function formatRuleFileError(e: RuleFileError): string {
  const where = e.line > 0 ? `${e.file}:${e.line}:${e.column}` : e.file;
  return `${where}: ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

/** The value as the user wrote it, for "got …" (short). */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}..."` : text;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false', object: 'a mapping', array: 'a list', null: 'nothing',
};
const VALUE_DESCRIPTIONS = new Set<string>(Object.values(VALUE_DEF_DESCRIPTIONS));

// ---- schema validation ----

const validate = new Ajv2020({ allErrors: true, verbose: true, discriminator: true, allowUnionTypes: true }).compile(RULE_FILE_SCHEMA);

function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  const path: PathSegment[] = [];
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const index = Array.isArray(node) && /^\d+$/.test(seg) ? Number(seg) : seg;
    path.push(index);
    node = node !== null && typeof node === 'object' ? (node as Record<PathSegment, unknown>)[index] : undefined;
  }
  return path;
}

interface Finding { path: PathSegment[]; key: boolean; message: string }

/** One ajv error → a finding in words, or null for errors another error already explains. */
function describeSchemaError(e: ErrorObject, root: unknown): Finding | null {
  const path = pointerToPath(e.instancePath, root);
  const got = describeValue(e.data);
  const expectation = typeof e.parentSchema?.description === 'string' && VALUE_DESCRIPTIONS.has(e.parentSchema.description) ? e.parentSchema.description : null;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(p.missingProperty)], key: false, message: 'required field is missing' };
    case 'additionalProperties': {
      const known = Object.keys((e.parentSchema?.properties ?? {}) as object);
      const hint = known.length > 0 ? ` (known fields: ${known.join(', ')})` : '';
      return { path: [...path, String(p.additionalProperty)], key: true, message: `unknown field${hint}` };
    }
    case 'dependentRequired':
      return { path: [...path, String(p.property)], key: true, message: `needs "${String(p.missingProperty)}" as well` };
    case 'type': {
      const types = Array.isArray(p.type) ? p.type : String(p.type).split(',');
      return { path, key: false, message: `expected ${expectation ?? types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}, got ${got}` };
    }
    case 'enum':
      return { path, key: false, message: `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${got}` };
    case 'const':
      return { path, key: false, message: `expected ${JSON.stringify(p.allowedValue)}, got ${got}` };
    case 'pattern':
      return { path, key: false, message: `expected ${expectation ?? (e.parentSchema?.description as string | undefined) ?? `text matching ${String(p.pattern)}`}, got ${got}` };
    case 'minLength':
      return { path, key: false, message: `expected ${expectation ?? 'a non-empty string'}, got ${got}` };
    case 'minItems':
      return { path, key: false, message: `expected at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` };
    case 'minimum':
    case 'maximum':
      return { path, key: false, message: `expected a number ${p.comparison === '>=' ? '≥' : '≤'} ${String(p.limit)}, got ${got}` };
    case 'uniqueItems': {
      const [first, later] = [Number(p.i), Number(p.j)].sort((a, b) => a - b);
      return { path: [...path, later!], key: false, message: `duplicate of item [${first!}]` };
    }
    case 'discriminator': // the enum/required error on `kind` / `type` says it better
    case 'oneOf':
      return null;
    default:
      return { path, key: false, message: e.message ?? 'invalid' };
  }
}

// ---- checks the schema cannot express (this file only) ----

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const record = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Defensive over unvalidated data, so a file's semantic errors are reported alongside its schema errors. */
function semanticFindings(root: unknown): Finding[] {
  const found: Finding[] = [];
  const add = (path: PathSegment[], message: string) => found.push({ path, key: false, message });
  list(record(root).rules).forEach((raw, i) => {
    const rule = record(raw);
    if (typeof rule.guide === 'string') {
      try {
        checkGuideTemplate(rule.guide);
      } catch (error) {
        add(['rules', i, 'guide'], (error as Error).message);
      }
    }
    const pattern = record(rule.match).pattern;
    if (rule.kind === 'error_pattern' && typeof pattern === 'string') {
      try {
        new RegExp(pattern, 'i');
      } catch (error) {
        add(['rules', i, 'match', 'pattern'], `invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`);
      }
    }
    if (rule.kind === 'return_sla') {
      const levels = list(rule.levels).map((l) => record(l).id).filter((id): id is string => typeof id === 'string');
      levels.forEach((id, j) => { if (levels.indexOf(id) !== j) add(['rules', i, 'levels', j, 'id'], `duplicate level "${id}"`); });
      list(rule.routes).forEach((route, j) => {
        const level = record(route).level;
        if (typeof level === 'string' && !levels.includes(level)) add(['rules', i, 'routes', j, 'level'], `unknown level "${level}" (levels: ${levels.join(', ')})`);
      });
    }
  });
  list(record(root).calendars).forEach((raw, i) => {
    const cal = record(raw);
    if (typeof cal.timeZone === 'string' && !isValidTimeZone(cal.timeZone)) add(['calendars', i, 'timeZone'], `unknown time zone "${cal.timeZone}" (expected an IANA name such as "Europe/Berlin")`);
    if (typeof cal.start === 'string' && typeof cal.end === 'string' && cal.start >= cal.end) add(['calendars', i, 'end'], `must be later than start (${cal.start}), got "${cal.end}"`);
  });
  return found;
}

// ---- node positions ----

function scalarKey(node: unknown): unknown {
  return isScalar(node) ? node.value : node;
}

function locator(doc: ReturnType<typeof parseDocument>, lines: LineCounter): ParsedRuleFile['locate'] {
  const at = (node: Node | null | undefined) => {
    const pos = lines.linePos(node?.range?.[0] ?? 0);
    return { line: pos.line, column: pos.col };
  };
  return (path, key = false) => {
    let node = doc.contents as Node | null;
    for (const [i, seg] of path.entries()) {
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => String(scalarKey(p.key)) === String(seg));
        if (!pair) break;
        // an empty value (`within:`) has no text of its own: point at its key
        const empty = !pair.value || (isScalar(pair.value) && pair.value.value === null && pair.value.source === '');
        if ((last && key) || empty) return at(pair.key as Node);
        node = pair.value as Node;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg] as Node;
      } else {
        break;
      }
    }
    return at(node);
  };
}

/** Parses and validates one rule file (pure: the caller reads the file). */
export function parseRuleFile(file: string, text: string): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  const root: unknown = doc.toJS() ?? {};
  const locate = locator(doc, lines);
  const findings = validate(root) ? [] : (validate.errors ?? []).map((e) => describeSchemaError(e, root)).filter((f): f is Finding => f !== null);
  findings.push(...semanticFindings(root));
  if (findings.length > 0) {
    const errors = findings.map((f) => ({ file, ...locate(f.path, f.key), path: formatPath(f.path), message: f.message }));
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return { ok: false, errors: dedupe(errors) };
  }
  return { ok: true, parsed: { file, content: root as RawRuleFile, locate } };
}

function dedupe(errors: RuleFileError[]): RuleFileError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = formatRuleFileError(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
