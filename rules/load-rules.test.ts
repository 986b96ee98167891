import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { milestones, type PlannedSpan } from '../demo/plan.ts';
import { planBacklog } from '../demo/scenarios.ts';
import { DEFAULT_RULES_DIR, loadRules } from './load-rules.ts';
import type { ErrorPatternRule, Rule, RuleSet } from './model.ts';
import { formatRuleFileError } from './rule-file.ts';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ot-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function load(dirs: string[]): RuleSet {
  const result = loadRules(dirs);
  if (!result.ok) throw new Error(result.errors.map(formatRuleFileError).join('\n'));
  return result.ruleSet;
}

function problems(dirs: string[]): string[] {
  const result = loadRules(dirs);
  if (result.ok) throw new Error('expected the rules to be rejected');
  return result.errors.map(formatRuleFileError);
}

const byId = (set: RuleSet, id: string): Rule => {
  const rule = set.rules.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
};

const HOUR = 3_600_000;
const defaults = load([DEFAULT_RULES_DIR]);

describe('shipped default rules', () => {
  it('ship the fulfilment deadlines, per shipment after packing', () => {
    expect(byId(defaults, 'stock-lock-2h')).toMatchObject({
      kind: 'deadline', severity: 'critical', after: 'payment.succeeded', expect: ['inventory.locked'], withinMs: 2 * HOUR, graceMs: 120_000, per: 'order', calendar: null,
    });
    expect(byId(defaults, 'stock-lock-2h').title).toMatch(/inventory sync anomaly/i);
    expect(byId(defaults, 'packing-24h')).toMatchObject({ after: 'inventory.locked', expect: ['package.packed'], withinMs: 24 * HOUR, per: 'order' });
    expect(byId(defaults, 'pickup-24h')).toMatchObject({ after: 'package.packed', expect: ['carrier.picked_up'], withinMs: 24 * HOUR, per: 'shipment' });
    expect(byId(defaults, 'delivery-72h')).toMatchObject({ after: 'carrier.picked_up', expect: ['delivery.signed'], withinMs: 72 * HOUR, per: 'shipment' });
    expect(byId(defaults, 'shipped-before-paid')).toMatchObject({ kind: 'sequence', first: 'payment.succeeded', then: 'carrier.picked_up' });
    expect(byId(defaults, 'status-mismatch')).toMatchObject({ kind: 'status_mismatch', toleranceMs: 300_000, systems: [] });
    expect(byId(defaults, 'stalled-queue')).toMatchObject({ kind: 'stalled_queue', withinMs: 300_000, graceMs: 120_000, producedEvent: null, consumedEvent: null });
    expect(byId(defaults, 'inventory-deduction-failed')).toMatchObject({ kind: 'error_pattern', rootCause: 'inventory concurrency limit', windowMs: 300_000 });
  });

  it('route returns by type and amount in EUR, USD and CNY to agent, supervisor and manager', () => {
    const rule = byId(defaults, 'return-approval-sla');
    if (rule.kind !== 'return_sla') throw new Error('wrong kind');
    expect(rule.levels).toEqual([
      { id: 'agent', title: 'Support agent', slaMs: 4 * HOUR },
      { id: 'supervisor', title: 'Support supervisor', slaMs: 8 * HOUR },
      { id: 'manager', title: 'Returns manager', slaMs: 24 * HOUR },
    ]);
    expect(rule.closeOn).toEqual(['return.approved', 'return.rejected']);
    for (const type of ['quality', 'no_reason_7d']) {
      for (const currency of ['EUR', 'USD', 'CNY']) {
        const levels = rule.routes.filter((r) => r.type === type && r.currency === currency).map((r) => r.level);
        expect(levels, `${type} ${currency}`).toEqual(['agent', 'supervisor']);
      }
      expect(rule.routes.find((r) => r.type === type && r.currency === null)).toEqual({ type, currency: null, maxAmount: null, level: 'manager' });
    }
    expect(rule.routes.at(-1)).toEqual({ type: null, currency: null, maxAmount: null, level: 'supervisor' });
  });

  it('give every rule a guide, and set grouping and the UI URL with no notifiers', () => {
    for (const rule of defaults.rules) {
      expect(rule.guide, rule.id).toContain('{{order.link}}');
      expect(rule.source.file).toContain(DEFAULT_RULES_DIR);
      expect(rule.source.line).toBeGreaterThan(1);
    }
    expect(defaults.grouping).toEqual({ groupWaitMs: 30_000, groupIntervalMs: 300_000, maxExamples: 10 });
    expect(defaults.uiBaseUrl).toBe('http://127.0.0.1:8080');
    expect(defaults.notifiers).toEqual([]);
    expect(defaults.defaultNotify).toEqual([]);
    expect(defaults.statusPush).toBeNull();
    expect(defaults.files.map((f) => f.slice(DEFAULT_RULES_DIR.length).replace(/^\//, ''))).toEqual(readdirSync(DEFAULT_RULES_DIR).sort());
  });

  describe('against the demo', () => {
    const NOW = Date.UTC(2026, 2, 14, 10, 30, 0);
    const backlog = planBacklog({ now: NOW, seed: 42 });
    const spans = backlog.plans.flatMap((p) => p.spans);

    it('map every status word the demo systems send, and every milestone', () => {
      const sent = backlog.plans.flatMap(milestones).map((s): [string, string, string] => [String(s.attributes['order.system']), String(s.attributes['order.status']), String(s.attributes['order.event'])]);
      expect(sent.length).toBeGreaterThan(100);
      for (const [system, word, event] of sent) {
        expect(defaults.vocabulary.systems[system]?.[word], `${system} "${word}"`).toBeDefined();
        expect(defaults.vocabulary.milestones[event], event).toBeDefined();
      }
      // the demo's mismatch story: payment says paid, the shop still pending_payment
      expect(defaults.vocabulary.systems.payment?.paid).toBe(defaults.vocabulary.milestones['payment.succeeded']);
      expect(defaults.vocabulary.systems.shop?.pending_payment).not.toBe(defaults.vocabulary.systems.payment?.paid);
    });

    it('reach the error-pattern threshold with the demo\'s "deduction failed" burst', () => {
      const rule = byId(defaults, 'inventory-deduction-failed') as ErrorPatternRule;
      const pattern = new RegExp(rule.match.pattern, 'i');
      // what the engine searches in a span: its name, status message and exception messages
      const text = (s: PlannedSpan) => [s.name, s.status.message ?? '', ...s.events.map((e) => String(e.attributes['exception.message'] ?? ''))].join('\n');
      const matching = spans
        .filter((s) => s.service === rule.match.service && s.status.code === 'error' && pattern.test(text(s)))
        .map((s) => s.endMs)
        .sort((a, b) => a - b);
      const mostInWindow = Math.max(...matching.map((t) => matching.filter((u) => u >= t && u < t + rule.windowMs).length));
      expect(rule.match.signal).toBe('span');
      expect(mostInWindow).toBeGreaterThanOrEqual(rule.threshold);
      // and nothing else in the backlog comes close: normal traffic does not trip it
      expect(matching.length).toBe(backlog.faults.inventoryErrorBurst.length);
    });
  });
});

describe('loading rule directories', () => {
  const userRule = `rules:
  - id: stock-lock-2h
    kind: deadline
    title: Stock lock (our SLA)
    after: payment.succeeded
    expect: [inventory.locked, inventory.lock_failed]
    within: 90m
    calendar: berlin
    notify: [ops-hook]
calendars:
  - { id: berlin, timeZone: Europe/Berlin, workingDays: [5, 1, 2, 3, 4], start: "09:00", end: "18:00", holidays: ["2026-12-25"] }
notifiers:
  - { id: ops-hook, type: webhook, url: "https://hooks.example.com/ot", secretEnv: OT_HOOK_SECRET }
  - { id: ops-mail, type: email, smtp: { host: smtp.example.com, secure: true, passwordEnv: SMTP_PASSWORD }, from: ot@example.com, to: [ops@example.com] }
settings:
  defaultNotify: [ops-mail]
  defaultGrace: 5m
  grouping: { maxExamples: 3 }
vocabulary:
  systems:
    shop: { awaiting_payment: pending_payment }
`;

  it('a user rule with the same id replaces the default; settings and vocabulary merge', () => {
    const set = load([DEFAULT_RULES_DIR, dirWith({ 'ours.yaml': userRule })]);
    expect(set.rules.filter((r) => r.id === 'stock-lock-2h')).toHaveLength(1);
    expect(byId(set, 'stock-lock-2h')).toMatchObject({
      title: 'Stock lock (our SLA)', severity: 'warning', expect: ['inventory.locked', 'inventory.lock_failed'], withinMs: 90 * 60_000,
      graceMs: 300_000, calendar: 'berlin', notify: ['ops-hook'], ticket: [], enabled: true, labels: {}, guide: '',
    });
    expect(byId(set, 'stock-lock-2h').source.file).toMatch(/ours\.yaml$/);
    expect(set.rules).toHaveLength(defaults.rules.length);
    // the user's defaultGrace applies to the defaults' rules too
    expect(byId(set, 'pickup-24h')).toMatchObject({ graceMs: 300_000 });
    expect(set.calendars).toEqual([{ id: 'berlin', timeZone: 'Europe/Berlin', workingDays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', holidays: ['2026-12-25'] }]);
    expect(set.notifiers).toEqual([
      { id: 'ops-hook', type: 'webhook', url: 'https://hooks.example.com/ot', secretEnv: 'OT_HOOK_SECRET' },
      { id: 'ops-mail', type: 'email', smtp: { host: 'smtp.example.com', port: 465, secure: true, passwordEnv: 'SMTP_PASSWORD' }, from: 'ot@example.com', to: ['ops@example.com'] },
    ]);
    expect(set.defaultNotify).toEqual(['ops-mail']);
    expect(set.grouping).toEqual({ groupWaitMs: 30_000, groupIntervalMs: 300_000, maxExamples: 3 });
    expect(set.vocabulary.systems.shop).toMatchObject({ awaiting_payment: 'pending_payment', paid: 'paid' });
  });

  it('rejects the same rule id twice within one directory, naming both places', () => {
    const rule = (id: string) => `rules:\n  - { id: ${id}, kind: sequence, title: X, first: a, then: b }\n`;
    const dir = dirWith({ 'a.yaml': rule('dup'), 'b.yml': rule('dup'), 'c.yaml': 'settings:\n  uiBaseUrl: https://ot.example.com/\n', 'd.yaml': 'settings:\n  uiBaseUrl: https://ot2.example.com\n' });
    expect(problems([dir])).toEqual([
      `${dir}/b.yml:2:11: rules[0].id: rule "dup" is already defined at ${dir}/a.yaml:2:11`,
      `${dir}/d.yaml:2:3: settings.uiBaseUrl: setting "uiBaseUrl" is already defined at ${dir}/c.yaml:2:3`,
    ]);
  });

  it('rejects references to notifiers and calendars that do not exist', () => {
    const dir = dirWith({
      'refs.yaml': `rules:
  - id: late
    kind: deadline
    title: Late
    after: a
    expect: b
    within: 1h
    calendar: weekdays
    notify: [slack, ops]
    ticket: [jira]
notifiers:
  - { id: slack, type: slack, url: "https://hooks.slack.com/services/T/B/X" }
settings:
  statusPush: crm
  defaultNotify: [pager]
`,
    });
    expect(problems([dir])).toEqual([
      `${dir}/refs.yaml:8:15: rules[0].calendar: unknown calendar "weekdays" (defined: none)`,
      `${dir}/refs.yaml:9:21: rules[0].notify[1]: unknown notifier "ops" (defined: slack)`,
      `${dir}/refs.yaml:10:14: rules[0].ticket[0]: unknown notifier "jira" (defined: slack)`,
      `${dir}/refs.yaml:14:15: settings.statusPush: unknown notifier "crm" (defined: slack)`,
      `${dir}/refs.yaml:15:19: settings.defaultNotify[0]: unknown notifier "pager" (defined: slack)`,
    ]);
  });

  it('reports every broken file, a missing directory, and ignores other files', () => {
    const dir = dirWith({ 'a.yaml': 'rules: [\n', 'b.yaml': 'rules:\n  - { id: x, kind: sequence, title: X, first: a }\n', 'notes.txt': 'not yaml: [', '.#a.yaml': 'lock file' });
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'ignored.yaml'), 'rules: [');
    const missing = join(dir, 'nope');
    expect(problems([dir, missing])).toEqual([
      expect.stringMatching(new RegExp(`^${dir}/a\\.yaml:2:1: YAML syntax: `)),
      `${dir}/b.yaml:2:5: rules[0].then: required field is missing`,
      `${missing}: cannot read rules directory (ENOENT)`,
    ]);
  });

  it('loads nothing from no directories into the built-in settings', () => {
    const set = load([]);
    expect(set).toMatchObject({ rules: [], calendars: [], notifiers: [], defaultNotify: [], statusPush: null, uiBaseUrl: 'http://127.0.0.1:8080', files: [] });
    expect(set.grouping).toEqual(defaults.grouping);
  });
});
