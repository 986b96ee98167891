// Builders for rules-engine tests: rule sets, rules and facts in a few words each, and an engine
// wrapper that remembers the latest row of every alert and order state it emitted.
import { SpanKind } from '../core/model.ts';
import { RuleEngine, type EngineOptions, type EngineOutput } from './engine.ts';
import type {
  Alert,
  CalendarDef,
  DeadlineRule,
  ErrorPatternRule,
  EventFact,
  OrderRuleState,
  ReturnSlaRule,
  Rule,
  RuleSet,
  SequenceRule,
  SignalFact,
  StalledQueueRule,
  StatusMismatchRule,
} from './model.ts';

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
/** Monday 2 March 2026, 10:00 UTC. */
export const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);

export function ruleSet(rules: Rule[], extra: Partial<RuleSet> = {}): RuleSet {
  return {
    rules,
    vocabulary: { systems: {}, milestones: {} },
    calendars: [],
    notifiers: [],
    defaultNotify: [],
    statusPush: null,
    grouping: { groupWaitMs: 30_000, groupIntervalMs: 300_000, maxExamples: 5 },
    uiBaseUrl: 'http://127.0.0.1:8080',
    files: ['test.yaml'],
    ...extra,
  };
}

function base(id: string) {
  return { id, title: `Rule ${id}`, severity: 'warning' as const, labels: { team: 'ops' }, guide: '', notify: [], ticket: [], enabled: true, source: { file: 'test.yaml', line: 1 } };
}

export function deadlineRule(over: Partial<DeadlineRule> = {}): DeadlineRule {
  return { ...base('stock-lock-2h'), kind: 'deadline', after: 'payment.succeeded', expect: ['inventory.locked'], withinMs: 2 * HOUR, graceMs: MIN, per: 'order', calendar: null, ...over };
}

export function sequenceRule(over: Partial<SequenceRule> = {}): SequenceRule {
  return { ...base('shipped-before-paid'), kind: 'sequence', first: 'payment.succeeded', then: 'carrier.picked_up', ...over };
}

export function mismatchRule(over: Partial<StatusMismatchRule> = {}): StatusMismatchRule {
  return { ...base('status-drift'), kind: 'status_mismatch', toleranceMs: 30 * MIN, systems: [], ...over };
}

export function patternRule(over: Partial<ErrorPatternRule> = {}): ErrorPatternRule {
  return {
    ...base('deduction-failed'),
    kind: 'error_pattern',
    match: { signal: 'any', service: 'inventory', errorsOnly: true, pattern: 'deduction failed' },
    threshold: 3,
    windowMs: 10 * MIN,
    rootCause: 'Inventory deduction failing',
    ...over,
  };
}

export function stalledRule(over: Partial<StalledQueueRule> = {}): StalledQueueRule {
  return { ...base('stalled-queue'), kind: 'stalled_queue', withinMs: 5 * MIN, graceMs: 0, producedEvent: null, consumedEvent: null, ...over };
}

export function returnRule(over: Partial<ReturnSlaRule> = {}): ReturnSlaRule {
  return {
    ...base('return-approval'),
    kind: 'return_sla',
    levels: [
      { id: 'agent', title: 'Agent', slaMs: 4 * HOUR },
      { id: 'supervisor', title: 'Supervisor', slaMs: 2 * HOUR },
      { id: 'manager', title: 'Manager', slaMs: HOUR },
    ],
    routes: [
      { type: 'no_reason_7d', currency: 'EUR', maxAmount: 100, level: 'agent' },
      { type: null, currency: null, maxAmount: null, level: 'supervisor' },
    ],
    closeOn: ['return.approved', 'return.rejected'],
    calendar: null,
    ...over,
  };
}

export const BERLIN_OFFICE: CalendarDef = {
  id: 'berlin-office',
  timeZone: 'Europe/Berlin',
  workingDays: [1, 2, 3, 4, 5],
  start: '09:00',
  end: '18:00',
  holidays: ['2026-12-25'],
};

let eventCounter = 0;

export interface EventExtra {
  eventId?: string;
  system?: string;
  status?: string;
  attributes?: Record<string, string>;
}

export function event(orderId: string, type: string, timeMs: number, extra: EventExtra = {}): EventFact {
  return {
    type: 'event',
    eventId: extra.eventId ?? `ev-${++eventCounter}`,
    orderId,
    event: type,
    system: extra.system ?? type.split('.')[0]!,
    timeMs,
    status: extra.status ?? '',
    traceId: 'a'.repeat(32),
    spanId: (++eventCounter).toString(16).padStart(16, '0'),
    attributes: extra.attributes ?? {},
  };
}

export function span(orderId: string, timeMs: number, over: Partial<SignalFact> = {}): SignalFact {
  const spanId = (++eventCounter).toString(16).padStart(16, '0');
  const traceId = 'b'.repeat(32);
  return { type: 'span', id: traceId + spanId, orderId, service: 'inventory', timeMs, isError: false, text: 'reserve', traceId, spanId, kind: SpanKind.INTERNAL, ...over };
}

export function log(orderId: string, timeMs: number, over: Partial<SignalFact> = {}): SignalFact {
  return { type: 'log', id: `log-${++eventCounter}`, orderId, service: 'inventory', timeMs, isError: false, text: 'ok', traceId: '', spanId: '', ...over };
}

/** A stable partition per order ID (the sum of its characters' codes, modulo 4). */
export function partitionOf(orderId: string): number {
  let sum = 0;
  for (let i = 0; i < orderId.length; i++) sum += orderId.charCodeAt(i);
  return sum % 4;
}

/** An engine plus what it said: the latest row per alert ID and order, and every output. */
export class Harness {
  readonly engine: RuleEngine;
  readonly alerts = new Map<string, Alert>();
  readonly states = new Map<string, OrderRuleState>();
  readonly outputs: EngineOutput[] = [];

  constructor(rules: RuleSet, options: Partial<EngineOptions> = {}) {
    this.engine = new RuleEngine(rules, { partitionOf, ...options });
  }

  private keep(out: EngineOutput): EngineOutput {
    this.outputs.push(out);
    for (const a of out.alerts) this.alerts.set(a.id, a);
    for (const s of out.states) this.states.set(s.orderId, s);
    return out;
  }

  ingest(facts: (EventFact | SignalFact)[], nowMs: number): EngineOutput {
    return this.keep(this.engine.ingest(facts, nowMs));
  }

  advance(nowMs: number): EngineOutput {
    return this.keep(this.engine.advance(nowMs));
  }

  fireErrorPattern(ruleId: string, windowStartMs: number, nowMs: number): EngineOutput {
    return this.keep(this.engine.fireErrorPattern(ruleId, windowStartMs, nowMs));
  }

  /** Alerts of one order (optionally one rule), sorted by scope. */
  alertsOf(orderId: string, ruleId?: string): Alert[] {
    return [...this.alerts.values()].filter((a) => a.orderId === orderId && (ruleId === undefined || a.ruleId === ruleId)).sort((a, b) => a.scope.localeCompare(b.scope));
  }

  only(orderId: string, ruleId?: string): Alert {
    const list = this.alertsOf(orderId, ruleId);
    if (list.length !== 1) throw new Error(`expected one alert for ${orderId}, got ${list.length}: ${JSON.stringify(list.map((a) => a.summary))}`);
    return list[0]!;
  }

  /** Live persisted states (what a store would return to loadOrderStates). */
  savedStates(): OrderRuleState[] {
    return [...this.states.values()].filter((s) => s.state !== null);
  }
}
