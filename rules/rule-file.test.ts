import { describe, expect, it } from 'vitest';
import { formatPath, formatRuleFileError, parseRuleFile } from './rule-file.ts';

/** The errors of a file as the user sees them. */
function problems(text: string, file = 'rules/my.yaml'): string[] {
  const result = parseRuleFile(file, text);
  if (result.ok) throw new Error('expected the file to be rejected');
  return result.errors.map(formatRuleFileError);
}

const deadline = (id: string, extra = '') => `  - id: ${id}
    kind: deadline
    title: ${id}
    after: payment.succeeded
    expect: inventory.locked
    within: 2h
${extra}`;

describe('rule file validation', () => {
  it('accepts a valid file and keeps what was written', () => {
    const result = parseRuleFile('ok.yaml', `rules:\n${deadline('a')}`);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.parsed.content.rules?.[0]).toMatchObject({ id: 'a', kind: 'deadline', within: '2h' });
    expect(result.parsed.locate(['rules', 0, 'within'])).toEqual({ line: 7, column: 13 });
  });

  it('names file, line, column and field of a bad duration', () => {
    const text = `rules:\n${deadline('a')}${deadline('b')}  - id: c
    kind: deadline
    title: c
    after: payment.succeeded
    expect: [inventory.locked]
    within: 2 hours
`;
    expect(problems(text, 'rules/defaults/fulfilment.yaml')).toEqual([
      'rules/defaults/fulfilment.yaml:19:13: rules[2].within: expected a duration such as "90s", "15m", "2h" or "3d", got "2 hours"',
    ]);
  });

  it('collects every error of a file, in line order', () => {
    const text = `rules:
  - id: a
    kind: deadline
    title: A
    after: payment.succeeded
    withn: 2h
  - id: b
    kind: deadlin
    title: B
  - id: c
    kind: error_pattern
    title: C
    severity: high
    match: { service: inventory, pattern: "deduction (failed" }
    threshold: 0
    window: 5m
    rootCause: inventory concurrency limit
settings:
  grouping: { groupWait: }
`;
    expect(problems(text)).toEqual([
      'rules/my.yaml:2:5: rules[0].expect: required field is missing',
      'rules/my.yaml:2:5: rules[0].within: required field is missing',
      'rules/my.yaml:6:5: rules[0].withn: unknown field (known fields: kind, id, title, severity, labels, guide, notify, ticket, enabled, after, expect, within, grace, per, calendar)',
      'rules/my.yaml:8:11: rules[1].kind: expected one of "deadline", "sequence", "status_mismatch", "error_pattern", "stalled_queue", "return_sla", got "deadlin"',
      'rules/my.yaml:13:15: rules[2].severity: expected one of "critical", "warning", "info", got "high"',
      'rules/my.yaml:14:43: rules[2].match.pattern: invalid regular expression: /deduction (failed/i: Unterminated group',
      'rules/my.yaml:15:16: rules[2].threshold: expected a number ≥ 1, got 0',
      'rules/my.yaml:19:15: settings.grouping.groupWait: expected a duration such as "90s", "15m", "2h" or "3d", got an empty value',
    ]);
  });

  it('checks calendars: time zone, working days, hours and holidays', () => {
    const text = `calendars:
  - id: berlin
    timeZone: Europe/Berlni
    workingDays: [1, 2, 2, 8]
    start: "18:00"
    end: "09:00"
    holidays: ["2026-12-25", "25.12.2026"]
`;
    expect(problems(text)).toEqual([
      'rules/my.yaml:3:15: calendars[0].timeZone: unknown time zone "Europe/Berlni" (expected an IANA name such as "Europe/Berlin")',
      'rules/my.yaml:4:25: calendars[0].workingDays[2]: duplicate of item [1]',
      'rules/my.yaml:4:28: calendars[0].workingDays[3]: expected a number ≤ 7, got 8',
      'rules/my.yaml:6:10: calendars[0].end: must be later than start (18:00), got "09:00"',
      'rules/my.yaml:7:30: calendars[0].holidays[1]: expected a date such as "2026-12-25", got "25.12.2026"',
    ]);
  });

  it('checks return routes against the levels and needs a currency with an amount', () => {
    const text = `rules:
  - id: returns
    kind: return_sla
    title: Returns
    levels:
      - { id: agent, title: Agent, sla: 4h }
      - { id: agent, title: Agent again, sla: 8h }
    routes:
      - { type: quality, maxAmount: 100, level: agent }
      - { level: boss }
`;
    expect(problems(text)).toEqual([
      'rules/my.yaml:7:15: rules[0].levels[1].id: duplicate level "agent"',
      'rules/my.yaml:9:26: rules[0].routes[0].maxAmount: needs "currency" as well',
      'rules/my.yaml:10:18: rules[0].routes[1].level: unknown level "boss" (levels: agent, agent)',
    ]);
  });

  it('checks notifiers by type and guide templates', () => {
    const text = `notifiers:
  - { id: ops, type: email, smtp: { host: mail.example.com }, to: [] }
  - { id: hook, type: webhook, url: "ftp://example.com" }
  - { id: chat, type: teams, url: "https://example.com" }
rules:
  - id: seq
    kind: sequence
    title: Shipped before paid
    first: payment.succeeded
    then: carrier.picked_up
    guide: "Order {{{order.id}}} {{#spans}}"
`;
    expect(problems(text)).toEqual([
      'rules/my.yaml:2:5: notifiers[0].from: required field is missing',
      'rules/my.yaml:2:67: notifiers[0].to: expected at least 1 item',
      'rules/my.yaml:3:37: notifiers[1].url: expected an http(s) URL such as "https://hooks.example.com/ordertrace", got "ftp://example.com"',
      'rules/my.yaml:4:23: notifiers[2].type: expected one of "webhook", "slack", "email", got "teams"',
      expect.stringMatching(/^rules\/my\.yaml:11:12: rules\[0\]\.guide: guide template does not parse: Unclosed section "spans"/),
    ]);
  });

  it('reports YAML syntax errors, a non-mapping file and unknown top-level keys', () => {
    expect(problems('rules:\n  - id: a\n   kind: [deadline\n')[0]).toBe('rules/my.yaml:3:1: YAML syntax: Sequence item without - indicator');
    expect(problems('- just\n- a list\n')).toEqual(['rules/my.yaml:1:1: expected a mapping, got a list']);
    expect(problems('rule:\n  - id: a\n')).toEqual(['rules/my.yaml:1:1: rule: unknown field (known fields: rules, vocabulary, calendars, notifiers, settings)']);
  });

  it('treats an empty file as an empty rule file', () => {
    const result = parseRuleFile('empty.yaml', '# nothing yet\n');
    expect(result.ok && result.parsed.content).toEqual({});
  });

  it('formats paths the way they are written', () => {
    expect(formatPath(['rules', 2, 'within'])).toBe('rules[2].within');
    expect(formatPath(['vocabulary', 'milestones', 'payment.succeeded'])).toBe('vocabulary.milestones["payment.succeeded"]');
  });
});
