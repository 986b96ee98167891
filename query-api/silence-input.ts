// Pure: a POST /api/v1/silences body (already schema-checked) → a Silence, and the silence as the API
// shows it. Rules JSON Schema cannot state (one of endsAt/durationMs, a future end, a known rule)
// are checked here, each problem naming its field.
import type { Silence } from '../core/alerts.ts';
import { ceilMs } from './alert-params.ts';
import { badParameter, parseTime } from './params.ts';

export interface SilenceInput {
  ruleId?: string | null;
  matchers?: Record<string, string>;
  endsAt?: string | number;
  durationMs?: number;
  comment?: string;
  createdBy?: string;
}

export interface SilenceView extends Silence {
  active: boolean;
}

export function silenceView(silence: Silence, nowMs: number): SilenceView {
  return { ...silence, active: silence.endsAtMs > nowMs };
}

function endOf(input: SilenceInput, nowMs: number): number {
  if ((input.endsAt === undefined) === (input.durationMs === undefined)) {
    throw badParameter(`give exactly one of endsAt and durationMs, got ${input.endsAt === undefined ? 'neither' : 'both'}`);
  }
  const endsAtMs = input.endsAt !== undefined ? ceilMs(parseTime('endsAt', String(input.endsAt))) : nowMs + Math.ceil(input.durationMs!);
  if (endsAtMs <= nowMs) throw badParameter(`endsAt must be in the future, got ${JSON.stringify(input.endsAt)} (now is ${new Date(nowMs).toISOString()})`);
  return endsAtMs;
}

/** `knownRuleIds`: the loaded rules; a silence for another rule would never match and is refused. */
export function newSilence(input: SilenceInput, createdBy: string, id: string, nowMs: number, knownRuleIds: readonly string[]): Silence {
  const ruleId = input.ruleId ?? null;
  const matchers = input.matchers ?? {};
  if (ruleId === null && Object.keys(matchers).length === 0) {
    throw badParameter('a silence needs a ruleId or at least one matcher; one with neither would mute every alert');
  }
  if (ruleId !== null && !knownRuleIds.includes(ruleId)) {
    throw badParameter(`ruleId ${JSON.stringify(ruleId)} is not a loaded rule; loaded: ${knownRuleIds.join(', ') || 'none'}`);
  }
  return { id, ruleId, matchers, endsAtMs: endOf(input, nowMs), createdBy, comment: input.comment ?? '', createdAtMs: nowMs, version: 1 };
}

/** Ends the silence now (kept for audit); an already ended one is returned unchanged. */
export function expireSilence(silence: Silence, nowMs: number): Silence {
  return silence.endsAtMs <= nowMs ? silence : { ...silence, endsAtMs: nowMs, version: silence.version + 1 };
}
