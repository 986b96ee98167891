// listEvents parameters shared by both stores: order events oldest first, ties by eventId, one per
// (time, eventId) — a redelivered event has the same time, so that is one per eventId. The cursor
// is the last event's (time, eventId); the next page starts strictly after it.
import type { OrderEvent } from '../model.ts';
import { decodeCursor, encodeCursor } from './alert-params.ts';
import { checkLimit, nsParam } from './query.ts';
import type { EventListQuery } from './store.ts';

export interface EventPosition {
  timeNs: bigint;
  eventId: string;
}

export interface EventListParams {
  fromNs: bigint | undefined;
  /** Exclusive. */
  toNs: bigint | undefined;
  orderId: string | undefined;
  limit: number;
  after: EventPosition | undefined;
}

export function eventListParams(query: EventListQuery): EventListParams {
  let after: EventPosition | undefined;
  if (query.cursor !== undefined) {
    const [t, eventId] = decodeCursor(query.cursor, ['string', 'string']) as [string, string];
    after = { timeNs: nsParam(t, 'cursor')!, eventId };
  }
  return {
    fromNs: nsParam(query.fromNs, 'fromNs'),
    toNs: nsParam(query.toNs, 'toNs'),
    orderId: query.orderId === undefined ? undefined : String(query.orderId),
    limit: checkLimit(query.limit),
    after,
  };
}

export function eventCursor(e: OrderEvent): string {
  return encodeCursor([e.timeUnixNano, e.eventId]);
}

/** The inclusive lower bound a page starts from: the later of fromNs and the cursor's time. */
export function pageStartNs(p: EventListParams): bigint {
  const from = p.fromNs ?? 0n;
  return p.after && p.after.timeNs > from ? p.after.timeNs : from;
}
