// Each system's reported status next to the order's canonical one. With the rules engine's status
// projection the comparison is its mapped status; without it, a system is "behind" when its latest
// report belongs to an earlier stage than the furthest reached and it has no finished stage of its
// own to explain the silence (inventory saying "reserved" after delivery is fine; the shop still
// saying "pending_payment" after payment is not). Pure.
import type { JourneyStage, Order, SystemStatus } from './api-types.ts';

export type Verdict = 'agrees' | 'behind' | 'mismatch' | 'unknown';

export interface StatusRow extends SystemStatus {
  /** The stage the reported event belongs to, or null (e.g. order.cancelled). */
  stage: JourneyStage | null;
  /** The system's status in the canonical vocabulary, when the server maps it. */
  mapped: string | null;
  verdict: Verdict;
}

export interface StatusComparison {
  rows: StatusRow[];
  /** Furthest stage reached (or the projection's canonical status). */
  canonicalStage: JourneyStage | null;
  canonicalStatus: string | null;
}

/**
 * The stage an event type says the order has reached: the furthest stage it starts or ends (as the
 * journey's furthestStageId counts), read from the events that opened and closed each stage.
 */
function stageOfEventType(order: Order, eventType: string): JourneyStage | null {
  const typeOf = new Map(order.events.map((e) => [e.eventId, e.type]));
  let reached: JourneyStage | null = null;
  for (const stage of order.stages) {
    const start = stage.startEventId === null ? undefined : typeOf.get(stage.startEventId);
    const end = stage.endEventId === null ? undefined : typeOf.get(stage.endEventId);
    if (start === eventType || end === eventType) reached = stage;
  }
  return reached;
}

export function compareStatuses(order: Order): StatusComparison {
  const stageIndex = (stage: JourneyStage | null) => (stage ? order.stages.findIndex((s) => s.stageId === stage.stageId) : -1);
  const canonicalStage = order.stages.find((s) => s.stageId === order.furthestStageId) ?? null;
  const furthest = stageIndex(canonicalStage);
  const projection = order.statusProjection ?? null;

  const rows = order.statuses.map((status): StatusRow => {
    const stage = stageOfEventType(order, status.eventType);
    if (projection) {
      const mapped = projection.systems.find((s) => s.system === status.system)?.mapped ?? null;
      const verdict: Verdict = mapped === null ? 'unknown' : mapped === projection.canonical ? 'agrees' : 'mismatch';
      return { ...status, stage, mapped, verdict };
    }
    const index = stageIndex(stage);
    if (index < 0 || furthest < 0) return { ...status, stage, mapped: null, verdict: 'unknown' };
    const ownsFinishedStage = order.stages.some((s) => s.system === status.system && s.endNs !== null);
    const verdict: Verdict = index < furthest && !ownsFinishedStage ? 'behind' : 'agrees';
    return { ...status, stage, mapped: null, verdict };
  });
  return { rows, canonicalStage, canonicalStatus: projection?.canonical ?? null };
}
