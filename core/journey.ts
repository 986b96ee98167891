// The order journey: stages computed from an order's milestone events and the stage catalog.
// Pure: the same records, catalog and clock always give the same journey.
import type { OrderEvent } from './model.ts';
import type { OrderRecords } from './store/store.ts';
import type { StageDef } from './stages.ts';
import { TERMINAL_EVENTS } from './stages.ts';

export type StageState =
  | 'done' // ended within its expected duration
  | 'late' // ended, but took longer than expected
  | 'in_progress' // started, not ended, still within its expected duration
  | 'overdue' // started, not ended, past its expected duration
  | 'failed' // ended by one of its failOn events
  | 'missing' // never completed although a later stage of the same flow was seen: its events are missing
  | 'pending' // not started yet
  | 'cancelled'; // not finished when the order was cancelled

export interface JourneyStage {
  stageId: string;
  title: string;
  system: string;
  /** Set for per-shipment stages of a split shipment. */
  shipmentId: string | null;
  state: StageState;
  startNs: string | null;
  endNs: string | null;
  /** startNs + expected duration; null until the stage starts. */
  dueNs: string | null;
  expectedMs: number;
  durationMs: number | null;
  /** The event that started/ended it, for linking to spans. */
  startEventId: string | null;
  endEventId: string | null;
}

export interface SystemStatus {
  system: string;
  status: string;
  timeNs: string;
  eventType: string;
}

export interface OrderJourney {
  orderId: string;
  traceIds: string[];
  events: OrderEvent[];
  stages: JourneyStage[];
  /** The latest status each system reported, by system name. */
  statuses: SystemStatus[];
  /** Furthest stage reached by milestone events (catalog order), or null. */
  furthestStageId: string | null;
  cancelled: boolean;
}

const NS_PER_MS = 1_000_000n;

function byTime(a: OrderEvent, b: OrderEvent): number {
  const d = BigInt(a.timeUnixNano) - BigInt(b.timeUnixNano);
  return d < 0n ? -1 : d > 0n ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

function firstOf(events: OrderEvent[], types: readonly string[], shipmentId: string | null): OrderEvent | undefined {
  return events.find((e) => types.includes(e.type) && (shipmentId === null || !e.attributes['shipment.id'] || e.attributes['shipment.id'] === shipmentId));
}

function shipmentIds(events: OrderEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) if (e.attributes['shipment.id']) ids.add(e.attributes['shipment.id']);
  return [...ids].sort();
}

function stageInstance(def: StageDef, events: OrderEvent[], shipmentId: string | null, nowNs: bigint, cancelNs: bigint | null): JourneyStage {
  const start = firstOf(events, [def.start], shipmentId);
  const end = firstOf(events, [def.end], shipmentId);
  const failed = firstOf(events, def.failOn, shipmentId);
  const expectedNs = BigInt(Math.round(def.expectedMs)) * NS_PER_MS;
  const startNs = start ? BigInt(start.timeUnixNano) : null;
  const closing = end ?? failed;
  const endNs = closing ? BigInt(closing.timeUnixNano) : null;
  let state: StageState;
  if (end) state = startNs !== null && endNs! - startNs > expectedNs ? 'late' : 'done';
  else if (failed) state = 'failed';
  else if (startNs === null) state = 'pending';
  else if (cancelNs !== null) state = 'cancelled';
  else state = nowNs > startNs + expectedNs ? 'overdue' : 'in_progress';
  return {
    stageId: def.id,
    title: def.title,
    system: def.system,
    shipmentId,
    state,
    startNs: startNs?.toString() ?? null,
    endNs: endNs?.toString() ?? null,
    dueNs: startNs !== null ? (startNs + expectedNs).toString() : null,
    expectedMs: def.expectedMs,
    durationMs: startNs !== null && endNs !== null ? Number((endNs - startNs) / NS_PER_MS) : null,
    startEventId: start?.eventId ?? null,
    endEventId: closing?.eventId ?? null,
  };
}

/**
 * Marks stages never completed that precede a seen stage of the same flow as 'missing'. A shipment's
 * stage only looks at later stages of the same shipment; an order-level stage looks at all.
 */
function markMissing(stages: JourneyStage[], defs: StageDef[]): void {
  const flowOf = (s: JourneyStage) => defs.find((d) => d.id === s.stageId)?.flow;
  const seen = (s: JourneyStage) => s.startNs !== null || s.endNs !== null;
  stages.forEach((stage, i) => {
    if (stage.endNs !== null) return;
    const laterSeen = stages
      .slice(i + 1)
      .some((later) => flowOf(later) === flowOf(stage) && (stage.shipmentId === null || later.shipmentId === stage.shipmentId) && later.stageId !== stage.stageId && seen(later));
    if (laterSeen) stage.state = 'missing';
  });
}

export function computeJourney(records: OrderRecords, catalog: StageDef[], nowMs: number): OrderJourney {
  const events = [...records.events].sort(byTime);
  const nowNs = BigInt(Math.round(nowMs)) * NS_PER_MS;
  const cancel = events.find((e) => TERMINAL_EVENTS.includes(e.type));
  const cancelNs = cancel ? BigInt(cancel.timeUnixNano) : null;
  const hasReturn = events.some((e) => e.type.startsWith('return.') || e.type === 'refund.issued');
  const shipments = shipmentIds(events);

  const stages: JourneyStage[] = [];
  for (const def of catalog) {
    if (def.flow === 'return' && !hasReturn) continue;
    // A stage that had not started when the order was cancelled is not expected any more.
    const instances = def.per === 'shipment' && shipments.length > 0 ? shipments : [null];
    for (const shipmentId of instances) {
      const stage = stageInstance(def, events, shipmentId, nowNs, def.flow === 'forward' ? cancelNs : null);
      if (stage.state === 'pending' && cancelNs !== null && def.flow === 'forward') stage.state = 'cancelled';
      stages.push(stage);
    }
  }
  markMissing(stages, catalog);

  const latest = new Map<string, SystemStatus>();
  for (const e of events) if (e.status) latest.set(e.system, { system: e.system, status: e.status, timeNs: e.timeUnixNano, eventType: e.type });

  let furthestStageId: string | null = null;
  for (const def of catalog) if (events.some((e) => e.type === def.start || e.type === def.end)) furthestStageId = def.id;

  return {
    orderId: records.orderId,
    traceIds: records.traceIds,
    events,
    stages,
    statuses: [...latest.values()].sort((a, b) => a.system.localeCompare(b.system)),
    furthestStageId,
    cancelled: cancel !== undefined,
  };
}
