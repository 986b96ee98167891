// listEvents of the ClickHouse store: order events oldest first, one per (time, eventId).
//
// events is ORDER BY (order_id, time_ns, event_id) and partitioned by day, so a page over all orders
// walks the day partitions oldest first from the page start, one query per day until the page is
// full: each sorts only that day's (time_ns, event_id) keys, and reads `body` for the page's keys
// alone (`PREWHERE (time_ns, event_id) IN (…)`). One order's events are one primary-key range: a
// single query over every day. Redelivered copies are dropped by LIMIT 1 BY time_ns, event_id.
import type { OrderEvent } from '../../model.ts';
import { pageOf } from '../alert-params.ts';
import { eventCursor, pageStartNs, type EventListParams } from '../event-list.ts';
import type { Page } from '../store.ts';
import type { Connection } from './connection.ts';
import { partitionsQuery } from './queries.ts';
import { DAY_NS, eventFromBody } from './rows.ts';
import { qualified, Table } from './schema.ts';
import { quoteString, uintLiteral } from './sql.ts';

/** Which days a query reads: one partition, or an inclusive range (either end open). */
export type DaySpan = { day: number } | { fromDay?: number; toDay?: number };

/** Up to p.limit + 1 events after the page start, in page order (body column). */
export function eventsPageQuery(database: string, days: DaySpan, p: EventListParams): string {
  const table = qualified(database, Table.events);
  const dayConditions: string[] = [];
  if ('day' in days) dayConditions.push(`day = ${uintLiteral(days.day)}`);
  else {
    if (days.fromDay !== undefined) dayConditions.push(`day >= ${uintLiteral(days.fromDay)}`);
    if (days.toDay !== undefined) dayConditions.push(`day <= ${uintLiteral(days.toDay)}`);
  }
  if (p.orderId !== undefined) dayConditions.push(`order_id = ${quoteString(p.orderId)}`);
  const keys = [...dayConditions, `time_ns >= ${uintLiteral(pageStartNs(p))}`];
  if (p.toNs !== undefined) keys.push(`time_ns < ${uintLiteral(p.toNs)}`);
  if (p.after) keys.push(`(time_ns > ${uintLiteral(p.after.timeNs)} OR event_id > ${quoteString(p.after.eventId)})`);
  const page =
    `SELECT time_ns, event_id FROM ${table} WHERE ${keys.join(' AND ')} ` +
    `ORDER BY time_ns, event_id LIMIT 1 BY time_ns, event_id LIMIT ${uintLiteral(p.limit + 1)}`;
  return (
    `SELECT body FROM ${table} PREWHERE (time_ns, event_id) IN (${page})` +
    `${dayConditions.length ? ` WHERE ${dayConditions.join(' AND ')}` : ''} ORDER BY time_ns, event_id LIMIT 1 BY time_ns, event_id`
  );
}

function dayOf(ns: bigint): number {
  return Number(ns / DAY_NS);
}

export async function listClickHouseEvents(conn: Connection, database: string, p: EventListParams): Promise<Page<OrderEvent>> {
  const firstDay = dayOf(pageStartNs(p));
  const lastDay = p.toNs === undefined ? undefined : p.toNs === 0n ? -1 : dayOf(p.toNs - 1n);
  const read = async (days: DaySpan, limit: number) =>
    (await conn.rows<{ body: string }>(eventsPageQuery(database, days, { ...p, limit }), 'listEvents')).map((r) => eventFromBody(r.body));
  if (p.orderId !== undefined) {
    if (lastDay !== undefined && lastDay < firstDay) return { items: [], nextCursor: null };
    return pageOf(await read({ fromDay: firstDay, ...(lastDay !== undefined ? { toDay: lastDay } : {}) }, p.limit), p.limit, eventCursor);
  }
  const parts = await conn.rows<{ partition: string }>(partitionsQuery(database, [Table.events]), 'listEvents');
  const days = [...new Set(parts.map((r) => Number(r.partition)))]
    .filter((d) => Number.isInteger(d) && d >= firstDay && (lastDay === undefined || d <= lastDay))
    .sort((a, b) => a - b);
  const found: OrderEvent[] = [];
  for (const day of days) {
    found.push(...(await read({ day }, p.limit - found.length)));
    if (found.length > p.limit) break;
  }
  return pageOf(found, p.limit, eventCursor);
}
