import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { computeJourney } from '../core/journey.ts';
import type { LogRecord, OrderEvent, Span } from '../core/model.ts';
import { DEFAULT_STAGES } from '../core/stages.ts';
import type { OrderRecords } from '../core/store/store.ts';
import { alertFixture } from '../test/helpers/alert-fixtures.ts';
import { buildGuideContext, type GuideInput } from './guide-context.ts';
import { checkGuideTemplate, escapeMarkdown, renderGuide } from './guide.ts';
import { DEFAULT_RULES_DIR, loadRules } from './load-rules.ts';
import type { DeadlineRule } from './model.ts';

const MS = 1_000_000n;
const T0_MS = Date.UTC(2026, 10, 25, 6, 0, 0);
const ns = (offsetMs: number) => ((BigInt(T0_MS) + BigInt(offsetMs)) * MS).toString();
const MIN = 60_000;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const UI = 'https://ui.example/ot/';

function event(type: string, offsetMs: number, system: string): OrderEvent {
  return { eventId: `e-${type}`, orderId: 'ORD-9', type, system, timeUnixNano: ns(offsetMs), status: '', traceId: TRACE, spanId: '00f067aa0ba902b7', source: 'span', attributes: {} };
}

function span(spanId: string, name: string, message: string, service = 'inventory'): Span {
  return {
    traceId: TRACE, spanId, parentSpanId: '', traceState: '', name, kind: 2,
    startTimeUnixNano: ns(6 * MIN), endTimeUnixNano: ns(6 * MIN + 40),
    attributes: { 'order.id': 'ORD-9' }, droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: { code: 2, message }, flags: 1, service,
    resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 },
    scope: { name: 't', version: '', attributes: {}, droppedAttributesCount: 0 }, orderId: 'ORD-9',
  };
}

function log(logId: string, body: string, service = 'inventory'): LogRecord {
  return {
    logId, timeUnixNano: ns(6 * MIN + 10), observedTimeUnixNano: ns(6 * MIN + 10), severityNumber: 17, severityText: '',
    body, attributes: {}, droppedAttributesCount: 0, flags: 0, traceId: TRACE, spanId: 'a1b2c3d4e5f60718', eventName: '', service,
    resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 },
    scope: { name: 't', version: '', attributes: {}, droppedAttributesCount: 0 }, orderId: 'ORD-9',
  };
}

const rule: DeadlineRule = {
  kind: 'deadline', id: 'paid-not-locked', title: 'Paid but not stock-locked within 2 h', severity: 'critical', labels: {}, guide: '', notify: [], ticket: [],
  enabled: true, source: { file: 'rules/orders.yaml', line: 3 }, after: 'payment.succeeded', expect: ['inventory.locked'], withinMs: 120 * MIN, graceMs: 0, per: 'order', calendar: null,
};

function input(spans: Span[], logs: LogRecord[]): GuideInput {
  const records: OrderRecords = { orderId: 'ORD-9', traceIds: [TRACE], events: [event('order.created', 0, 'shop'), event('payment.succeeded', 5 * MIN, 'payment')], spans, logs };
  const alert = alertFixture({
    orderId: 'ORD-9', firedAtMs: T0_MS + 125 * MIN, dueMs: T0_MS + 125 * MIN, rootCause: 'inventory deduction failing',
    evidence: [
      ...spans.map((s) => ({ kind: 'span' as const, id: s.spanId, traceId: s.traceId, spanId: s.spanId, timeMs: T0_MS, summary: s.name })),
      ...logs.map((l) => ({ kind: 'log' as const, id: l.logId, traceId: l.traceId, spanId: l.spanId, timeMs: T0_MS, summary: 'log' })),
    ],
  });
  return { alert, rule, records, journey: computeJourney(records, DEFAULT_STAGES, T0_MS + 3 * 60 * MIN), uiBaseUrl: UI };
}

