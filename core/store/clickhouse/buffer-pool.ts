// Reused memory for TabSeparated insert bodies (insert-format.ts TextWriter).
//
// Why: the first touch of freshly mapped memory costs a page fault per 4 KiB page, and glibc maps
// buffers of a few hundred KiB and more afresh on every allocation and unmaps them when freed. On the
// 2-core VM this is benchmarked on a fault costs ~2 µs (measured), so an ingester that allocated every
// write's ~20 MiB of insert text anew spent more time in page faults than in encoding the rows. Buffers
// given back after a write are taken by the next one and stay mapped.

export class BufferPool {
  readonly #maxBytes: number;
  readonly #free: Buffer[] = [];
  #freeBytes = 0;

  /** Keeps at most `maxBytes` of free buffers; a buffer given beyond that is left to the garbage collector. */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes held for reuse. */
  get freeBytes(): number {
    return this.#freeBytes;
  }

  /** A buffer of at least `minBytes` (contents undefined): the smallest free one that fits, else a new one. */
  take(minBytes: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const length = this.#free[i]!.length;
      if (length >= minBytes && (best < 0 || length < this.#free[best]!.length)) best = i;
    }
    if (best < 0) return Buffer.allocUnsafeSlow(minBytes);
    const [buffer] = this.#free.splice(best, 1);
    this.#freeBytes -= buffer!.length;
    return buffer!;
  }

  /** Hands a buffer back; the caller must not use it (or any view of it) afterwards. */
  give(buffer: Buffer): void {
    if (buffer.length === 0 || this.#freeBytes + buffer.length > this.#maxBytes) return;
    this.#free.push(buffer);
    this.#freeBytes += buffer.length;
  }
}

/** Insert bodies of this process: room for two in-flight ingester writes' worth (insert text of ~20 000 spans each). */
export const INSERT_BUFFERS = new BufferPool(128 * 1024 * 1024);
