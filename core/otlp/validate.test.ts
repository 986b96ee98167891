import { describe, expect, it } from 'vitest';
import { checkTime, compareDecimal, isValidSpanId, isValidTraceId, maxNanos, ResultBuilder } from './validate.ts';

describe('validate', () => {
  it('maxNanos is now + 24h in exact ns', () => {
    expect(maxNanos(1_700_000_000_000)).toBe('1700086400000000000');
  });

  it('compareDecimal orders canonical decimals of any length', () => {
    expect(compareDecimal('9', '10')).toBeLessThan(0);
    expect(compareDecimal('1700000000000000001', '1700000000000000000')).toBeGreaterThan(0);
    expect(compareDecimal('18446744073709551615', '18446744073709551615')).toBe(0);
  });

  it('checks times', () => {
    expect(checkTime('t', '', '100')).toBe('invalid t');
    expect(checkTime('t', '0', '100')).toBe('missing t');
    expect(checkTime('t', '101', '100')).toBe('t is more than 24h in the future');
    expect(checkTime('t', '100', '100')).toBeUndefined();
  });

  it('checks ID length and zero value', () => {
    expect(isValidTraceId('ab'.repeat(16))).toBe(true);
    expect(isValidTraceId('0'.repeat(32))).toBe(false);
    expect(isValidTraceId('ab'.repeat(8))).toBe(false);
    expect(isValidSpanId('ab'.repeat(8))).toBe(true);
    expect(isValidSpanId('0'.repeat(16))).toBe(false);
    expect(isValidSpanId('')).toBe(false);
  });

  it('ResultBuilder counts all rejections and keeps 5 reasons', () => {
    const b = new ResultBuilder<number>('span');
    b.items.push(1);
    for (let i = 0; i < 8; i++) b.reject('why', i, 0, 2);
    expect(b.result()).toEqual({
      items: [1],
      rejected: 8,
      errors: [0, 1, 2, 3, 4].map((i) => `span ${i} of scope 0 of resource 2: why`),
    });
  });
});
