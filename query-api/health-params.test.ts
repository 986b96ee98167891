import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_MS, healthWindow, parseBucket, parseHealthQuery } from './health-params.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 2, 1, 10, 0, 0);
const bad = { code: 'OT_ERR_BAD_PARAMETER' };

describe('parseBucket', () => {
  it('reads a whole number of seconds, minutes, hours or days', () => {
    expect(parseBucket('30s')).toBe(30_000);
    expect(parseBucket('5m')).toBe(5 * MIN);
    expect(parseBucket('1h')).toBe(HOUR);
    expect(parseBucket('2d')).toBe(2 * DAY);
    for (const text of ['0m', '5', 'm', '1.5h', '-1h', '1w', '5 m', '1H', '']) expect(() => parseBucket(text), text).toThrow(expect.objectContaining(bad));
  });
});

describe('parseHealthQuery', () => {
  it('parses from/to (rounded up to whole ms) and bucket; everything is optional', () => {
    expect(parseHealthQuery({})).toEqual({});
    expect(parseHealthQuery({ from: '2026-03-01T10:00:00.0000005Z', to: String(NOW + 1.5), bucket: '15m' })).toEqual({ fromMs: NOW + 1, toMs: NOW + 2, bucketMs: 15 * MIN });
    expect(parseHealthQuery({ from: '', bucket: '' })).toEqual({});
  });

  it('rejects unknown and repeated parameters and reversed bounds', () => {
    expect(() => parseHealthQuery({ limit: '5' })).toThrow(expect.objectContaining({ ...bad, message: expect.stringContaining('unknown query parameter "limit"') }));
    expect(() => parseHealthQuery({ bucket: ['1h', '1d'] })).toThrow(expect.objectContaining(bad));
    expect(() => parseHealthQuery({ from: String(NOW), to: String(NOW) })).toThrow(expect.objectContaining(bad));
    expect(() => parseHealthQuery({ 'attr.x': '1' })).toThrow(expect.objectContaining(bad));
  });
});

describe('healthWindow', () => {
  it('defaults to the 24 hours before now, or before `to`, and to a bucket giving at most 48', () => {
    expect(healthWindow({}, NOW)).toEqual({ fromMs: NOW - DEFAULT_WINDOW_MS, toMs: NOW, bucketMs: HOUR });
    expect(healthWindow({ toMs: NOW - DAY }, NOW)).toEqual({ fromMs: NOW - 2 * DAY, toMs: NOW - DAY, bucketMs: HOUR });
    expect(healthWindow({ fromMs: NOW - HOUR }, NOW)).toEqual({ fromMs: NOW - HOUR, toMs: NOW, bucketMs: 5 * MIN });
    expect(healthWindow({ fromMs: NOW - 3 * HOUR, bucketMs: MIN }, NOW)).toEqual({ fromMs: NOW - 3 * HOUR, toMs: NOW, bucketMs: MIN });
  });

  it('rejects a start at or after the (default) end, and more than 500 buckets', () => {
    expect(() => healthWindow({ fromMs: NOW }, NOW)).toThrow(expect.objectContaining({ ...bad, message: expect.stringMatching(/from must be earlier than to.*\(now\)/) }));
    const fiveHundredth = DAY / 500; // the default window cut into exactly 500 buckets
    expect(() => healthWindow({ bucketMs: fiveHundredth - 1 }, NOW)).toThrow(expect.objectContaining({ ...bad, message: expect.stringContaining('501 buckets') }));
    expect(healthWindow({ bucketMs: fiveHundredth }, NOW).bucketMs).toBe(fiveHundredth);
  });
});
