import { describe, expect, it } from 'vitest';
import { bucketCount, bucketStart, defaultBucketMs, TARGET_BUCKETS } from './stats-buckets.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('bucketStart', () => {
  it('rounds down to a multiple of the width since the epoch', () => {
    expect(bucketStart(7 * HOUR + 59 * MIN, HOUR)).toBe(7 * HOUR);
    expect(bucketStart(7 * HOUR, HOUR)).toBe(7 * HOUR);
    expect(bucketStart(12 * MIN, 5 * MIN)).toBe(10 * MIN);
    expect(bucketStart(1_772_359_200_123, 7 * MIN) % (7 * MIN)).toBe(0);
  });
});

describe('bucketCount', () => {
  it('counts a partial last bucket', () => {
    expect(bucketCount(DAY, HOUR)).toBe(24);
    expect(bucketCount(DAY + 1, HOUR)).toBe(25);
    expect(bucketCount(1, DAY)).toBe(1);
  });
});

describe('defaultBucketMs', () => {
  it('picks the smallest of 1m, 5m, 15m, 1h, 6h, 1d that keeps the window at 48 buckets or fewer', () => {
    expect(defaultBucketMs(48 * MIN)).toBe(MIN); // exactly 48
    expect(defaultBucketMs(48 * MIN + 1)).toBe(5 * MIN); // 49 one-minute buckets
    expect(defaultBucketMs(HOUR)).toBe(5 * MIN);
    expect(defaultBucketMs(6 * HOUR)).toBe(15 * MIN); // 24 of them; 5m would make 72
    expect(defaultBucketMs(DAY)).toBe(HOUR); // 15m would make 96
    expect(defaultBucketMs(7 * DAY)).toBe(6 * HOUR); // 28
    expect(defaultBucketMs(30 * DAY)).toBe(DAY);
  });

  it('uses whole days beyond 48 days, still at most 48 buckets', () => {
    for (const days of [49, 90, 365, 1000]) {
      const width = defaultBucketMs(days * DAY);
      expect(width % DAY).toBe(0);
      expect(bucketCount(days * DAY, width)).toBeLessThanOrEqual(TARGET_BUCKETS);
      expect(bucketCount(days * DAY, width - DAY)).toBeGreaterThan(TARGET_BUCKETS);
    }
  });
});
