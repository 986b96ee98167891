// Opens a node:sqlite database with the pragmas every ordertrace SQLite file uses.
import { DatabaseSync } from 'node:sqlite';
import type { Durability } from './writer-protocol.ts';

export function openDatabase(path: string, durability: Durability, readOnly = false): DatabaseSync {
  const db = new DatabaseSync(path, { readOnly });
  // Readers and the writer thread use separate connections; a busy wait beats an immediate SQLITE_BUSY.
  db.exec('PRAGMA busy_timeout = 5000');
  if (!readOnly) {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(`PRAGMA synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
  }
  db.exec('PRAGMA cache_size = -65536');
  return db;
}
