// listEvents of the embedded store: walks the events_D tables oldest day first over their
// (time_ns, event_id) index, from the page start (fromNs or the cursor) — a page reads about as many
// index entries as it returns. Events are unique per (order_id, event_id) at write time; the same
// eventId under two orders (same time) is skipped here, as the rows arrive adjacent.
import type { SQLInputValue } from 'node:sqlite';
import type { OrderEvent } from '../model.ts';
import { pageOf } from './alert-params.ts';
import { eventCursor, pageStartNs, type EventListParams } from './event-list.ts';
import { DAY_NS, tableName } from './sqlite-schema.ts';
import type { Page } from './store.ts';

export type RowReader = (sql: string, ...params: SQLInputValue[]) => unknown[];

interface EventRow {
  t: string;
  event_id: string;
  body: string;
}

export function listDayEvents(days: readonly number[], read: RowReader, p: EventListParams): Page<OrderEvent> {
  const want = p.limit + 1;
  const chunk = Math.min(Math.max(2 * want, 64), 2_000);
  const firstDay = Number(pageStartNs(p) / DAY_NS);
  const lastDay = p.toNs === undefined ? Infinity : p.toNs === 0n ? -Infinity : Number((p.toNs - 1n) / DAY_NS);
  const fixed: string[] = [];
  const fixedParams: SQLInputValue[] = [];
  if (p.fromNs !== undefined) {
    fixed.push('time_ns >= ?');
    fixedParams.push(p.fromNs);
  }
  if (p.toNs !== undefined) {
    fixed.push('time_ns < ?');
    fixedParams.push(p.toNs);
  }
  if (p.orderId !== undefined) {
    fixed.push('order_id = ?');
    fixedParams.push(p.orderId);
  }
  const found: OrderEvent[] = [];
  let lastKey = '';
  for (const day of [...days].sort((a, b) => a - b)) {
    if (day < firstDay) continue;
    if (day > lastDay || found.length >= want) break;
    let position = p.after;
    for (;;) {
      const where = [...fixed];
      const params = [...fixedParams];
      if (position) {
        where.push('time_ns >= ? AND (time_ns > ? OR event_id > ?)');
        params.push(position.timeNs, position.timeNs, position.eventId);
      }
      const rows = read(
        `SELECT CAST(time_ns AS TEXT) AS t, event_id, body FROM ${tableName('events', day)}` +
          `${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY time_ns, event_id LIMIT ${chunk}`,
        ...params,
      ) as EventRow[];
      for (const row of rows) {
        const key = `${row.t}\0${row.event_id}`;
        if (key === lastKey) continue;
        lastKey = key;
        found.push(JSON.parse(row.body) as OrderEvent);
        if (found.length >= want) break;
      }
      if (found.length >= want || rows.length < chunk) break;
      const last = rows[rows.length - 1]!;
      position = { timeNs: BigInt(last.t), eventId: last.event_id };
    }
  }
  return pageOf(found, p.limit, eventCursor);
}
