import { describe, expect, it } from 'vitest';
import { TimerQueue } from './timer-queue.ts';

describe('TimerQueue', () => {
  it('pops items in fire-time order', () => {
    const q = new TimerQueue<number>();
    let seed = 7;
    const times = Array.from({ length: 2000 }, () => (seed = (seed * 48271) % 2147483647) % 100_000);
    times.forEach((t, i) => q.push(t, i));
    expect(q.peekTime()).toBe(Math.min(...times));
    const popped: number[] = [];
    for (let item = q.pop(); item !== undefined; item = q.pop()) popped.push(times[item]!);
    expect(popped).toEqual([...times].sort((a, b) => a - b));
    expect(q.peekTime()).toBeNull();
  });

  it('rebuild keeps only the entries asked for, still in order', () => {
    const q = new TimerQueue<string>();
    for (let i = 20; i > 0; i--) q.push(i, `t${i}`);
    q.rebuild((t) => t % 2 === 0);
    expect(q.size).toBe(10);
    const out: string[] = [];
    for (let item = q.pop(); item !== undefined; item = q.pop()) out.push(item);
    expect(out).toEqual(['t2', 't4', 't6', 't8', 't10', 't12', 't14', 't16', 't18', 't20']);
  });
});
