// Cursor paging in the URL: the API's nextCursor becomes the `cursor` parameter of the next page's
// link, so Back returns to the previous page. Pure.
import type { Params } from './route.ts';

/** The next (older) page's parameters, or null on the last page. */
export function nextPageParams(params: Params, nextCursor: string | null | undefined): Params | null {
  return nextCursor ? { ...params, cursor: nextCursor } : null;
}

/** The first page's parameters, or null when already on it. */
export function firstPageParams(params: Params): Params | null {
  if (!params.cursor) return null;
  const { cursor: _cursor, ...rest } = params;
  return rest;
}
