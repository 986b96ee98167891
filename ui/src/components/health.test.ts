// @vitest-environment jsdom
// The health page rendered in jsdom over scripted API answers: what a person reads, and the range
// control and links driven with the keyboard and the mouse.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../lib/api.ts';
import { anomalyStats, dependencyGraph, hour, orderHealth, ScriptedApi, stageStats, throughput } from '../lib/fixtures.ts';
import { contextMap } from '../state/context.ts';
import { Router, type HashLocation } from '../state/router.svelte.ts';
import HealthView from '../views/HealthView.svelte';
import HealthPanel from './HealthPanel.svelte';

globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

const RULES = {
  rules: [{ id: 'stock-lock-overdue', kind: 'deadline', title: 'Stock lock overdue', severity: 'critical', enabled: true, source: { file: 'orders.yaml', line: 3 }, firing: 2, acknowledged: 0 }],
  files: ['orders.yaml'],
  loadedAtMs: hour(0),
  errors: [],
};

const DASHBOARD: Record<string, unknown> = {
  stages: stageStats([
    { stageId: 'payment', title: 'Payment', expectedMs: 900_000, points: [{ tMs: hour(1), count: 8, p50Ms: 60_000, p95Ms: 1_200_000, overdue: 3 }] },
    { stageId: 'refund', title: 'Refund', expectedMs: 86_400_000, points: [] },
  ]),
  throughput: throughput({
    services: [
      { service: 'shop', total: 40, points: [{ tMs: hour(0), spans: 40, errors: 0 }] },
      { service: 'inventory', total: 12, points: [{ tMs: hour(0), spans: 12, errors: 5 }] },
    ],
    events: [{ tMs: hour(0), count: 9 }],
    logs: [{ tMs: hour(0), count: 30 }],
  }),
  anomalies: anomalyStats([{ ruleId: 'stock-lock-overdue', total: 2, points: [{ tMs: hour(2), count: 2 }] }]),
  index: orderHealth({
    orders: 4,
    healthy: 3,
    index: 0.75,
    stages: [
      { stageId: 'payment', title: 'Payment', started: 4, breached: 1 },
      { stageId: 'refund', title: 'Refund', started: 0, breached: 0 },
    ],
  }),
  dependencies: dependencyGraph({
    nodes: [
      { service: 'inventory', spans: 12, errors: 5 },
      { service: 'shop', spans: 40, errors: 0 },
    ],
    edges: [{ source: 'shop', target: 'inventory', calls: 12, errors: 5, p95Ms: 250 }],
  }),
};

function memoryLocation(hash: string): HashLocation & { hash: string } {
  const loc = { hash, read: () => loc.hash, assign: (h: string) => void (loc.hash = h), replace: (h: string) => void (loc.hash = h), listen: () => () => {} };
  return loc;
}

/** The health page at `hash` over an API answering the readiness, the rules and `dashboard(part)`. */
function renderHealth(hash: string, dashboard: (part: string, path: string) => unknown = (part) => DASHBOARD[part]) {
  const api = new ScriptedApi((path) => {
    if (path === '/readyz') return { status: 'ready' };
    if (path === '/api/v1/rules') return RULES;
    const part = path.replace(/^\/api\/v1\/health\/([a-z]+).*$/, '$1');
    return dashboard(part, path);
  });
  const loc = memoryLocation(hash);
  const router = new Router(loc);
  render(HealthView, { context: contextMap(api, router) });
  return { api, loc, router };
}

const panel = (testid: string) => within(screen.getByTestId(testid));

