// OTLP/JSON (protobuf JSON mapping) scalars and common messages: field lookup by lowerCamelCase
// or original snake_case name, int64 as string or number, enums as numbers or names,
// AnyValue / KeyValue / Resource / InstrumentationScope.

import type { AnyValue, Attributes, Resource, Scope } from '../model.ts';
import { setAttr } from './attributes.ts';
import { OrdertraceError } from '../errors.ts';
import { emptyResource, emptyScope } from './records.ts';
import { MAX_VALUE_DEPTH } from './validate.ts';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A field by its JSON name or its proto name; null (the JSON spelling of "default") is undefined. */
export function field(o: JsonObject, jsonName: string, protoName: string): unknown {
  const v = o[jsonName];
  if (v !== undefined && v !== null) return v;
  const w = o[protoName];
  return w === null ? undefined : w;
}

export function jsonString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

const UNSIGNED_RE = /^\d+$/;
const SIGNED_RE = /^-?\d+$/;
/** Canonical decimal text: no leading zeros, no "-0". */
const CANONICAL_RE = /^(?:0|-?[1-9]\d*)$/;
const U64_MAX = 18446744073709551615n;
const I64_MIN = -9223372036854775808n;
const I64_MAX = 9223372036854775807n;

/** Exact canonical decimal text of an integer given as a number or a decimal string, or ''. */
function integerText(v: unknown): string {
  if (typeof v === 'string') {
    if (CANONICAL_RE.test(v)) return v;
    return SIGNED_RE.test(v) ? BigInt(v).toString() : '';
  }
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return String(v); // String(-0) is "0"
    return Number.isInteger(v) ? BigInt(v).toString() : '';
  }
  return '';
}

/** Whether canonical decimal text t lies in [min, max]; only long texts need the BigInt check. */
function inRange(t: string, min: bigint, max: bigint): boolean {
  if (t.length < 19) return true;
  const b = BigInt(t);
  return b >= min && b <= max;
}

/** A fixed64 / uint64 field (nanosecond timestamps): exact decimal, '0' when absent, '' when malformed. */
export function jsonUint64(v: unknown): string {
  if (v === undefined) return '0';
  const t = integerText(v);
  return t !== '' && t[0] !== '-' && inRange(t, 0n, U64_MAX) ? t : '';
}

/** An int64 field: exact signed decimal, '' when malformed. */
export function jsonInt64(v: unknown): string {
  const t = integerText(v);
  return t !== '' && inRange(t, I64_MIN, I64_MAX) ? t : '';
}

/** A uint32 / fixed32 field (counts, flags): 0 when absent or malformed. */
export function jsonUint32(v: unknown): number {
  const n = typeof v === 'string' && UNSIGNED_RE.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff ? n : 0;
}

/** An enum field: its number, or its value name looked up in names; 0 when unknown. */
export function jsonEnum(v: unknown, names: Readonly<Record<string, number>>): number {
  if (typeof v === 'number') return Number.isInteger(v) ? v | 0 : 0;
  if (typeof v === 'string') {
    if (Object.hasOwn(names, v)) return names[v]!;
    if (SIGNED_RE.test(v)) return Number(v) | 0;
  }
  return 0;
}

/** A double: a number, or a string ("NaN", "Infinity", "-Infinity", or numeric text). */
export function jsonDouble(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    const n = Number(v);
    if (v.trim() !== '' && !Number.isNaN(n)) return n;
  }
  return NaN;
}

const HEX_RE = /^[0-9a-fA-F]*$/;

/** A trace/span ID (hex in OTLP/JSON): lowercased; '' when absent; '?' (invalid) when not a hex string. */
export function jsonId(v: unknown): string {
  if (v === undefined) return '';
  return typeof v === 'string' && HEX_RE.test(v) ? v.toLowerCase() : '?';
}

/** bytes in proto JSON: base64 (standard or URL-safe), normalised to standard padded base64. */
function jsonBytes(v: unknown): string {
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('base64') : '';
}

/** An AnyValue message. An empty (or unrecognised) one is null. */
export function jsonAnyValue(v: unknown, depth = 0): AnyValue {
  if (!isObject(v)) return null;
  if (depth > MAX_VALUE_DEPTH) {
    throw new OrdertraceError('OT_ERR_DECODE', `json: AnyValue nested deeper than ${MAX_VALUE_DEPTH} levels`);
  }
  let x = field(v, 'stringValue', 'string_value');
  if (x !== undefined) return typeof x === 'string' ? x : String(x);
  x = field(v, 'boolValue', 'bool_value');
  if (x !== undefined) return x === true || x === 'true';
  x = field(v, 'intValue', 'int_value');
  if (x !== undefined) {
    const t = jsonInt64(x);
    return t === '' ? null : { int: t };
  }
  x = field(v, 'doubleValue', 'double_value');
  if (x !== undefined) return jsonDouble(x);
  x = field(v, 'arrayValue', 'array_value');
  if (x !== undefined) {
    const values = isObject(x) ? x['values'] : undefined;
    return Array.isArray(values) ? values.map((item) => jsonAnyValue(item, depth + 1)) : [];
  }
  x = field(v, 'kvlistValue', 'kvlist_value');
  if (x !== undefined) return { kv: jsonAttributes(isObject(x) ? x['values'] : undefined, depth + 1) };
  x = field(v, 'bytesValue', 'bytes_value');
  if (x !== undefined) return { bytes: jsonBytes(x) };
  return null;
}

/** repeated KeyValue → Attributes. Entries without a string key are skipped. */
export function jsonAttributes(v: unknown, depth = 0): Attributes {
  const attrs: Attributes = {};
  if (!Array.isArray(v)) return attrs;
  for (const kv of v) {
    if (!isObject(kv)) continue;
    const key = kv['key'];
    if (typeof key !== 'string') continue;
    setAttr(attrs, key, jsonAnyValue(kv['value'], depth));
  }
  return attrs;
}

export function jsonDropped(o: JsonObject): number {
  return jsonUint32(field(o, 'droppedAttributesCount', 'dropped_attributes_count'));
}

export function jsonResource(v: unknown): Resource {
  const res = emptyResource();
  if (!isObject(v)) return res;
  res.attributes = jsonAttributes(v['attributes']);
  res.droppedAttributesCount = jsonDropped(v);
  return res;
}

export function jsonScope(v: unknown): Scope {
  const scope = emptyScope();
  if (!isObject(v)) return scope;
  scope.name = jsonString(v['name']);
  scope.version = jsonString(v['version']);
  scope.attributes = jsonAttributes(v['attributes']);
  scope.droppedAttributesCount = jsonDropped(v);
  return scope;
}
