import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../core/errors.ts';
import type { OrderEvent } from '../core/model.ts';
import type { WriteBatch } from '../core/store/store.ts';
import { recordCount, WriteBatcher, type PendingWrite } from './batcher.ts';

const ev = (n: number): OrderEvent[] => Array.from({ length: n }, (_, i) => ({ eventId: `e${i}` }) as OrderEvent);

describe('WriteBatcher', () => {
  it('merges the handler calls of one turn into one write, sealed once every call in progress waits for it', async () => {
    const writes: number[] = [];
    const b = new WriteBatcher({ write: async (w) => void writes.push(recordCount(w)), maxRecords: 100, lingerMs: 60_000 });
    const started = Date.now();
    await Promise.all([b.add({ events: ev(3) }), b.add({ spans: [] as never, events: ev(4) })]);
    expect(writes).toEqual([7]);
    expect(Date.now() - started).toBeLessThan(1_000); // not the 60 s linger
  });

  it('lingers (up to lingerMs) while another handler call is still in progress, and runs maxConcurrentWrites writes at once', async () => {
    const begun: Array<{ records: number; at: number }> = [];
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const b = new WriteBatcher({
      write: async (w) => {
        begun.push({ records: recordCount(w), at: Date.now() });
        await gate;
      },
      maxRecords: 100, lingerMs: 40, maxConcurrentWrites: 2,
    });
    const first = b.add({ events: ev(3) }); // alone: sealed at once, then held at the gate
    await new Promise((r) => setTimeout(r, 5));
    expect(begun.map((x) => x.records)).toEqual([3]);
    const addedAt = Date.now();
    const second = b.add({ events: ev(4) }); // `first` is still in progress and could add more: linger
    await new Promise((r) => setTimeout(r, 10));
    expect(begun).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(begun.map((x) => x.records)).toEqual([3, 4]); // second write began while the first is in flight
    expect(begun[1]!.at - addedAt).toBeGreaterThanOrEqual(35);
    open();
    await Promise.all([first, second]);
  });

  it('hands records to an incremental write as they arrive, commits it once, retries by committing again; a refused batch fails alone', async () => {
    const log: string[] = [];
    let failCommits = 1;
    const open = (): PendingWrite => {
      const id = log.filter((l) => l.startsWith('open')).length;
      log.push(`open ${id}`);
      return {
        add: (batch) => {
          if (batch.events?.some((e) => e.eventId === 'bad')) throw new Error('cannot store event bad');
          log.push(`add ${id}: ${recordCount(batch)}`);
        },
        commit: async () => {
          log.push(`commit ${id}`);
          if (failCommits-- > 0) throw new UnavailableError('busy');
        },
      };
    };
    const written: number[] = [];
    const b = new WriteBatcher({ open, maxRecords: 5, lingerMs: 60_000, backoffMs: 1, onWritten: (counts) => written.push(counts.events) });
    const bad = b.add({ events: [{ eventId: 'bad' } as OrderEvent] });
    await expect(bad).rejects.toThrow('cannot store event bad');
    await Promise.all([b.add({ events: ev(3) }), b.add({ events: ev(4) })]);
    expect(log).toEqual(['open 0', 'add 0: 3', 'add 0: 2', 'commit 0', 'open 1', 'add 1: 2', 'commit 0', 'commit 1']);
    expect(written).toEqual([5, 2]);
  });

  it('rejects a bad maxConcurrentWrites', () => {
    expect(() => new WriteBatcher({ write: async () => undefined, maxConcurrentWrites: 0 })).toThrow('maxConcurrentWrites must be a positive integer');
  });

  it('flushes at maxRecords without waiting, splitting large calls', async () => {
    const writes: number[] = [];
    const b = new WriteBatcher({ write: async (w) => void writes.push(recordCount(w)), maxRecords: 10, lingerMs: 60_000 });
    const big = b.add({ events: ev(25), logs: [] });
    await big; // lingerMs is a minute: 10 and 10 at once, the last 5 once nothing else can join them
    expect(writes).toEqual([10, 10, 5]);
    const small = b.add({ events: ev(3) });
    b.stop(); // writes what is pending
    await small;
    expect(writes).toEqual([10, 10, 5, 3]);
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