describe('HealthView', () => {
  it('shows the index, the stages, the anomalies with links to their alerts, throughput and the dependencies', async () => {
    renderHealth('#/health?since=6h');
    await vi.waitFor(() => expect(screen.getByTestId('health-index-value').textContent?.trim()).toBe('75.0%'));
    const index = panel('health-index');
    expect(index.getByText('3 of 4 orders healthy')).toBeTruthy();
    expect(index.getByText(/none of their fulfilment or return stages is breached/)).toBeTruthy();
    expect(index.getByText('How the index is computed')).toBeTruthy();
    expect(within(index.getByRole('row', { name: /Payment 4 1 25.0%/ })).getByText('25.0%').className).toContain('error-text');

    const stages = panel('health-stages');
    expect(stages.getByText('8 completed · 3 overdue')).toBeTruthy();
    expect(stages.getByText('None completed in this time range.')).toBeTruthy();
    expect(stages.getAllByRole('img', { name: /durations of Payment/ })).toHaveLength(1);

    const rule = panel('health-anomalies').getByRole('link', { name: 'Stock lock overdue' });
    expect(rule.getAttribute('href')).toBe('#/alerts?rule=stock-lock-overdue');

    const errors = panel('health-throughput').getByRole('link', { name: '5 error spans of inventory: search them' });
    expect(errors.getAttribute('href')).toBe('#/search?kind=spans&service=inventory&status=error&since=6h');
    expect(panel('health-throughput').getByText('9 order events · 30 log records')).toBeTruthy();

    expect(panel('health-dependencies').getByRole('img', { name: 'Map of the calls between services' })).toBeTruthy();
    expect(panel('health-dependencies').getByRole('row', { name: /shop inventory 12 5 250 ms/ })).toBeTruthy();

    // The readiness and the rules stay below the dashboard.
    expect(screen.getByText('ready')).toBeTruthy();
    expect(panel('health-rules').getByRole('rowheader', { name: /Stock lock overdue/ })).toBeTruthy();
    expect(screen.getByTestId('health-window').textContent).toContain('one point per 1 h');
  });

  it('changes the range from the keyboard into the URL and loads it', async () => {
    const { api, loc } = renderHealth('#/health');
    const last = screen.getByRole('button', { name: 'last 24 hours' });
    expect(last.getAttribute('aria-pressed')).toBe('true');
    await vi.waitFor(() => expect(api.asked.filter((p) => p.startsWith('/api/v1/health/'))).toHaveLength(5));
    const week = screen.getByRole('button', { name: 'last 7 days' });
    week.focus();
    await fireEvent.click(week);
    expect(loc.hash).toBe('#/health?since=7d');
    await vi.waitFor(() => expect(api.asked.filter((p) => p.startsWith('/api/v1/health/'))).toHaveLength(10));
    expect(week.getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(screen.getByRole('button', { name: 'custom…' }));
    const from = screen.getByLabelText('From') as HTMLInputElement;
    const to = screen.getByLabelText('To') as HTMLInputElement;
    await fireEvent.change(from, { target: { value: '2026-03-01T10:00:00' } });
    await fireEvent.change(to, { target: { value: '2026-03-01T16:00:00' } });
    await fireEvent.submit(from.form!);
    const params = new URLSearchParams(loc.hash.replace('#/health?', ''));
    expect(params.get('from')).toBe(new Date('2026-03-01T10:00:00').toISOString());
    expect(params.get('to')).toBe(new Date('2026-03-01T16:00:00').toISOString());
  });

  it('says once that a server without the dashboard does not offer it, and still shows readiness and rules', async () => {
    renderHealth('#/health', (_, path) => {
      throw new ApiError(404, 'OT_ERR_NOT_FOUND', `no route GET "${path}"`);
    });
    await vi.waitFor(() => expect(screen.getByTestId('health-unavailable')).toBeTruthy());
    expect(screen.queryByTestId('health-index')).toBeNull();
    await vi.waitFor(() => expect(panel('health-rules').getByText('The rule files loaded without problems.')).toBeTruthy());
  });

  it('shows each part’s own empty state', async () => {
    renderHealth('#/health', (part) => {
      if (part === 'index') return orderHealth();
      if (part === 'stages') return stageStats();
      if (part === 'anomalies') return anomalyStats();
      if (part === 'throughput') return throughput();
      return dependencyGraph();
    });
    await vi.waitFor(() => expect(panel('health-index').getByText('No order started in this time range.')).toBeTruthy());
    expect(screen.getByTestId('health-index-value').textContent?.trim()).toBe('—');
    expect(panel('health-stages').getByText('No stage completed in this time range.')).toBeTruthy();
    expect(panel('health-anomalies').getByText('No alert fired in this time range.')).toBeTruthy();
    expect(panel('health-throughput').getByText('No span, order event or log record in this time range.')).toBeTruthy();
    expect(panel('health-dependencies').getByText('No call between services in this time range.')).toBeTruthy();
  });
});

describe('HealthPanel', () => {
  it('shows its part’s error with a retry, and a part the server lacks as not offered', async () => {
    const { Remote } = await import('../state/remote.svelte.ts');
    const failing = new Remote<number>();
    await failing.load(async () => {
      throw new ApiError(400, 'OT_ERR_BAD_PARAMETER', 'bucket gives more than 500 buckets');
    });
    const retry = vi.fn();
    const { unmount } = render(HealthPanel, { title: 'Throughput', remote: failing, retry, testid: 'p', children: (() => {}) as never });
    expect(screen.getByRole('alert').textContent).toContain('OT_ERR_BAD_PARAMETER');
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledOnce();
    unmount();

    const missing = new Remote<number>();
    await missing.load(async () => {
      throw new ApiError(404, 'OT_ERR_NOT_FOUND', 'no route');
    });
    render(HealthPanel, { title: 'Throughput', remote: missing, retry, testid: 'p', children: (() => {}) as never });
    expect(screen.getByText('This server does not offer this part of the dashboard yet.')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
