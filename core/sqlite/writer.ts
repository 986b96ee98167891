// Main-thread handle on a SQLite write connection living in a worker thread (see writer-worker.ts).
import { Worker } from 'node:worker_threads';
import { UnavailableError } from '../errors.ts';
import type { WriteOp, WriterInit, WriterResponse } from './writer-protocol.ts';

export type { WriteOp } from './writer-protocol.ts';

// Source runs as .ts (type stripping), the installed package as built .js: load the sibling that exists.
const workerUrl = new URL(`./writer-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export class SqliteWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (changes: number) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failure: Error | null = null;
  private closed = false;

  private constructor(worker: Worker) {
    this.worker = worker;
    worker.on('message', (message: WriterResponse) => {
      if (!('id' in message)) return;
      const entry = this.waiting.get(message.id);
      if (!entry) return;
      this.waiting.delete(message.id);
      if (message.ok) entry.resolve(message.changes);
      else entry.reject(message.busy ? new UnavailableError(`storage busy: ${message.error}`) : new Error(message.error));
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const entry of this.waiting.values()) entry.reject(new UnavailableError(`storage writer stopped: ${error.message}`));
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => { if (!this.closed) fail(new Error(`writer thread exited with code ${code}`)); });
  }

  /** Starts the worker, opens the database and applies the schema. */
  static open(init: WriterInit): Promise<SqliteWriter> {
    const worker = new Worker(workerUrl, { workerData: init });
    return new Promise((resolve, reject) => {
      const onMessage = (message: WriterResponse) => {
        if (!('ready' in message)) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        if (message.ready) resolve(new SqliteWriter(worker));
        else reject(new Error(`cannot open ${init.path}: ${message.error}`));
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  }

  /** Runs the ops in one transaction (shared with concurrent calls); resolves once committed. */
  write(ops: WriteOp[]): Promise<number> {
    if (this.failure) return Promise.reject(new UnavailableError(`storage writer stopped: ${this.failure.message}`));
    if (this.closed) return Promise.reject(new UnavailableError('storage is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, ops });
    });
  }

  /** Number of writes sent but not yet committed; used to refuse work when overloaded. */
  get inFlight(): number {
    return this.waiting.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.failure) return;
    const id = this.nextId++;
    await new Promise<void>((resolve) => {
      this.waiting.set(id, { resolve: () => resolve(), reject: () => resolve() });
      this.worker.postMessage({ id, close: true });
    });
    await this.worker.terminate();
  }
}
