// Query-side helpers shared by the store implementations: parameter validation, the exact
// attribute / text matching rules of SearchCommon, and nanosecond-string ordering.
import { OrdertraceError } from '../errors.ts';
import type { AnyValue, Attributes } from '../model.ts';
import { anyValueToString } from '../otlp/attributes.ts';
import type { SpanQuery } from './store.ts';

/** Largest page a search returns; a larger limit is capped (the cursor still walks everything). */
export const MAX_LIMIT = 10_000;

export const STATUS_FILTER: Readonly<Record<NonNullable<SpanQuery['status']>, number>> = { unset: 0, ok: 1, error: 2 };

function badParameter(message: string): OrdertraceError {
  return new OrdertraceError('OT_ERR_BAD_PARAMETER', message);
}

/** A page size: a positive integer, capped at MAX_LIMIT. */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) throw badParameter(`limit must be a positive integer, got ${String(limit)}`);
  return Math.min(limit, MAX_LIMIT);
}

const NS = /^\d{1,19}$/;

/** An optional nanosecond (or duration) parameter → bigint; malformed → OT_ERR_BAD_PARAMETER. */
export function nsParam(value: string | undefined, name: string): bigint | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !NS.test(value)) throw badParameter(`${name} must be a non-negative integer in nanoseconds`);
  const n = BigInt(value);
  if (n > 0x7fff_ffff_ffff_ffffn) throw badParameter(`${name} is out of range`);
  return n;
}

export function statusParam(status: SpanQuery['status']): number | undefined {
  if (status === undefined) return undefined;
  const code = Object.hasOwn(STATUS_FILTER, status) ? STATUS_FILTER[status] : undefined;
  if (code === undefined) throw badParameter(`status must be one of unset, ok, error`);
  return code;
}

/** Attribute filter entries, validated. */
export function attributeFilter(attributes: Record<string, string> | undefined): Array<[string, string]> {
  if (!attributes) return [];
  const entries = Object.entries(attributes);
  for (const [key, value] of entries) {
    if (typeof value !== 'string') throw badParameter(`attribute filter ${key} must be a string`);
  }
  return entries;
}

/**
 * The string form an attribute filter compares with: strings as is, ints as exact decimal,
 * bools "true"/"false", doubles as JavaScript prints them, bytes as base64, arrays/kvlists as JSON.
 */
export function attributeString(value: AnyValue): string {
  return anyValueToString(value);
}

function attributeIs(attrs: Attributes, key: string, value: string): boolean {
  return Object.hasOwn(attrs, key) && attributeString(attrs[key]!) === value;
}

/** Every filter entry matches the record's own attribute or, failing that, its resource attribute. */
export function matchesAttributes(attrs: Attributes, resourceAttrs: Attributes, filter: ReadonlyArray<[string, string]>): boolean {
  for (const [key, value] of filter) {
    if (!attributeIs(attrs, key, value) && !attributeIs(resourceAttrs, key, value)) return false;
  }
  return true;
}

/** Case-insensitive substring test on a log body's text form. `needle` must already be lower-cased. */
export function bodyContains(body: AnyValue, needleLower: string): boolean {
  return anyValueToString(body).toLowerCase().includes(needleLower);
}

/** Orders non-negative decimal strings without leading zeros numerically. */
export function compareNs(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
