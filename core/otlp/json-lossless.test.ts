import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from './json-lossless.ts';

describe('parseJsonLossless', () => {
  it('keeps an integer above 2^53 exact, as its source text', () => {
    expect(JSON.parse('{"t":1700000000123456789}').t).toBe(1700000000123456800); // what plain JSON.parse does
    expect(parseJsonLossless('{"t":1700000000123456789}')).toEqual({ t: '1700000000123456789' });
  });

  it('handles negative, nested, array and top-level big integers', () => {
    expect(parseJsonLossless('[-9223372036854775808, {"a": [18446744073709551615]}]')).toEqual([
      '-9223372036854775808',
      { a: ['18446744073709551615'] },
    ]);
    expect(parseJsonLossless('12345678901234567890')).toBe('12345678901234567890');
  });

  it('leaves safe integers, doubles and exponent forms as numbers', () => {
    expect(parseJsonLossless('{"a":9007199254740991,"b":-1,"c":0.5,"d":1e21,"e":1.7e18,"f":123}')).toEqual({
      a: 9007199254740991,
      b: -1,
      c: 0.5,
      d: 1e21,
      e: 1.7e18,
      f: 123,
    });
    expect(parseJsonLossless('{"a":9007199254740993}')).toEqual({ a: '9007199254740993' });
  });

  it('does not touch digits inside strings', () => {
    expect(parseJsonLossless('{"s":"1700000000123456789","k:12345678901234567":1}')).toEqual({ s: '1700000000123456789', 'k:12345678901234567': 1 });
  });

  it('throws SyntaxError on malformed JSON', () => {
    expect(() => parseJsonLossless('{"a":')).toThrow(SyntaxError);
    expect(() => parseJsonLossless('{"a":12345678901234567890')).toThrow(SyntaxError);
  });
});
