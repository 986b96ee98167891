// Walks a paginated store query to the end, for views that need every item (an order's alerts,
// queues, exports) — bounded, so a runaway result cannot exhaust memory.
import { OrdertraceError } from './errors.ts';
import type { Page } from './store/store.ts';

export async function allPages<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>, maxItems: number, what: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    items.push(...page.items);
    if (items.length > maxItems) {
      throw new OrdertraceError('OT_ERR_BAD_PARAMETER', `more than ${maxItems} ${what}; narrow the request with filters`);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}
