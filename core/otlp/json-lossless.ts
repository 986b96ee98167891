// JSON.parse that keeps integers beyond Number.MAX_SAFE_INTEGER exact.
// OTLP/JSON may spell int64 fields (nanosecond timestamps, intValue) as bare numbers, which
// JSON.parse would round. Node 24's reviver receives the number's source text (context.source),
// so such integers come back as their exact decimal text instead.

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

const INTEGER_RE = /^-?\d+$/;

/** Cheap pre-check: an unquoted run of 16+ digits is the only way to write an unsafe integer. */
const MAYBE_BIG_INT_RE = /(?:^|[:,[])\s*-?\d{16}/;

const keepBigIntegers: Reviver = (_key, value, context) => {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    const src = context?.source;
    if (src !== undefined && INTEGER_RE.test(src)) return src;
  }
  return value;
};

/**
 * Parses JSON; an integer literal outside the safe range is returned as its exact source text
 * (a string, e.g. "1700000000123456789"). Every other value is what JSON.parse returns.
 * Throws SyntaxError like JSON.parse.
 */
export function parseJsonLossless(text: string): unknown {
  if (!MAYBE_BIG_INT_RE.test(text)) return JSON.parse(text);
  return JSON.parse(text, keepBigIntegers as (this: unknown, key: string, value: unknown) => unknown);
}
