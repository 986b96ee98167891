// Worker thread that owns a SQLite database's write connection. Requests that arrive while a
// transaction is being written are committed together in the next one (group commit), so the fsync
// cost is shared and the main thread's event loop never waits on disk.
import { parentPort, workerData } from 'node:worker_threads';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { openDatabase } from './open.ts';
import type { WriterInit, WriterRequest, WriterResponse, WriteOp } from './writer-protocol.ts';

const init = workerData as WriterInit;
const port = parentPort!;
let db: DatabaseSync;
const statements = new Map<string, StatementSync>();
let pending: Array<{ id: number; ops: WriteOp[] }> = [];
let scheduled = false;
let closing: number | null = null;

function post(message: WriterResponse): void {
  port.postMessage(message);
}

try {
  db = openDatabase(init.path, init.durability);
  for (const sql of init.schema) db.exec(sql);
  post({ ready: true });
} catch (error) {
  post({ ready: false, error: String(error) });
  process.exit(1);
}

function statement(sql: string): StatementSync {
  let prepared = statements.get(sql);
  if (!prepared) {
    prepared = db.prepare(sql);
    statements.set(sql, prepared);
  }
  return prepared;
}

function runOps(ops: WriteOp[]): number {
  let changes = 0;
  for (const op of ops) {
    const prepared = statement(op.sql);
    for (const row of op.rows) changes += Number(prepared.run(...row).changes);
  }
  return changes;
}

function isBusy(error: unknown): boolean {
  const text = String(error);
  return /SQLITE_(BUSY|FULL|LOCKED|IOERR)|database is locked|disk is full/i.test(text);
}

function flush(): void {
  scheduled = false;
  const batch = pending;
  pending = [];
  if (batch.length > 0) {
    const results: WriterResponse[] = [];
    db.exec('BEGIN IMMEDIATE');
    for (const request of batch) {
      // A savepoint per request: one bad request fails alone, the others still commit.
      db.exec('SAVEPOINT request');
      try {
        const changes = runOps(request.ops);
        db.exec('RELEASE request');
        results.push({ id: request.id, ok: true, changes });
      } catch (error) {
        db.exec('ROLLBACK TO request');
        db.exec('RELEASE request');
        results.push({ id: request.id, ok: false, error: String(error), busy: isBusy(error) });
      }
    }
    try {
      db.exec('COMMIT');
    } catch (error) {
      try { db.exec('ROLLBACK'); } catch { /* already rolled back */ }
      for (const request of batch) post({ id: request.id, ok: false, error: String(error), busy: true });
      results.length = 0;
    }
    for (const result of results) post(result);
  }
  if (closing !== null && pending.length === 0) {
    db.close();
    post({ id: closing, ok: true, changes: 0 });
    port.close();
  }
}

port.on('message', (request: WriterRequest) => {
  if ('close' in request) closing = request.id;
  else pending.push(request);
  if (!scheduled) {
    scheduled = true;
    // setImmediate lets every message already queued join this transaction.
    setImmediate(flush);
  }
});