const TEMPLATE = `## {{alert.title}}

Order [{{order.id}}]({{order.link}}): {{alert.summary}}

Stage **{{stage.title}}** ({{stage.system}}) started {{stage.startedAt}}, due {{stage.dueAt}}. Root cause: {{rootCause}}.

### Failing spans
{{#spans}}
- [{{service}} / {{name}}]({{link}}): {{message}}
{{/spans}}
{{^spans}}
- none recorded
{{/spans}}

### Logs
| time | service | body |
|---|---|---|
{{#logs}}
| {{time}} | {{service}} | {{body}} |
{{/logs}}

### Journey
{{#stages}}
1. {{title}}: {{state}}
{{/stages}}
`;

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe('guide context', () => {
  it('names the stage the deadline is about, the evidence and links into the UI', () => {
    const ctx = buildGuideContext(input([span('00f067aa0ba902b7', 'deduct stock', 'deduction failed: sku 123')], [log('log-1', 'stock deduction failed')]));
    expect(ctx.order).toEqual({ id: 'ORD-9', link: 'https://ui.example/ot/#/orders/ORD-9' });
    expect(ctx.stage).toMatchObject({ id: 'stock_lock', title: 'Stock lock', system: 'inventory', state: 'overdue', startedAt: new Date(T0_MS + 5 * MIN).toISOString(), dueAt: new Date(T0_MS + 125 * MIN).toISOString() });
    expect(ctx.alert.firedAt).toBe(new Date(T0_MS + 125 * MIN).toISOString());
    expect(ctx.spans).toEqual([
      { service: 'inventory', name: 'deduct stock', status: 'error', message: 'deduction failed: sku 123', traceId: TRACE, spanId: '00f067aa0ba902b7', time: new Date(T0_MS + 6 * MIN).toISOString(), link: `https://ui.example/ot/#/traces/${TRACE}?span=00f067aa0ba902b7` },
    ]);
    expect(ctx.logs).toEqual([{ time: new Date(T0_MS + 6 * MIN + 10).toISOString(), service: 'inventory', severity: 'ERROR', body: 'stock deduction failed', traceId: TRACE }]);
    expect(ctx.stages.map((s) => `${s.id}:${s.state}`)).toEqual(['payment:done', 'stock_lock:overdue', 'packing:pending', 'pickup:pending', 'delivery:pending']);
  });

  it('falls back to the order’s error spans and logs when the evidence names none', () => {
    const base = input([span('00f067aa0ba902b7', 'deduct stock', 'boom')], [log('log-1', 'bad')]);
    const ctx = buildGuideContext({ ...base, alert: { ...base.alert, evidence: [] } });
    expect(ctx.spans.map((s) => s.name)).toEqual(['deduct stock']);
    expect(ctx.logs.map((l) => l.body)).toEqual(['bad']);
  });

  it('works for an order without records: no stage, no evidence', () => {
    const ctx = buildGuideContext({ ...input([], []), records: null, journey: null });
    expect(ctx.stage).toBeNull();
    const guide = renderGuide(TEMPLATE, ctx);
    expect(guide.html).toContain('<li>none recorded</li>');
  });
});

