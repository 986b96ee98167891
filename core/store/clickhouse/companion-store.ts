// What a store kept beside the ClickHouse records store (alerts, health aggregates) shares with it: its
// connection and database, and a check that throws while the owning store is closed or not yet initialised.
import type { Connection } from './connection.ts';

export abstract class CompanionStore {
  protected readonly conn: Connection;
  protected readonly db: string;
  protected readonly ready: () => void;

  /** `ready` throws when the owning store is closed or not initialised yet. */
  constructor(conn: Connection, database: string, ready: () => void) {
    this.conn = conn;
    this.db = database;
    this.ready = ready;
  }
}
