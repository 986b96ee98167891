import { describe, expect, it } from 'vitest';
import { formatDuration, nsToIso, nsToMs, offsetNs, spanDurationMs } from './time.ts';

describe('time', () => {
  it('keeps nanoseconds exact where it matters', () => {
    expect(nsToIso('1795583188700558838')).toBe('2026-11-25T05:06:28.700558838Z');
    expect(nsToIso('0')).toBe('1970-01-01T00:00:00.000000000Z');
    expect(offsetNs('1795583188700558838', 1795583188700558000n)).toBe(838);
    expect(spanDurationMs('1795583188700000000', '1795583188712345678')).toBeCloseTo(12.345678, 9);
    expect(nsToMs('1795583188700558838')).toBeCloseTo(1795583188700.5588, 3);
  });

  it('formats durations for people', () => {
    expect(formatDuration(0.0005)).toBe('500 ns');
    expect(formatDuration(0.549)).toBe('549 µs');
    expect(formatDuration(12.345)).toBe('12.3 ms');
    expect(formatDuration(314)).toBe('314 ms');
    expect(formatDuration(4200)).toBe('4.2 s');
    expect(formatDuration(192_000)).toBe('3m 12s');
    expect(formatDuration(7_200_000)).toBe('2h 0m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
    expect(formatDuration(-90_000)).toBe('-1m 30s');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});
