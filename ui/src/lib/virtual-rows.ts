// Which rows of a long list are in the DOM: those in the viewport plus a margin on each side. Pure.
export const WATERFALL_ROW_PX = 22;
/** Rows rendered above and below the viewport, so fast scrolling shows no gaps. */
export const OVERSCAN = 15;
/** Before the viewport's height is known (first render, jsdom), render this many rows. */
const INITIAL_ROWS = 40;
/** The viewport grows with its rows up to this share of the window's height, then scrolls. */
export const VIEWPORT_MAX_VH = 70;

/**
 * The height the viewport's style gives it (`min(rows × row height, 70vh)`): known before layout, so
 * the first render need not read it from the DOM (which would force a layout of the whole page).
 */
export function viewportHeightFor(count: number, windowHeight: number, rowPx = WATERFALL_ROW_PX): number {
  return Math.min(count * rowPx, (windowHeight * VIEWPORT_MAX_VH) / 100);
}

export function visibleRange(count: number, scrollTop: number, viewportHeight: number, rowPx = WATERFALL_ROW_PX): { first: number; last: number } {
  const height = viewportHeight > 0 ? viewportHeight : INITIAL_ROWS * rowPx;
  const first = Math.min(count, Math.max(0, Math.floor(scrollTop / rowPx) - OVERSCAN));
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowPx) + OVERSCAN);
  return { first, last: Math.max(first, last) };
}
