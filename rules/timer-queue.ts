// A binary min-heap of timers keyed by fire time, so the engine pops only what is due instead of
// scanning open orders. Times and items sit in parallel arrays (a million timers ≈ 12 MB).
// Cancelling is the owner's business: it marks an item dead and skips it when popped (lazy
// deletion), and calls rebuild() when dead entries pile up.

export class TimerQueue<T> {
  private times: number[] = [];
  private items: T[] = [];

  get size(): number {
    return this.times.length;
  }

  push(timeMs: number, item: T): void {
    const times = this.times;
    const items = this.items;
    let i = times.length;
    times.push(timeMs);
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (times[parent]! <= timeMs) break;
      times[i] = times[parent]!;
      items[i] = items[parent]!;
      i = parent;
    }
    times[i] = timeMs;
    items[i] = item;
  }

  /** Fire time of the earliest entry, or null when empty. */
  peekTime(): number | null {
    return this.times.length === 0 ? null : this.times[0]!;
  }

  peekItem(): T | undefined {
    return this.items[0];
  }

  /** Removes and returns the earliest entry's item (undefined when empty). */
  pop(): T | undefined {
    const times = this.times;
    const items = this.items;
    if (times.length === 0) return undefined;
    const top = items[0]!;
    const lastTime = times.pop()!;
    const lastItem = items.pop()!;
    if (times.length > 0) this.siftDown(0, lastTime, lastItem);
    return top;
  }

  /** Keeps only the entries `keep` accepts (drops dead timers in one O(n) pass). */
  rebuild(keep: (timeMs: number, item: T) => boolean): void {
    const times: number[] = [];
    const items: T[] = [];
    for (let i = 0; i < this.times.length; i++) {
      if (keep(this.times[i]!, this.items[i]!)) {
        times.push(this.times[i]!);
        items.push(this.items[i]!);
      }
    }
    this.times = times;
    this.items = items;
    for (let i = (times.length >> 1) - 1; i >= 0; i--) this.siftDown(i, times[i]!, items[i]!);
  }

  private siftDown(start: number, timeMs: number, item: T): void {
    const times = this.times;
    const items = this.items;
    const n = times.length;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && times[child + 1]! < times[child]!) child++;
      if (times[child]! >= timeMs) break;
      times[i] = times[child]!;
      items[i] = items[child]!;
      i = child;
    }
    times[i] = timeMs;
    items[i] = item;
  }
}
