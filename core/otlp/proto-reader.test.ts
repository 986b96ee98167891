import { describe, expect, it } from 'vitest';
import { OrdertraceError } from '../errors.ts';
import { ProtoReader, u64ToDecimal } from './proto-reader.ts';
import { cat, fixed64, tag, varint } from './test/helpers.ts';

function halves(v: bigint): [number, number] {
  return [Number(v & 0xffffffffn), Number(v >> 32n)];
}

describe('u64ToDecimal', () => {
  it('is exact across the whole range', () => {
    const cases = [0n, 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 1700000000123456789n, 10n ** 19n, 2n ** 64n - 1n];
    let x = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < 2000; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n);
      cases.push(x >> BigInt(i % 64));
    }
    for (const v of cases) expect(u64ToDecimal(...halves(v))).toBe(v.toString());
  });
});

describe('ProtoReader', () => {
  it('reads int64 varints, positive and negative, exactly', () => {
    for (const v of [0n, 1n, 127n, 128n, 300n, 2n ** 31n, 2n ** 63n - 1n, -1n, -(2n ** 63n), -1700000000123456789n]) {
      expect(new ProtoReader(varint(v)).int64()).toBe(v.toString());
    }
  });

  it('reads uint32/int32 from long varints (negative enums are 10 bytes)', () => {
    expect(new ProtoReader(varint(-1)).int32()).toBe(-1);
    expect(new ProtoReader(varint(0xffffffff)).uint32()).toBe(0xffffffff);
    expect(new ProtoReader(varint(300)).uint32()).toBe(300);
  });

  it('reads fixed64 as exact decimal', () => {
    const r = new ProtoReader(fixed64(1, 2n ** 64n - 1n));
    expect(r.tag()).toBe(0x09);
    expect(r.fixed64()).toBe('18446744073709551615');
  });

  it('reads hex IDs of any length', () => {
    const bytes = Uint8Array.from([3, 0xab, 0x00, 0xff]);
    expect(new ProtoReader(bytes).hex()).toBe('ab00ff');
  });

  it('skips nested groups and rejects a mismatched end-group', () => {
    const r = new ProtoReader(cat(tag(1, 3), tag(2, 3), tag(2, 4), tag(1, 4), varint(0x10), varint(5)));
    const t = r.tag();
    r.skipTag(t);
    expect(r.tag()).toBe(0x10);
    expect(() => new ProtoReader(cat(tag(1, 3), tag(2, 4))).skipTag(0x0b)).toThrow(OrdertraceError);
  });
});
