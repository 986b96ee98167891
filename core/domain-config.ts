// The domain configuration file (YAML, --config): stage catalog, business keys and span-name
// mappings. Every field is optional; built-in defaults apply. Errors name the file and field.
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { SpanNameEventRule } from './otlp/order-events.ts';
import { DEFAULT_STAGES, type StageDef } from './stages.ts';

export interface DomainConfig {
  stages: StageDef[];
  /** Attribute names whose values identify an order for lookup (besides order.id and trace IDs). */
  keyAttributes: string[];
  /** Span names mapped to order events, for systems that cannot add attributes. */
  spanNameEvents: SpanNameEventRule[];
}

export const DEFAULT_KEY_ATTRIBUTES = ['return.id', 'shipment.id', 'shipment.tracking_number', 'payment.reference'];

export function defaultDomainConfig(): DomainConfig {
  return { stages: DEFAULT_STAGES, keyAttributes: DEFAULT_KEY_ATTRIBUTES, spanNameEvents: [] };
}

export class DomainConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DomainConfigError';
  }
}

type Check = (path: string, value: unknown) => void;

function fail(path: string, expected: string, value: unknown): never {
  throw new DomainConfigError(`${path}: expected ${expected}, got ${JSON.stringify(value)}`);
}

const isString: Check = (path, v) => { if (typeof v !== 'string' || v === '') fail(path, 'a non-empty string', v); };
const isStringList: Check = (path, v) => {
  if (!Array.isArray(v)) fail(path, 'a list of strings', v);
  v.forEach((item, i) => isString(`${path}[${i}]`, item));
};

/** A duration string; the rule files' JSON Schema (rules/rule-schema.ts) uses the same pattern. */
export const DURATION_PATTERN = '^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)\\s*$';
export const DURATION_EXPECTED = 'a duration such as "90s", "15m", "2h" or "3d"';
const durationRegex = new RegExp(DURATION_PATTERN);

/** Parses "90s", "15m", "2h", "3d" or a number of milliseconds. */
export function parseDuration(path: string, value: unknown): number {
  if (typeof value === 'number' && value > 0) return value;
  const match = typeof value === 'string' ? durationRegex.exec(value) : null;
  if (!match) fail(path, DURATION_EXPECTED, value);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

function parseStage(path: string, raw: unknown): StageDef {
  if (typeof raw !== 'object' || raw === null) fail(path, 'a mapping', raw);
  const r = raw as Record<string, unknown>;
  for (const field of ['id', 'title', 'start', 'end', 'system']) isString(`${path}.${field}`, r[field]);
  const failOn = r.failOn ?? [];
  isStringList(`${path}.failOn`, failOn);
  const per = r.per ?? 'order';
  if (per !== 'order' && per !== 'shipment') fail(`${path}.per`, '"order" or "shipment"', per);
  const flow = r.flow ?? 'forward';
  if (flow !== 'forward' && flow !== 'return') fail(`${path}.flow`, '"forward" or "return"', flow);
  return {
    id: r.id as string, title: r.title as string, start: r.start as string, end: r.end as string,
    failOn: failOn as string[], system: r.system as string, expectedMs: parseDuration(`${path}.expected`, r.expected), per, flow,
  };
}

/** Validates a parsed YAML document into a DomainConfig (pure). */
export function parseDomainConfig(raw: unknown, source = 'config'): DomainConfig {
  const config = defaultDomainConfig();
  if (raw === null || raw === undefined) return config;
  if (typeof raw !== 'object' || Array.isArray(raw)) fail(source, 'a mapping at the top level', raw);
  const r = raw as Record<string, unknown>;
  const known = new Set(['stages', 'keyAttributes', 'spanNameEvents']);
  for (const key of Object.keys(r)) if (!known.has(key)) throw new DomainConfigError(`${source}: unknown field "${key}" (known: ${[...known].join(', ')})`);
  if (r.stages !== undefined) {
    if (!Array.isArray(r.stages)) fail(`${source}.stages`, 'a list', r.stages);
    config.stages = r.stages.map((s, i) => parseStage(`${source}.stages[${i}]`, s));
    const ids = new Set<string>();
    for (const stage of config.stages) {
      if (ids.has(stage.id)) throw new DomainConfigError(`${source}.stages: duplicate id "${stage.id}"`);
      ids.add(stage.id);
    }
  }
  if (r.keyAttributes !== undefined) {
    isStringList(`${source}.keyAttributes`, r.keyAttributes);
    config.keyAttributes = r.keyAttributes as string[];
  }
  if (r.spanNameEvents !== undefined) {
    if (!Array.isArray(r.spanNameEvents)) fail(`${source}.spanNameEvents`, 'a list', r.spanNameEvents);
    config.spanNameEvents = r.spanNameEvents.map((m, i) => {
      const p = `${source}.spanNameEvents[${i}]`;
      if (typeof m !== 'object' || m === null) fail(p, 'a mapping', m);
      const e = m as Record<string, unknown>;
      isString(`${p}.spanName`, e.spanName);
      isString(`${p}.event`, e.event);
      if (e.service !== undefined) isString(`${p}.service`, e.service);
      return { spanName: e.spanName as string, event: e.event as string, ...(e.service ? { service: e.service as string } : {}) };
    });
  }
  return config;
}

/** Reads and validates the YAML file; undefined path → defaults. */
export function loadDomainConfig(path: string | undefined): DomainConfig {
  if (!path) return defaultDomainConfig();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DomainConfigError(`${path}: cannot read (${(error as Error).message})`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) throw new DomainConfigError(`${path}: ${doc.errors[0]!.message}`);
  return parseDomainConfig(doc.toJS(), path);
}
