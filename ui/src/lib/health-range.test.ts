import { describe, expect, it } from 'vitest';
import { T0_MS } from './fixtures.ts';
import { healthApiParams, paramsFromRange, rangeFromParams } from './health-range.ts';
import { bucketStarts, formatRoundDuration, logDurationScale, logMs, onTimeline, sumSeries } from './health-series.ts';
import { formatRoute, links, parseHash } from './route.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('the health time range', () => {
  it('reads since, from/to or nothing (the last 24 hours) from the URL', () => {
    expect(rangeFromParams({ since: '7d' })).toEqual({ kind: 'since', since: '7d' });
    expect(rangeFromParams({})).toEqual({ kind: 'since', since: '24h' });
    expect(rangeFromParams({ since: 'forever' })).toEqual({ kind: 'since', since: '24h' });
    expect(rangeFromParams({ from: '2026-03-01T10:00:00.000Z' })).toEqual({ kind: 'custom', from: '2026-03-01T10:00:00.000Z', to: '' });
    // As in search, a relative range wins over a window left in the URL.
    expect(rangeFromParams({ since: '1h', from: '2026-03-01T10:00:00Z' })).toEqual({ kind: 'since', since: '1h' });
  });

  it('writes a range back without empty bounds', () => {
    expect(paramsFromRange({ kind: 'since', since: '6h' })).toEqual({ since: '6h' });
    expect(paramsFromRange({ kind: 'custom', from: ' 2026-03-01T10:00:00Z ', to: '' })).toEqual({ from: '2026-03-01T10:00:00Z' });
  });

  it('asks the API for one explicit window ending now, keeping the bucket width', () => {
    expect(healthApiParams({ since: '1h' }, T0_MS)).toEqual({ from: iso(T0_MS - 3_600_000), to: iso(T0_MS) });
    expect(healthApiParams({}, T0_MS)).toEqual({ from: iso(T0_MS - 86_400_000), to: iso(T0_MS) });
    expect(healthApiParams({ from: 'a', to: 'b', bucket: '5m' }, T0_MS)).toEqual({ from: 'a', to: 'b', bucket: '5m' });
  });

  it('round-trips through the hash route, which stays #/health without a range', () => {
    expect(parseHash(links.health({ since: '24h' }))).toEqual({ name: 'health', params: { since: '24h' } });
    expect(links.health({ from: '2026-03-01T10:00:00Z', to: '2026-03-02T10:00:00Z' })).toBe('#/health?from=2026-03-01T10%3A00%3A00Z&to=2026-03-02T10%3A00%3A00Z');
    expect(parseHash('#/health')).toEqual({ name: 'health' });
    expect(formatRoute({ name: 'health', params: {} })).toBe('#/health');
  });
});

describe('health series and durations', () => {
  it('lays buckets on multiples of the width since the epoch, covering the window', () => {
    expect(bucketStarts(T0_MS + 10, T0_MS + 3 * 3_600_000 + 1, 3_600_000)).toEqual([T0_MS, T0_MS + 3_600_000, T0_MS + 7_200_000, T0_MS + 10_800_000]);
    expect(bucketStarts(5, 5, 1)).toEqual([]);
    expect(bucketStarts(0, 10, 0)).toEqual([]);
  });

  it('fills missing buckets with 0 for counts and with gaps for durations, and sums series', () => {
    const starts = [0, 10, 20];
    const points = [{ tMs: 10, count: 4 }];
    expect(onTimeline(starts, points, (p) => p.count, 0)).toEqual([[0, 0], [10, 4], [20, 0]]);
    expect(onTimeline(starts, points, (p) => p.count, null)).toEqual([[0, null], [10, 4], [20, null]]);
    expect(sumSeries([onTimeline(starts, points, (p) => p.count, 0), [[0, 1], [10, 1], [20, 1]]], starts)).toEqual([[0, 1], [10, 5], [20, 1]]);
  });

  it('names bucket widths the way the API chooses them', () => {
    expect([60_000, 900_000, 3_600_000, 21_600_000, 86_400_000].map(formatRoundDuration)).toEqual(['1 min', '15 min', '1 h', '6 h', '1 d']);
    expect(formatRoundDuration(1500)).toBe('1.5 s');
  });

  it('spans a log duration axis between round durations around the values', () => {
    const ms = (scale: { ticks: number[] }) => scale.ticks.map((tick) => Math.round(10 ** tick));
    // 3 s payments against a 15 min expectation: from 1 s to 1 h.
    const payment = logDurationScale(3000, 900_000);
    expect(ms(payment)).toEqual([1000, 10_000, 60_000, 600_000, 3_600_000]);
    expect([payment.min, payment.max]).toEqual([3, Math.log10(3_600_000)]);
    // Days: from 1 d to 7 d.
    expect(ms(logDurationScale(86_400_000, 3 * 86_400_000))).toEqual([86_400_000, 7 * 86_400_000]);
    // One value exactly on a tick still gets an axis two ticks wide; 0 ms sits on the 1 ms floor.
    expect(ms(logDurationScale(60_000, 60_000))).toEqual([60_000, 600_000]);
    expect(ms(logDurationScale(0, 0))).toEqual([1, 10]);
    expect(logMs(0)).toBe(0);
    expect(logMs(1000)).toBe(3);
  });
});
