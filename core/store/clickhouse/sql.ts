// SQL literals for ClickHouse. 18.16 has no query parameters ({name:Type}), so every value the store
// puts into a query goes through one of these functions: strings through quoteString (the only
// escaping routine), numbers through the validating formatters, names through identifier().
// test/clickhouse/sql-escaping.test.ts round-trips hostile strings through a real server.

const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * A single-quoted ClickHouse string literal whose value is exactly `value` (as UTF-8). Backslash and
 * quote are escaped; every control character (C0 and DEL) becomes an escape sequence, so the query
 * text never holds a raw NUL or line break. Non-ASCII text passes through as UTF-8. (A lone UTF-16
 * surrogate cannot be sent as UTF-8: Node encodes it as U+FFFD, like any other string it writes.)
 */
export function quoteString(value: string): string {
  if (typeof value !== 'string') throw new TypeError(`quoteString expects a string, got ${typeof value}`);
  return `'${value.replace(/[\\'\x00-\x1f\x7f]/g, (c) => ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

const MAX_UINT64 = 0xffff_ffff_ffff_ffffn;
const MIN_INT64 = -0x8000_0000_0000_0000n;
const MAX_INT64 = 0x7fff_ffff_ffff_ffffn;

function integer(value: bigint | number | string, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${what}: ${String(value)} is not a safe integer`);
    return BigInt(value);
  }
  if (typeof value === 'string' && /^-?(?:0|[1-9]\d{0,19})$/.test(value)) return BigInt(value);
  throw new RangeError(`${what}: ${JSON.stringify(value)} is not a decimal integer`);
}

/** An unsigned 64-bit integer literal (validated: integral, 0 ≤ v < 2^64). */
export function uintLiteral(value: bigint | number | string): string {
  const n = integer(value, 'UInt64 literal');
  if (n < 0n || n > MAX_UINT64) throw new RangeError(`UInt64 literal out of range: ${n}`);
  return n.toString();
}

/** A signed 64-bit integer literal (validated). */
export function intLiteral(value: bigint | number | string): string {
  const n = integer(value, 'Int64 literal');
  if (n < MIN_INT64 || n > MAX_INT64) throw new RangeError(`Int64 literal out of range: ${n}`);
  return n.toString();
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A database/table name: letters, digits, underscore (validated, then back-quoted). */
export function identifier(name: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new RangeError(`not a valid ClickHouse identifier (letters, digits, _; max 63): ${JSON.stringify(name)}`);
  }
  return `\`${name}\``;
}

export function isIdentifier(name: string): boolean {
  return typeof name === 'string' && IDENTIFIER.test(name);
}

/** `(a, b, c)` for IN lists; refuses an empty list (`IN ()` is not valid on every version). */
export function inList<T>(values: Iterable<T>, literal: (value: T) => string): string {
  const items = [...values].map(literal);
  if (items.length === 0) throw new RangeError('an IN list needs at least one value');
  return `(${items.join(', ')})`;
}
