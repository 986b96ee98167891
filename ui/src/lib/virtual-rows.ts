// Which rows of a long list are in the DOM: those in the viewport plus a margin on each side. Pure.
export const WATERFALL_ROW_PX = 22;
/** Rows rendered above and below the viewport, so fast scrolling shows no gaps. */
export const OVERSCAN = 15;
/** Before the viewport's height is known (first render, jsdom), render this many rows. */
const INITIAL_ROWS = 40;

export function visibleRange(count: number, scrollTop: number, viewportHeight: number, rowPx = WATERFALL_ROW_PX): { first: number; last: number } {
  const height = viewportHeight > 0 ? viewportHeight : INITIAL_ROWS * rowPx;
  const first = Math.min(count, Math.max(0, Math.floor(scrollTop / rowPx) - OVERSCAN));
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowPx) + OVERSCAN);
  return { first, last: Math.max(first, last) };
}
