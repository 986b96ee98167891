// A min-heap of timed items: the emitter's agenda. Ties break on (rank, insertion order), so a
// span is started before its logs and ended after them, and parents start before children.

export interface Timed {
  atMs: number;
  /** Lower first among equal times. */
  rank: number;
}

export class Agenda<T extends Timed> {
  private readonly heap: Array<{ item: T; seq: number }> = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    this.heap.push({ item, seq: this.seq++ });
    let i = this.heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  peek(): T | undefined {
    return this.heap[0]?.item;
  }

  /** Remove and return the earliest item if it is due at or before `nowMs`. */
  popDue(nowMs: number): T | undefined {
    const top = this.heap[0];
    if (!top || top.item.atMs > nowMs) return undefined;
    const last = this.heap.pop();
    if (last && this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(l, m)) m = l;
        if (r < this.heap.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top.item;
  }

  clear(): void {
    this.heap.length = 0;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    if (!x || !y) return false;
    if (x.item.atMs !== y.item.atMs) return x.item.atMs < y.item.atMs;
    if (x.item.rank !== y.item.rank) return x.item.rank < y.item.rank;
    return x.seq < y.seq;
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a];
    const y = this.heap[b];
    if (!x || !y) return;
    this.heap[a] = y;
    this.heap[b] = x;
  }
}