describe('renderGuide', () => {
  it('renders a normal guide: headings, lists, links, a table', () => {
    const { markdown, html } = renderGuide(TEMPLATE, buildGuideContext(input([span('00f067aa0ba902b7', 'deduct stock', 'deduction failed')], [log('log-1', 'stock deduction failed')])));
    expect(markdown).toContain('## Paid but not stock-locked within 2 h\n\nOrder [ORD-9](https://ui.example/ot/#/orders/ORD-9): payment.succeeded at 07:00, no inventory.locked by 09:00 \\(ORD-9\\)');
    expect(html).toContain('<h2>Paid but not stock-locked within 2 h</h2>');
    expect(html).toContain('<a href="https://ui.example/ot/#/orders/ORD-9" rel="noopener noreferrer">ORD-9</a>');
    expect(html).toContain(`<a href="https://ui.example/ot/#/traces/${TRACE}?span=00f067aa0ba902b7" rel="noopener noreferrer">inventory / deduct stock</a>: deduction failed`);
    expect(html).toContain('<strong>Stock lock</strong> (inventory)');
    expect(html).toMatch(/<ol>\s*<li>Payment: done<\/li>\s*<li>Stock lock: overdue<\/li>/);
    expect(html).toMatch(/<td>inventory<\/td>\s*<td>stock deduction failed<\/td>/);
    expect(count(html, /<h3>/g)).toBe(3);
  });

  const hostileSpan = span('00f067aa0ba902b7', '<script>alert(1)</script> **bold** `code`', '[click me](javascript:alert(1)) ![x](https://evil.example/p.png)', 'evil_svc*');
  const hostileLog = log('log-1', '| injected | cell |\n\n# Heading\n<img src=x onerror=alert(1)> &lt;b&gt;entity&lt;/b&gt; <https://evil.example>\n---\n~~gone~~');

  it('keeps hostile span names and log bodies inert in the HTML', () => {
    const { html } = renderGuide(TEMPLATE, buildGuideContext(input([hostileSpan], [hostileLog])));
    expect(html).not.toMatch(/<script|<img|<code|<h1|<hr|<s>|<del>/i);
    expect(html).not.toMatch(/href="(javascript|https:\/\/evil)/i);
    expect(count(html, /<strong>/g)).toBe(1); // the template's own **stage.title**
    expect(count(html, /<a /g)).toBe(2); // the template's order link and trace link
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; **bold** `code`');
    expect(html).toContain('&amp;lt;b&amp;gt;entity'); // an entity in the source is shown, not decoded
    // the injected pipes stay inside the one body cell
    for (const row of html.split('<tr>').slice(2)) expect(count(row, /<td>/g)).toBe(3);
  });

  it('escapes the markdown itself: a downstream renderer that allows raw HTML still gets plain text', () => {
    const { markdown } = renderGuide(TEMPLATE, buildGuideContext(input([hostileSpan], [hostileLog])));
    const permissive = new MarkdownIt({ html: true }).render(markdown);
    expect(permissive).not.toMatch(/<script|<img|<h1|<code/i);
    expect(permissive).not.toMatch(/href="(javascript|https:\/\/evil)/i);
    expect(markdown).not.toMatch(/\n# Heading/);
  });

  it('cuts very long untrusted text', () => {
    const { markdown, html } = renderGuide(TEMPLATE, buildGuideContext(input([span('00f067aa0ba902b7', 'x'.repeat(100_000), '')], [log('log-1', 'A'.repeat(100_000))])));
    expect(markdown.length).toBeLessThan(3000);
    expect(markdown).toContain(`${'A'.repeat(500)}…`);
    expect(html).not.toContain('A'.repeat(501));
  });

  it('drops unsafe links and raw HTML the template author wrote', () => {
    const { html } = renderGuide('[run](javascript:alert(1)) [ok](/docs/runbook) [web](https://runbooks.example/x) <b>raw</b> [data](data:text/html,hi)', buildGuideContext(input([], [])));
    expect(html).not.toMatch(/href="(javascript|data)/);
    expect(html).toContain('<a href="/docs/runbook" rel="noopener noreferrer">ok</a>');
    expect(html).toContain('<a href="https://runbooks.example/x" rel="noopener noreferrer">web</a>');
    expect(html).toContain('&lt;b&gt;raw&lt;/b&gt;');
  });

  it('rejects templates that do not parse or bypass escaping', () => {
    expect(() => checkGuideTemplate('{{#spans}} unclosed')).toThrow(/guide template does not parse: Unclosed section "spans"/);
    expect(() => checkGuideTemplate('{{{order.id}}} and {{#spans}}{{& name}}{{/spans}}')).toThrow(/unescaped tags .* "order.id", "name"/);
    expect(() => renderGuide('{{{order.id}}}', buildGuideContext(input([], [])))).toThrow(/unescaped/);
  });
});

describe('shipped default guides', () => {
  it('every one renders to HTML with a heading and the order link', () => {
    const loaded = loadRules([DEFAULT_RULES_DIR]);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    const withGuides = loaded.ruleSet.rules.filter((r) => r.guide);
    expect(withGuides.length).toBeGreaterThan(3);
    const base = input([span('00f067aa0ba902b7', 'deduct stock', 'deduction failed')], [log('log-1', 'stock deduction failed')]);
    for (const r of withGuides) {
      const { html } = renderGuide(r.guide, buildGuideContext({ ...base, rule: r, alert: { ...base.alert, ruleId: r.id, ruleKind: r.kind } }));
      expect(html, r.id).toMatch(/<h2>/);
      expect(html, r.id).not.toMatch(/\{\{|\}\}/);
    }
  });
});

describe('escapeMarkdown', () => {
  it('escapes inline syntax everywhere and block syntax at the start', () => {
    expect(escapeMarkdown('a*b_c`d[e](f)<g>!h|i~j&k\\l')).toBe('a\\*b\\_c\\`d\\[e\\]\\(f\\)\\<g\\>\\!h\\|i\\~j\\&k\\\\l');
    expect(escapeMarkdown('# h')).toBe('\\# h');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('12. item')).toBe('12\\. item');
    expect(escapeMarkdown('line\n\n  next\tline')).toBe('line next line');
    expect(escapeMarkdown('ORD-2026-000001')).toBe('ORD-2026-000001');
    expect(escapeMarkdown(42)).toBe('42');
  });
});
