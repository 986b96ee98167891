// A minimal protobuf wire-format reader: varint, fixed32, fixed64, length-delimited, groups.
// Decoders read fields straight into the model with it; every read is bounds-checked and a
// malformed or truncated body throws OT_ERR_DECODE.

import { OrdertraceError } from '../errors.ts';

/** Wire types. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

const utf8 = new TextDecoder('utf-8');

/** Unknown groups are skipped recursively; bound the recursion. */
const MAX_GROUP_DEPTH = 64;

/** Cache of short ASCII strings seen on the wire (shared by all readers; strings are immutable). */
const CACHE_SIZE = 4096;
const CACHED_MAX_LEN = 32;
const stringCache: string[] = new Array<string>(CACHE_SIZE).fill('');

/** '00'..'ff' for every byte value. */
const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));
/** The two hex digit char codes of every byte value, at [2b] and [2b + 1]. */
const HEX_CODES = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  HEX_CODES[2 * i] = HEX[i]!.charCodeAt(0);
  HEX_CODES[2 * i + 1] = HEX[i]!.charCodeAt(1);
}
const codes32: number[] = new Array<number>(32).fill(0);
const codes16: number[] = new Array<number>(16).fill(0);

/** Decimal digits of an unsigned 64-bit integer given as two uint32 halves. Exact. */
export function u64ToDecimal(lo: number, hi: number): string {
  // Below 2^53 a double holds the value exactly.
  if (hi < 0x200000) return String(hi * 4294967296 + lo);
  // Otherwise: regroup the bits as 16:24:24 and accumulate three base-1e7 digits
  // (2^24 = 1·1e7 + 6777216, 2^48 = 28147497·1e7 + 6710656, i.e. (2, 8147497, 6710656) in base 1e7).
  const l24 = lo & 0xffffff;
  const m24 = ((lo >>> 24) | (hi << 8)) & 0xffffff;
  const h16 = hi >>> 16;
  let d0 = l24 + m24 * 6777216 + h16 * 6710656;
  let d1 = m24 + h16 * 8147497;
  let d2 = h16 * 2;
  const base = 10000000;
  if (d0 >= base) {
    d1 += Math.floor(d0 / base);
    d0 %= base;
  }
  if (d1 >= base) {
    d2 += Math.floor(d1 / base);
    d1 %= base;
  }
  // d2 > 0 here because the value is at least 2^53 > 1e14.
  return String(d2) + String(d1).padStart(7, '0') + String(d0).padStart(7, '0');
}

export function decodeError(message: string): OrdertraceError {
  return new OrdertraceError('OT_ERR_DECODE', `protobuf: ${message}`);
}

