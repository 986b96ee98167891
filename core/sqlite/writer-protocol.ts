// Messages between SqliteWriter (main thread) and its worker. Kept in one place so both sides agree.
import type { SQLInputValue } from 'node:sqlite';

/** One prepared statement run once per row, inside the writer's transaction. */
export interface WriteOp {
  sql: string;
  rows: SQLInputValue[][];
}

export interface WriterInit {
  path: string;
  /** Statements run once at open (schema, migrations); idempotent. */
  schema: string[];
  /** 'full': fsync on every commit (acknowledged data survives power loss); 'normal': WAL default, survives a process crash. */
  durability: Durability;
}

export type Durability = 'full' | 'normal';

export type WriterRequest = { id: number; ops: WriteOp[] } | { id: number; close: true };

export type WriterResponse =
  | { id: number; ok: true; changes: number }
  | { id: number; ok: false; error: string; busy: boolean }
  | { ready: true }
  | { ready: false; error: string };
