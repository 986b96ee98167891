// One ClickHouse write built up batch by batch (Store.startWrite): each batch's records are mapped to rows
// and encoded as TabSeparated text when added, and their lookup/operations rows gathered, so a write of
// tens of thousands of records holds bytes while it fills and commits, not record objects — measured on
// the ingester, holding the objects of a 20 000-span write across its insert made the garbage collector
// (mostly V8's helper threads) the largest cost per span.
//
// commit(): the data tables first, then the lookup/operations rows that point at them (so a failed write
// that is retried never leaves an index row whose data is missing for longer than the retry); a failed
// commit can be called again and sends the same rows.
import type { IncrementalWrite, WriteBatch } from '../store.ts';
import type { Connection } from './connection.ts';
import { ClickHouseQueryError } from './errors.ts';
import { TsvRows } from './insert-format.ts';
import { linkTag, LookupRowsBuilder, OperationRowsBuilder, operationTag, type BatchRows, type WrittenCache } from './lookup-rows.ts';
import { eventRow, logRow, spanRow } from './rows.ts';

export interface WriteTarget {
  conn: Connection;
  /** Qualified table names. */
  tables: { spans: string; logs: string; events: string; lookup: string; operations: string };
  keyAttributes: readonly string[];
  /** Idempotent rows already written by this process (skipped). */
  links: WrittenCache;
  operations: WrittenCache;
}

export class ClickHouseWrite implements IncrementalWrite {
  readonly #target: WriteTarget;
  readonly #spans = new TsvRows();
  readonly #logs = new TsvRows();
  readonly #events = new TsvRows();
  readonly #lookup: LookupRowsBuilder;
  readonly #operations = new OperationRowsBuilder();

  constructor(target: WriteTarget) {
    this.#target = target;
    this.#lookup = new LookupRowsBuilder(target.keyAttributes);
  }

  #committed = false;
  /** A failed attempt may have left a request that still reads the insert text: then it is not reused. */
  #failedBefore = false;

  get empty(): boolean {
    return this.#spans.count === 0 && this.#logs.count === 0 && this.#events.count === 0;
  }

  add(batch: WriteBatch): void {
    if (this.#committed) throw new Error('ClickHouseWrite: add() after a successful commit()');
    // Map everything first: a record that cannot be stored throws before anything is added.
    const rows: BatchRows = {
      spans: (batch.spans ?? []).map((span) => ({ span, row: spanRow(span) })),
      logs: (batch.logs ?? []).map((log) => ({ log, row: logRow(log) })),
      events: [],
    };
    const events = (batch.events ?? []).map((event) => eventRow(event));
    rows.events = (batch.events ?? []).map((event, i) => ({ event, day: events[i]!.day }));
    let encoded;
    try {
      encoded = [this.#spans.encode(rows.spans.map((s) => s.row)), this.#logs.encode(rows.logs.map((l) => l.row)), this.#events.encode(events)] as const;
    } catch (error) {
      throw new ClickHouseQueryError(`ClickHouse write: cannot encode the rows: ${(error as Error).message}`, undefined, { cause: error });
    }
    this.#spans.appendEncoded(encoded[0]);
    this.#logs.appendEncoded(encoded[1]);
    this.#events.appendEncoded(encoded[2]);
    this.#lookup.add(rows);
    this.#operations.add(rows);
  }

  async commit(): Promise<void> {
    if (this.#committed || this.empty) return;
    try {
      await this.#insertAll();
    } catch (error) {
      this.#failedBefore = true;
      throw error;
    }
    this.#committed = true;
    // Stored: the insert text's memory goes to the next write (buffer-pool.ts).
    if (!this.#failedBefore) for (const rows of [this.#spans, this.#logs, this.#events]) rows.release();
  }

  async #insertAll(): Promise<void> {
    const { conn, tables, links, operations } = this.#target;
    await Promise.all([
      conn.insertTsv(tables.spans, this.#spans, 'insert into spans'),
      conn.insertTsv(tables.logs, this.#logs, 'insert into logs'),
      conn.insertTsv(tables.events, this.#events, 'insert into events'),
    ]);
    const { ranges, links: linkRows } = this.#lookup.rows();
    const freshLinks = links.fresh(linkRows, linkTag);
    const freshOps = operations.fresh(this.#operations.rows, operationTag);
    await Promise.all([
      conn.insert(tables.lookup, [...ranges, ...freshLinks.map((l) => l.row)], 'insert into lookup'),
      conn.insert(tables.operations, freshOps.map((o) => o.row), 'insert into operations'),
    ]);
    links.remember(freshLinks);
    operations.remember(freshOps);
  }
}
