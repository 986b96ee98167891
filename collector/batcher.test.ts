import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../core/errors.ts';
import type { OrderEvent } from '../core/model.ts';
import type { WriteBatch } from '../core/store/store.ts';
import { recordCount, WriteBatcher } from './batcher.ts';

const ev = (n: number): OrderEvent[] => Array.from({ length: n }, (_, i) => ({ eventId: `e${i}` }) as OrderEvent);

describe('WriteBatcher', () => {
  it('merges handler calls into one write, flushed after lingerMs', async () => {
    const writes: number[] = [];
    const b = new WriteBatcher({ write: async (w) => void writes.push(recordCount(w)), maxRecords: 100, lingerMs: 30 });
    const started = Date.now();
    await Promise.all([b.add({ events: ev(3) }), b.add({ spans: [] as never, events: ev(4) })]);
    expect(writes).toEqual([7]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('flushes at maxRecords without waiting, splitting large calls', async () => {
    const writes: number[] = [];
    const b = new WriteBatcher({ write: async (w) => void writes.push(recordCount(w)), maxRecords: 10, lingerMs: 60_000 });
    const big = b.add({ events: ev(25), logs: [] });
    await new Promise((r) => setTimeout(r, 20));
    expect(writes).toEqual([10, 10]); // the last 5 wait for more (lingerMs is long)
    const small = b.add({ events: ev(3) });
    b.stop(); // writes what is pending
    await Promise.all([big, small]);
    expect(writes).toEqual([10, 10, 8]);
  });

  it('retries UnavailableError with backoff until the store is back, failing meanwhile; a handler resolves only after its write', async () => {
    let down = 3;
    const written: WriteBatch[] = [];
    const failures: boolean[] = [];
    const b = new WriteBatcher({
      write: async (w) => {
        if (down-- > 0) throw new UnavailableError('down');
        written.push(w);
      },
      lingerMs: 1, backoffMs: 5, maxBackoffMs: 20,
      onFailed: (_e, retry) => failures.push(retry),
    });
    const add = b.add({ events: ev(2) });
    await new Promise((r) => setTimeout(r, 8));
    expect(b.failing).toBe(true);
    expect(written).toHaveLength(0);
    await add;
    expect(written).toHaveLength(1);
    expect(failures).toEqual([true, true, true]);
    expect(b.failing).toBe(false);
  });

  it('rejects the handlers on other errors (the bus redelivers) and on stop while the store is down', async () => {
    const bad = new WriteBatcher({ write: async () => { throw new Error('bad row'); }, lingerMs: 1 });
    await expect(bad.add({ events: ev(1) })).rejects.toThrow('bad row');
    const down = new WriteBatcher({ write: async () => { throw new UnavailableError('down'); }, lingerMs: 1, backoffMs: 10_000 });
    const add = down.add({ events: ev(1) });
    await new Promise((r) => setTimeout(r, 10));
    down.stop();
    await expect(add).rejects.toThrow('down');
  });
});
