// Validated raw rule-file content → the engine's types (rules/model.ts), every default filled in.
// Pure; the input has passed rules/rule-file.ts, so durations always parse.
import { parseDuration } from '../core/domain-config.ts';
import type { CalendarDef, NotifierDef, Rule, RuleSet, RuleSource } from './model.ts';
import type { RawCalendar, RawNotifier, RawRule, RawSettings } from './rule-file.ts';
import { RULE_DEFAULTS, SETTINGS_DEFAULTS, SMTP_DEFAULTS } from './rule-schema.ts';

/** Durations were validated against the same pattern by the schema, so this never throws. */
const ms = (value: string): number => parseDuration('duration', value);

export type CompiledSettings = Pick<RuleSet, 'defaultNotify' | 'statusPush' | 'grouping' | 'uiBaseUrl'> & { defaultGraceMs: number };

export function compileSettings(raw: RawSettings): CompiledSettings {
  const grouping = { ...SETTINGS_DEFAULTS.grouping, ...raw.grouping };
  return {
    defaultNotify: raw.defaultNotify ?? SETTINGS_DEFAULTS.defaultNotify,
    statusPush: raw.statusPush ?? SETTINGS_DEFAULTS.statusPush,
    defaultGraceMs: ms(raw.defaultGrace ?? SETTINGS_DEFAULTS.defaultGrace),
    grouping: {
      groupWaitMs: ms(grouping.groupWait),
      groupIntervalMs: ms(grouping.groupInterval),
      maxExamples: grouping.maxExamples,
    },
    uiBaseUrl: (raw.uiBaseUrl ?? SETTINGS_DEFAULTS.uiBaseUrl).replace(/\/+$/, ''),
  };
}

export function compileRule(raw: RawRule, source: RuleSource, settings: CompiledSettings): Rule {
  const base = {
    id: raw.id,
    title: raw.title,
    severity: raw.severity ?? RULE_DEFAULTS.severity,
    labels: raw.labels ?? {},
    guide: raw.guide ?? '',
    notify: raw.notify ?? [],
    ticket: raw.ticket ?? [],
    enabled: raw.enabled ?? RULE_DEFAULTS.enabled,
    source,
  };
  const grace = (value: string | undefined) => (value === undefined ? settings.defaultGraceMs : ms(value));
  switch (raw.kind) {
    case 'deadline':
      return {
        ...base, kind: raw.kind, after: raw.after, expect: typeof raw.expect === 'string' ? [raw.expect] : raw.expect,
        withinMs: ms(raw.within), graceMs: grace(raw.grace), per: raw.per ?? RULE_DEFAULTS.per, calendar: raw.calendar ?? null,
      };
    case 'sequence':
      return { ...base, kind: raw.kind, first: raw.first, then: raw.then };
    case 'status_mismatch':
      return { ...base, kind: raw.kind, toleranceMs: ms(raw.tolerance ?? RULE_DEFAULTS.tolerance), systems: raw.systems ?? [] };
    case 'error_pattern':
      return {
        ...base, kind: raw.kind,
        match: {
          signal: raw.match.signal ?? RULE_DEFAULTS.signal, service: raw.match.service ?? null,
          errorsOnly: raw.match.errorsOnly ?? RULE_DEFAULTS.errorsOnly, pattern: raw.match.pattern,
        },
        threshold: raw.threshold, windowMs: ms(raw.window), rootCause: raw.rootCause,
      };
    case 'stalled_queue':
      return {
        ...base, kind: raw.kind, withinMs: ms(raw.within ?? RULE_DEFAULTS.stalledWithin), graceMs: grace(raw.grace),
        producedEvent: raw.producedEvent ?? null, consumedEvent: raw.consumedEvent ?? null,
      };
    case 'return_sla':
      return {
        ...base, kind: raw.kind,
        levels: raw.levels.map((l) => ({ id: l.id, title: l.title, slaMs: ms(l.sla) })),
        routes: raw.routes.map((r) => ({ type: r.type ?? null, currency: r.currency ?? null, maxAmount: r.maxAmount ?? null, level: r.level })),
        closeOn: raw.closeOn ?? [...RULE_DEFAULTS.closeOn],
        calendar: raw.calendar ?? null,
      };
  }
}

export function compileCalendar(raw: RawCalendar): CalendarDef {
  return { id: raw.id, timeZone: raw.timeZone, workingDays: [...raw.workingDays].sort((a, b) => a - b), start: raw.start, end: raw.end, holidays: raw.holidays ?? [] };
}

export function compileNotifier(raw: RawNotifier): NotifierDef {
  switch (raw.type) {
    case 'webhook':
      return { id: raw.id, type: raw.type, url: raw.url, ...(raw.secretEnv ? { secretEnv: raw.secretEnv } : {}) };
    case 'slack':
      return { id: raw.id, type: raw.type, url: raw.url };
    case 'email': {
      const secure = raw.smtp.secure ?? SMTP_DEFAULTS.secure;
      const smtp = {
        host: raw.smtp.host, port: raw.smtp.port ?? (secure ? SMTP_DEFAULTS.securePort : SMTP_DEFAULTS.port), secure,
        ...(raw.smtp.userEnv ? { userEnv: raw.smtp.userEnv } : {}),
        ...(raw.smtp.passwordEnv ? { passwordEnv: raw.smtp.passwordEnv } : {}),
      };
      return { id: raw.id, type: raw.type, smtp, from: raw.from, to: raw.to };
    }
  }
}
