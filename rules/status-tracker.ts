// The order's status picture: the canonical status (the furthest milestone reached, ranked in
// stage-catalog order) and each system's latest reported status mapped onto the vocabulary.
// Pure: the same events in any arrival order give the same picture.
import type { StageDef } from '../core/stages.ts';
import { TERMINAL_EVENTS } from '../core/stages.ts';
import type { EventFact, EvidenceRef, StatusProjection, StatusVocabulary } from './model.ts';
import { compactRef, type OrderState, type StatusState, type SystemStatus } from './order-state.ts';

/** The vocabulary compiled for lookups: milestone ranks and per-system word maps. */
export interface CompiledVocabulary {
  /** Milestone event → its rank (higher = further) and canonical status. */
  milestones: Map<string, { rank: number; status: string }>;
  systems: Record<string, Record<string, string>>;
  /** Canonical status → the furthest rank of a milestone implying it. */
  statusRank: Map<string, number>;
}

/**
 * Ranks milestones by the stage catalog (start, failures, end of each stage in order), then the
 * vocabulary's other milestones in the order written; terminal events (order.cancelled) rank last.
 */
export function compileVocabulary(vocabulary: StatusVocabulary, stages: readonly StageDef[]): CompiledVocabulary {
  const order: string[] = [];
  const add = (event: string) => {
    if (!order.includes(event)) order.push(event);
  };
  for (const stage of stages) [stage.start, ...stage.failOn, stage.end].forEach(add);
  Object.keys(vocabulary.milestones).forEach(add);
  const milestones = new Map<string, { rank: number; status: string }>();
  for (const [event, status] of Object.entries(vocabulary.milestones)) {
    const rank = TERMINAL_EVENTS.includes(event) ? Number.MAX_SAFE_INTEGER : order.indexOf(event);
    milestones.set(event, { rank, status });
  }
  const statusRank = new Map<string, number>();
  for (const { rank, status } of milestones.values()) statusRank.set(status, Math.max(rank, statusRank.get(status) ?? -1));
  return { milestones, systems: vocabulary.systems, statusRank };
}

/**
 * The status a system should report when the order's canonical status is `canonical`: the canonical
 * status as far as the system's own words can express it. A shop that only knows pending_payment,
 * paid, shipped and delivered is right to say "paid" while stock is reserved; saying
 * "pending_payment" then, or "shipped" before the parcel left, is a mismatch. A system without a
 * vocabulary (or with no word up to the canonical status) is expected to report the canonical status.
 */
export function expectedStatus(vocab: CompiledVocabulary, system: string, canonical: string): string {
  const words = vocab.systems[system];
  const ceiling = vocab.statusRank.get(canonical);
  if (words === undefined || ceiling === undefined) return canonical;
  let best: { status: string; rank: number } | null = null;
  for (const status of new Set(Object.values(words))) {
    const rank = vocab.statusRank.get(status);
    if (rank !== undefined && rank <= ceiling && (best === null || rank > best.rank)) best = { status, rank };
  }
  return best?.status ?? canonical;
}

export function mapStatus(vocab: CompiledVocabulary, system: string, word: string): string {
  const words = vocab.systems[system];
  return words !== undefined && Object.hasOwn(words, word) ? words[word]! : word;
}

/** An order event as evidence (compact, see compactRef); its summary is the event type. */
export function eventRef(fact: EventFact, eventType: string = fact.event): EvidenceRef {
  return compactRef('event', fact.eventId, fact.traceId, fact.spanId, fact.timeMs, eventType);
}

export interface StatusUpdate {
  changed: boolean;
  /** Set when the canonical status changed. */
  canonicalChange: { from: string; to: string; atMs: number } | null;
}

const UNCHANGED: StatusUpdate = { changed: false, canonicalChange: null };

/** Whether the event can change any order's status picture. */
export function touchesStatus(vocab: CompiledVocabulary, fact: EventFact): boolean {
  return fact.status !== '' || vocab.milestones.has(fact.event);
}

/**
 * Applies one event to the order's status picture. `ref` gives the event as evidence (asked for
 * only for the systems `keepRef` names); `intern` shares repeated words (systems, statuses) between orders.
 */
export function applyStatusEvent(
  order: OrderState,
  fact: EventFact,
  vocab: CompiledVocabulary,
  ref: () => EvidenceRef,
  keepRef: (system: string) => boolean,
  intern: (s: string) => string = (s) => s,
): StatusUpdate {
  if (!touchesStatus(vocab, fact)) return UNCHANGED;
  const state: StatusState = order.status ?? { event: '', canonical: '', sinceMs: 0, systems: [] };
  let changed = false;
  let canonicalChange: StatusUpdate['canonicalChange'] = null;

  const milestone = vocab.milestones.get(fact.event);
  if (milestone !== undefined) {
    const current = state.event === '' ? -1 : (vocab.milestones.get(state.event)?.rank ?? -1);
    if (milestone.rank > current) {
      if (milestone.status !== state.canonical) canonicalChange = { from: state.canonical, to: milestone.status, atMs: fact.timeMs };
      state.event = intern(fact.event);
      state.canonical = milestone.status;
      state.sinceMs = fact.timeMs;
      changed = true;
    } else if (fact.event === state.event && fact.timeMs < state.sinceMs) {
      state.sinceMs = fact.timeMs;
      changed = true;
    }
  }

  if (fact.status !== '') {
    let known: SystemStatus | undefined;
    for (const s of state.systems) if (s.system === fact.system) known = s;
    if (known === undefined) {
      known = { system: intern(fact.system), status: '', mapped: '', sinceMs: -Infinity, ref: null };
      state.systems = state.systems.concat(known).sort((a, b) => (a.system < b.system ? -1 : a.system > b.system ? 1 : 0));
    }
    // Only a later report replaces a system's status (events may arrive out of order).
    if (fact.timeMs > known.sinceMs) {
      known.status = intern(fact.status);
      known.mapped = intern(mapStatus(vocab, fact.system, fact.status));
      known.sinceMs = fact.timeMs;
      known.ref = keepRef(fact.system) ? ref() : null;
      changed = true;
    }
  }
  if (changed) order.status = state;
  return changed ? { changed, canonicalChange } : UNCHANGED;
}

/** Re-maps statuses after the vocabulary changed (hot reload); true when anything changed. */
export function remapStatuses(state: StatusState, vocab: CompiledVocabulary): boolean {
  let changed = false;
  for (const s of state.systems) {
    const mapped = mapStatus(vocab, s.system, s.status);
    if (mapped !== s.mapped) {
      s.mapped = mapped;
      changed = true;
    }
  }
  const canonical = vocab.milestones.get(state.event)?.status;
  if (canonical !== undefined && canonical !== state.canonical) {
    state.canonical = canonical;
    changed = true;
  }
  return changed;
}

export function statusProjection(order: OrderState, nowMs: number, version: number): StatusProjection | null {
  const s = order.status;
  if (s === null) return null;
  return {
    orderId: order.orderId,
    canonical: s.canonical,
    canonicalSinceMs: s.sinceMs,
    systems: s.systems.map(({ system, status, mapped, sinceMs }) => ({ system, status, mapped, sinceMs })),
    updatedAtMs: nowMs,
    version,
  };
}
