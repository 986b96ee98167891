// Rule definitions for notification tests.
import type { DeadlineRule, NotifierDef, RuleSet, StalledQueueRule } from '../../rules/model.ts';

export function deadlineRule(id: string, overrides: Partial<DeadlineRule> = {}): DeadlineRule {
  return {
    kind: 'deadline', id, title: `Rule ${id}`, severity: 'warning', labels: {}, guide: '', notify: [], ticket: [], enabled: true,
    source: { file: 'rules/test.yaml', line: 1 }, after: 'payment.succeeded', expect: ['inventory.locked'], withinMs: 7_200_000, graceMs: 0, per: 'order', calendar: null,
    ...overrides,
  };
}

export function stalledQueueRule(id: string, overrides: Partial<StalledQueueRule> = {}): StalledQueueRule {
  return {
    kind: 'stalled_queue', id, title: `Rule ${id}`, severity: 'critical', labels: {}, guide: '', notify: [], ticket: [], enabled: true,
    source: { file: 'rules/test.yaml', line: 20 }, withinMs: 300_000, graceMs: 0, producedEvent: null, consumedEvent: null,
    ...overrides,
  };
}

/** A rule set around the given rules and notifiers; fast grouping unless overridden. */
export function ruleSetFixture(rules: RuleSet['rules'], notifiers: NotifierDef[], overrides: Partial<RuleSet> = {}): RuleSet {
  return {
    rules, notifiers,
    vocabulary: { systems: {}, milestones: {} },
    calendars: [],
    defaultNotify: [],
    statusPush: null,
    grouping: { groupWaitMs: 100, groupIntervalMs: 400, maxExamples: 5 },
    uiBaseUrl: 'https://ui.example',
    files: ['rules/test.yaml'],
    ...overrides,
  };
}