export class ProtoReader {
  readonly buf: Uint8Array;
  readonly len: number;
  pos = 0;
  /** Halves of the last 64-bit varint read by varint64(). */
  private lo = 0;
  private hi = 0;
  private view: DataView | undefined;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.len = buf.length;
  }

  private truncated(): never {
    throw decodeError(`truncated message (need more than ${this.len} bytes)`);
  }

  /** Reads a varint of up to 10 bytes into this.lo / this.hi. */
  private varint64(): void {
    const buf = this.buf;
    const len = this.len;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b: number;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= len) this.truncated();
      b = buf[pos++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    if (pos >= len) this.truncated();
    b = buf[pos++]!;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) {
      this.pos = pos;
      this.lo = lo >>> 0;
      this.hi = hi;
      return;
    }
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= len) this.truncated();
      b = buf[pos++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw decodeError(`varint longer than 10 bytes at byte ${this.pos}`);
  }

  /** A field tag (field number << 3 | wire type); 0 is never valid. */
  tag(): number {
    const t = this.uint32();
    if (t >>> 3 === 0) throw decodeError(`invalid field number 0 at byte ${this.pos}`);
    return t;
  }

  /** uint32 / enum varint: the low 32 bits, unsigned. */
  uint32(): number {
    const pos = this.pos;
    if (pos < this.len) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.varint64();
    return this.lo;
  }

  /** int32 / enum varint: the low 32 bits, signed. */
  int32(): number {
    return this.uint32() | 0;
  }

  bool(): boolean {
    this.varint64();
    return this.lo !== 0 || this.hi !== 0;
  }

  /** int64 varint as an exact signed decimal string. */
  int64(): string {
    this.varint64();
    let lo = this.lo;
    let hi = this.hi;
    if (hi & 0x80000000) {
      lo = (~lo + 1) >>> 0;
      hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
      return '-' + u64ToDecimal(lo, hi);
    }
    return u64ToDecimal(lo, hi);
  }

  private need(n: number): number {
    const pos = this.pos;
    if (pos + n > this.len) this.truncated();
    this.pos = pos + n;
    return pos;
  }

  fixed32(): number {
    const p = this.need(4);
    const buf = this.buf;
    return (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
  }

  /** fixed64 as an exact unsigned decimal string. */
  fixed64(): string {
    const p = this.need(8);
    const buf = this.buf;
    const lo = (buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24)) >>> 0;
    const hi = (buf[p + 4]! | (buf[p + 5]! << 8) | (buf[p + 6]! << 16) | (buf[p + 7]! << 24)) >>> 0;
    return u64ToDecimal(lo, hi);
  }

  double(): number {
    const p = this.need(8);
    this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    return this.view.getFloat64(p, true);
  }

  /** Reads a length prefix and returns the end offset of the payload (the payload is not consumed). */
  messageEnd(): number {
    const n = this.uint32();
    const end = this.pos + n;
    if (end > this.len) this.truncated();
    return end;
  }

  /** Checks a sub-message was read exactly to its end. */
  expectEnd(end: number): void {
    if (this.pos !== end) throw decodeError(`field overruns its enclosing message at byte ${end}`);
  }

  string(): string {
    const end = this.messageEnd();
    const start = this.pos;
    this.pos = end;
    const n = end - start;
    if (n === 0) return '';
    if (n > CACHED_MAX_LEN) return utf8.decode(this.buf.subarray(start, end));
    // Short strings (attribute keys, names, enum-like values) repeat across spans: look them up
    // in a small cache keyed by a hash of their bytes, so a repeat costs no allocation and stays
    // the same internalized string (fast as a property key).
    const buf = this.buf;
    let h = n;
    for (let i = start; i < end; i++) {
      const c = buf[i]!;
      if (c >= 0x80) return utf8.decode(buf.subarray(start, end));
      h = (Math.imul(h, 31) + c) | 0;
    }
    const slot = (h ^ (h >>> 13)) & (CACHE_SIZE - 1);
    const cached = stringCache[slot]!;
    if (cached.length === n) {
      let i = 0;
      while (i < n && cached.charCodeAt(i) === buf[start + i]) i++;
      if (i === n) return cached;
    }
    let s = '';
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
    stringCache[slot] = s;
    return s;
  }

  /** A bytes field as lowercase hex (trace and span IDs). */
  hex(): string {
    const end = this.messageEnd();
    const start = this.pos;
    this.pos = end;
    const n = end - start;
    const buf = this.buf;
    // IDs are 16 or 8 bytes: fill a reused array of char codes and build a flat string at once.
    const codes = n === 16 ? codes32 : n === 8 ? codes16 : undefined;
    if (codes === undefined) {
      let s = '';
      for (let i = start; i < end; i++) s += HEX[buf[i]!]!;
      return s;
    }
    for (let i = 0, j = 0; i < n; i++, j += 2) {
      const b = buf[start + i]!;
      codes[j] = HEX_CODES[b << 1]!;
      codes[j + 1] = HEX_CODES[(b << 1) + 1]!;
    }
    return String.fromCharCode.apply(null, codes);
  }

  /** A bytes field as standard base64. */
  base64(): string {
    const end = this.messageEnd();
    const start = this.pos;
    this.pos = end;
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + start, end - start).toString('base64');
  }

  /** Skips the payload of a field of the given wire type (its tag already read). */
  skip(wireType: number, field = 0, depth = 0): void {
    switch (wireType) {
      case WireType.VARINT:
        this.varint64();
        return;
      case WireType.I64:
        this.need(8);
        return;
      case WireType.LEN:
        this.pos = this.messageEnd();
        return;
      case WireType.I32:
        this.need(4);
        return;
      case WireType.SGROUP:
        if (depth > MAX_GROUP_DEPTH) throw decodeError(`groups nested deeper than ${MAX_GROUP_DEPTH} levels`);
        for (;;) {
          if (this.pos >= this.len) this.truncated();
          const t = this.tag();
          if ((t & 7) === WireType.EGROUP) {
            if (t >>> 3 !== field) throw decodeError(`mismatched end-group tag at byte ${this.pos}`);
            return;
          }
          this.skip(t & 7, t >>> 3, depth + 1);
        }
      default:
        throw decodeError(`invalid wire type ${wireType} at byte ${this.pos}`);
    }
  }

  /** Skips an unknown field given its full tag. */
  skipTag(tag: number): void {
    this.skip(tag & 7, tag >>> 3);
  }
}
