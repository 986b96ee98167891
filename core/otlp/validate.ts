// Item-level validation and the partial-success bookkeeping shared by every mapper.

import type { MappingResult } from '../model.ts';

/** How far in the future a timestamp may lie (clock skew allowance). */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

/** How deep AnyValue arrays/kvlists (and skipped protobuf groups) may nest: deeper bodies are rejected as undecodable. */
export const MAX_VALUE_DEPTH = 64;

/** Rejection reasons kept for the partialSuccess message. */
export const MAX_ERRORS = 5;

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** The latest acceptable timestamp, in ns as a decimal string, for a request received at nowMs. */
export function maxNanos(nowMs: number): string {
  return (BigInt(Math.floor(nowMs) + MAX_FUTURE_MS) * 1_000_000n).toString();
}

/** Compares two canonical non-negative decimal strings (no leading zeros). */
export function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

// IDs reach validation as hex text: the protobuf reader produces only hex digits, and the JSON
// mapper turns any ID that is not hex into '?'. So length and the zero value are what is left to check.

/** 32 hex characters (16 bytes), not all zero. */
export function isValidTraceId(id: string): boolean {
  return id.length === 32 && id !== ZERO_TRACE_ID;
}

/** 16 hex characters (8 bytes), not all zero. */
export function isValidSpanId(id: string): boolean {
  return id.length === 16 && id !== ZERO_SPAN_ID;
}

/** An ID made only of zeros (the W3C "no ID" value). */
export function isZeroId(id: string): boolean {
  return id === ZERO_TRACE_ID || id === ZERO_SPAN_ID;
}

/**
 * Checks one timestamp: '' (could not be parsed) and '0' (missing) are rejected, and so is one later
 * than maxNs. Returns the reason, or undefined when fine.
 */
export function checkTime(name: string, ns: string, maxNs: string): string | undefined {
  if (ns === '') return `invalid ${name}`;
  if (ns === '0') return `missing ${name}`;
  if (compareDecimal(ns, maxNs) > 0) return `${name} is more than 24h in the future`;
  return undefined;
}

/** Collects accepted items and counts rejected ones with their first few reasons. */
export class ResultBuilder<T> {
  readonly items: T[] = [];
  rejected = 0;
  readonly errors: string[] = [];
  private readonly label: string;

  /** label names an item in messages: 'span', 'log record'. */
  constructor(label: string) {
    this.label = label;
  }

  reject(reason: string, item: number, scope: number, resource: number): void {
    this.rejected++;
    if (this.errors.length < MAX_ERRORS) {
      this.errors.push(`${this.label} ${item} of scope ${scope} of resource ${resource}: ${reason}`);
    }
  }

  result(): MappingResult<T> {
    return { items: this.items, rejected: this.rejected, errors: this.errors };
  }
}
