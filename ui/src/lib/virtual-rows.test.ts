import { describe, expect, it } from 'vitest';
import { viewportHeightFor, visibleRange, OVERSCAN, VIEWPORT_MAX_VH, WATERFALL_ROW_PX } from './virtual-rows.ts';

describe('viewportHeightFor', () => {
  it('is the rows’ height up to the share of the window the style allows', () => {
    expect(viewportHeightFor(3, 1000)).toBe(3 * WATERFALL_ROW_PX);
    expect(viewportHeightFor(500, 1000)).toBe(VIEWPORT_MAX_VH * 10);
    expect(viewportHeightFor(0, 1000)).toBe(0);
  });

  it('gives the first render the rows in view plus the margin below', () => {
    const height = viewportHeightFor(500, 1000);
    expect(visibleRange(500, 0, height)).toEqual({ first: 0, last: Math.ceil(height / WATERFALL_ROW_PX) + OVERSCAN });
  });
});
