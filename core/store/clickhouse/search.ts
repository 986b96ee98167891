// Newest-first search with cursors, in two steps per page:
//   1. keys: walk time windows newest first (back from now: 1 s, then ×8 each step, skipping days
//      without data),
//      asking each for the keys (time, id) of the newest matching records — light columns only,
//      de-duplicated by LIMIT 1 BY — until a page plus one is found;
//   2. rows: fetch the full rows of the page's keys (bodies are read for those rows only).
// Without a read-in-order optimisation (18.16 has none) a "latest N of service X" query would
// otherwise sort a whole day of that service; the first window usually answers it.
import { OrdertraceError } from '../../errors.ts';
import type { Page } from '../store.ts';
import { DAY_NS } from './rows.ts';
import type { SearchWindow } from './queries.ts';

const MAX_INT64 = 0x7fff_ffff_ffff_ffffn;
// Dense data (tens of thousands of records a second) is answered by the first windows; sparse data
// costs a few cheap empty steps (a month is ~12 steps).
const FIRST_WINDOW_NS = 1_000_000_000n;
const WINDOW_GROWTH = 8n;
/** Keys per step-2 query (keeps the query text well under max_query_size). */
export const KEYS_PER_FETCH = 500;

function badCursor(): OrdertraceError {
  return new OrdertraceError('OT_ERR_BAD_PARAMETER', 'cursor is not one this store issued');
}

/** An opaque cursor: base64url of a JSON array [time, ...ids]. */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

/** The cursor's parts ([time, ...ids], `ids` strings); anything else → OT_ERR_BAD_PARAMETER. */
export function decodeCursor(text: string | undefined, ids: number): string[] | undefined {
  if (text === undefined) return undefined;
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]{1,4000}$/.test(text)) throw badCursor();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parts) || parts.length !== ids + 1 || !parts.every((p) => typeof p === 'string')) throw badCursor();
  const t = parts[0] as string;
  if (!/^(?:0|[1-9]\d{0,18})$/.test(t) || BigInt(t) > MAX_INT64) throw badCursor();
  return parts as string[];
}

export interface SearchPlan<K, T> {
  /** Days holding data (any order). */
  days: readonly number[];
  /** Inclusive lower bound, ns. */
  fromNs?: bigint;
  /** Exclusive upper bound, ns. */
  toNs?: bigint;
  /** The cursor's time: results are at or before it (the query's own cursor condition does the rest). */
  cursorNs?: bigint;
  limit: number;
  /** Step 1 for one window (with filters and the cursor condition); at most w.limit keys, newest first. */
  keys(w: SearchWindow): Promise<K[]>;
  /** Step 2: full records for keys, in any order, with their identity. */
  rows(keys: K[]): Promise<Array<{ id: string; item: T }>>;
  idOf(key: K): string;
  cursorOf(key: K): string[];
}

export async function searchPage<K, T>(plan: SearchPlan<K, T>): Promise<Page<T>> {
  const want = plan.limit + 1;
  const days = [...new Set(plan.days)].sort((a, b) => b - a);
  const found: K[] = [];
  if (days.length > 0) {
    let upper = (BigInt(days[0]!) + 1n) * DAY_NS;
    if (plan.toNs !== undefined && plan.toNs < upper) upper = plan.toNs;
    if (plan.cursorNs !== undefined && plan.cursorNs + 1n < upper) upper = plan.cursorNs + 1n;
    let lower = BigInt(days[days.length - 1]!) * DAY_NS;
    if (plan.fromNs !== undefined && plan.fromNs > lower) lower = plan.fromNs;
    // Window edges are measured back from now (or the upper bound, if older): the first window also
    // covers anything newer (clock skew), and no step is spent on the empty rest of today.
    const now = BigInt(Date.now()) * 1_000_000n;
    let edge = now < upper ? now : upper;
    let size = FIRST_WINDOW_NS;
    while (upper > lower && found.length < want) {
      // Skip to the newest day with data below `upper`.
      const day = days.find((d) => BigInt(d) * DAY_NS < upper);
      if (day === undefined) break;
      const dayEnd = (BigInt(day) + 1n) * DAY_NS;
      if (dayEnd < upper) upper = dayEnd;
      if (edge > upper) edge = upper;
      const from = edge - size > lower ? edge - size : lower;
      const keys = await plan.keys({ fromNs: from, toNs: upper, limit: want - found.length });
      found.push(...keys);
      upper = from;
      edge = from;
      size *= WINDOW_GROWTH;
    }
  }
  const pageKeys = found.slice(0, plan.limit);
  const byId = new Map<string, T>();
  const fetches: Array<Promise<void>> = [];
  for (let i = 0; i < pageKeys.length; i += KEYS_PER_FETCH) {
    fetches.push(
      plan.rows(pageKeys.slice(i, i + KEYS_PER_FETCH)).then((rows) => {
        for (const { id, item } of rows) byId.set(id, item);
      }),
    );
  }
  await Promise.all(fetches);
  const items: T[] = [];
  for (const key of pageKeys) {
    const item = byId.get(plan.idOf(key));
    if (item !== undefined) items.push(item);
  }
  const last = pageKeys[pageKeys.length - 1];
  return { items, nextCursor: found.length > plan.limit && last ? encodeCursor(plan.cursorOf(last)) : null };
}
