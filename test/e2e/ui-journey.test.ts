// The UI end to end, as support uses it: a real all-in-one (`ordertrace start` with demo traffic)
// serving the built UI, driven in Debian's Chromium. Looks orders up by order ID and by Trace ID,
// checks the Gantt shows the stuck stage in red and a missing stage as a dashed placeholder, opens a
// span's logs, and reads the health dashboard. Screenshots go to test-results/ui/ for a person to look at.
// Chromium must start: a missing browser fails the suite (launchChromium throws), it never skips.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_LABELS } from '../../demo/plan.ts';
import { STATE_COLORS } from '../../ui/src/lib/colors.ts';
import { paletteColor } from '../../ui/src/lib/health-options.ts';
import { launchChromium } from '../../ui/tools/browser.ts';
import { ensureUiBuilt } from '../../ui/tools/ensure-built.ts';
import { freePort } from '../helpers/all-in-one.ts';
import { spawnCli, type CliProcess } from '../helpers/process.ts';

const SCREENSHOTS = join(process.cwd(), 'test-results', 'ui');

let proc: CliProcess;
let dataDir: string;
let base: string;
let browser: Browser;
let page: Page;
/** Example order IDs the demo printed, by fault. */
const examples: Record<string, string> = {};

async function api<T>(path: string): Promise<T> {
  const res = await fetch(base + path);
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls the API until the order has ingested (the demo's spans arrive asynchronously). */
async function waitForOrder<T>(id: string, ready: (order: T) => boolean): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(`${base}/api/v1/orders/${encodeURIComponent(id)}`);
    if (res.ok) {
      const order = (await res.json()) as T;
      if (ready(order)) return order;
    }
    if (Date.now() > deadline) throw new Error(`order ${id} not ready in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Types `key` into the header's lookup box the way a person does: `/`, the key, Enter. */
async function lookUp(key: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.locator('#lookup-input').waitFor(); // the app has booted
  await page.keyboard.press('/');
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
}

async function ganttPainted(): Promise<void> {
  await page.locator('[data-testid=gantt][data-painted=true]').waitFor({ timeout: 15_000 });
}

/** The computed background colour (the root tsconfig has no DOM types, hence the cast). */
const backgroundOf = (locator: Locator) =>
  locator.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);

const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  ensureUiBuilt();
  mkdirSync(SCREENSHOTS, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'ot-ui-e2e-'));
  const httpPort = await freePort();
  base = `http://127.0.0.1:${httpPort}`;
  proc = spawnCli(process.execPath, [
    'cli/main.ts', 'start', '--data-dir', dataDir, '--http-port', String(httpPort), '--otlp-port', String(await freePort()),
    '--otlp-grpc-port', '0', '--demo-rate', '1', '--log-level', 'warn',
  ]);
  await proc.waitFor(/demo: live:/, 90_000);
  for (const [fault, label] of Object.entries(FAULT_LABELS)) {
    const line = proc.output().split('\n').find((l) => l.includes(`${label}: `));
    const id = line?.match(/(ORD-[\w-]+)/)?.[1];
    if (id) examples[fault] = id;
  }
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (proc) {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface OrderBody {
  orderId: string;
  traceIds: string[];
  stages: { stageId: string; state: string }[];
  spans: { traceId: string; spanId: string; name: string }[];
  logs: { spanId: string; traceId: string; body: unknown }[];
}

// Each test may wait up to 30 s for the demo's records to be ingested.
describe('the UI on a running all-in-one', { timeout: 90_000 }, () => {
  it('looks an order up by ID: the stuck stock lock is overdue and red on the Gantt', async () => {
    const id = examples.stuckStockLock!;
    expect(id, 'the demo printed a stuck order').toBeDefined();
    await waitForOrder<OrderBody>(id, (o) => o.stages.some((s) => s.state === 'overdue'));
    await lookUp(id);
    await page.waitForURL(`**/#/orders/${id}`);
    await expect.poll(() => page.locator('h1').first().textContent()).toContain(id);
    await ganttPainted();

    const row = page.locator('[data-testid=stage-table] tr[data-stage=stock_lock]');
    expect(await row.getAttribute('data-state')).toBe('overdue');
    expect(await backgroundOf(row.locator('.badge'))).toBe('rgb(211, 47, 47)');
    // The Gantt's SVG has a bar in the overdue colour.
    expect(await page.locator(`[data-testid=gantt] svg path[fill="${STATE_COLORS.overdue}"]`).count()).toBeGreaterThan(0);
    await shot('order-stuck-stock-lock');
  });

  it('shows stages whose events never came as dashed placeholders', async () => {
    const id = examples.cancelledAfterPayment!;
    expect(id, 'the demo printed a cancelled order').toBeDefined();
    await waitForOrder<OrderBody>(id, (o) => o.stages.some((s) => s.state === 'missing'));
    await page.goto(`${base}/#/orders/${id}`);
    await ganttPainted();
    expect(await page.locator('[data-testid=stage-table] tr[data-state=missing]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=gantt] svg path[stroke-dasharray]').count()).toBeGreaterThan(0);
    await shot('order-missing-stages');
  });

  it('looks an order up by Trace ID', async () => {
    const id = examples.splitShipment!;
    const order = await waitForOrder<OrderBody>(id, (o) => o.traceIds.length > 0);
    const traceId = order.traceIds[0]!;
    await lookUp(traceId.toUpperCase());
    await expect.poll(() => page.locator('h1').first().textContent(), { timeout: 15_000 }).toContain(id);
    expect(await page.locator('.order-header').textContent()).toContain('trace.id');
    await ganttPainted();
    await shot('order-by-trace-id');
  });

  it('opens a span with the keyboard and shows its correlated logs', async () => {
    const id = examples.inventoryErrorBurst!;
    const order = await waitForOrder<OrderBody>(id, (o) => o.logs.some((l) => l.spanId !== ''));
    const log = order.logs.find((l) => l.spanId !== '')!;
    const span = order.spans.find((s) => s.spanId === log.spanId)!;
    await page.goto(`${base}/#/orders/${id}?trace=${log.traceId}`);
    const row = page.locator(`[data-testid=waterfall] [data-row][data-span-id="${span.spanId}"]`);
    await row.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**span=${span.spanId}`);
    const panel = page.locator('[data-testid=span-panel]');
    await expect.poll(() => panel.locator('h3').textContent()).toContain(span.name);
    expect(await panel.locator('[data-testid=logs]').textContent()).toContain(String(log.body));
    // The critical path is marked in the waterfall.
    expect(await page.locator('[data-testid=waterfall] [data-row][data-critical=true]').count()).toBeGreaterThan(0);
    await shot('span-logs');
  });

  it('searches error spans across services, shows their durations, and opens one in the trace view', async () => {
    await page.goto(`${base}/#/search?kind=spans&service=inventory&status=error`);
    const rows = page.locator('[data-testid=span-results] tr[data-row]');
    await rows.first().waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=search-form] select[name=service]').inputValue()).toBe('inventory');
    expect(await page.locator('[data-testid=histogram] svg path').count()).toBeGreaterThan(0);
    await shot('search-spans');
    const spanId = await rows.first().getAttribute('data-span-id');
    await rows.first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/#/traces/*?span=${spanId}`);
    await expect.poll(() => page.locator('[data-testid=span-panel]').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('[data-testid=span-panel]').textContent()).toContain('error');

    await page.goto(`${base}/#/search?kind=logs&q=deduction+failed`);
    await page.locator('[data-testid=logs] tbody tr').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid=logs] tbody').textContent()).toContain('deduction failed');
  });

  it('shows an alert with its guide and acknowledges it', async () => {
    // The rules engine in the all-in-one fires alerts for the demo's faults; take one with a guide.
    let alert: { id: string; orderId: string } | undefined;
    const deadline = Date.now() + 60_000;
    while (!alert && Date.now() < deadline) {
      const page = await api<{ items: { id: string; orderId: string }[] }>('/api/v1/alerts?state=firing&limit=20');
      for (const item of page.items) {
        const detail = await api<{ guide: { html: string } | null }>(`/api/v1/alerts/${encodeURIComponent(item.id)}`);
        if (detail.guide) {
          alert = item;
          break;
        }
      }
      if (!alert) await new Promise((r) => setTimeout(r, 500));
    }
    expect(alert, 'the rules engine fired an alert with a guide').toBeDefined();
    await page.goto(`${base}/#/alerts?state=firing&order=${encodeURIComponent(alert!.orderId)}`);
    const card = page.locator(`.alert-card[data-alert-id="${alert!.id}"]`);
    await card.waitFor({ timeout: 15_000 });
    await card.locator('summary').click();
    await card.locator('.guide').waitFor({ timeout: 15_000 });
    // The API's rendered HTML is inserted as markup: its elements are there, not their source text.
    expect(await card.locator('.guide > *').count()).toBeGreaterThan(0);
    expect(await card.locator('.guide').textContent()).not.toContain('</');
    await shot('alert-guide');
    await card.locator('input').fill('e2e support');
    await card.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => card.getAttribute('data-state')).toBe('acknowledged');
    const stored = await api<{ alert: { state: string; acknowledgedBy: string } }>(`/api/v1/alerts/${encodeURIComponent(alert!.id)}`);
    expect(stored.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'e2e support' });
  });

  it('shows the health dashboard: index, stage durations, anomalies by rule and the dependency map', async () => {
    // Wait until the rules engine's alerts for the demo's faults are counted (the API must have the route).
    let rules: { ruleId: string; total: number }[] = [];
    const deadline = Date.now() + 60_000;
    while (!rules.some((r) => r.total > 0) && Date.now() < deadline) {
      rules = (await api<{ rules: { ruleId: string; total: number }[] }>('/api/v1/health/anomalies')).rules;
      if (!rules.some((r) => r.total > 0)) await new Promise((r) => setTimeout(r, 500));
    }
    expect(rules.some((r) => r.total > 0), 'the anomalies route counts a fired alert').toBe(true);

    await page.goto(`${base}/#/health?since=24h`);
    expect(await page.locator('.health-range button[aria-pressed=true]').textContent()).toBe('last 24 hours');
    const index = page.locator('[data-testid=health-index-value]');
    await index.waitFor({ timeout: 15_000 });
    expect(await index.textContent()).toMatch(/^\s*\d+(\.\d)?%\s*$/);

    // A stage's duration chart: the p50/p95 lines and the dashed expected line are SVG paths.
    const stageChart = page.locator('[data-testid=health-stage-chart][data-painted=true]').first();
    await stageChart.waitFor({ timeout: 15_000 });
    expect(await stageChart.locator('svg path[stroke-dasharray]').count()).toBeGreaterThan(0);

    // Anomalies: a bar in the first rule's colour (the chart has no legend of its own: the rule table
    // is it), and the rule's total links to its alerts.
    const anomalies = page.locator('[data-testid=health-anomalies-chart][data-painted=true]');
    await anomalies.waitFor({ timeout: 15_000 });
    expect(await anomalies.locator(`svg path[fill="${paletteColor(0)}"]`).count()).toBeGreaterThan(0);
    const firstRule = page.locator('[data-testid=health-rule-totals] tbody tr').first();
    const ruleId = await firstRule.getAttribute('data-rule');
    expect(await firstRule.locator('a').getAttribute('href')).toBe(`#/alerts?rule=${encodeURIComponent(ruleId!)}`);

    // The dependency map: one labelled node per service (SVG text), the shop among them.
    const graph = page.locator('[data-testid=health-dependency-graph][data-painted=true]');
    await graph.waitFor({ timeout: 15_000 });
    const labels = await graph.locator('svg text').allTextContents();
    expect(labels).toContain('shop');
    expect(labels.length).toBeGreaterThan(1);
    await shot('health');
  });

  it('shows API errors with their code', async () => {
    await page.goto(`${base}/#/search?kind=spans&minDurationMs=fast`);
    const alert = page.locator('[role=alert]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('OT_ERR_BAD_PARAMETER');
    await page.goto(`${base}/#/orders/NO-SUCH-ORDER-42`);
    await page.locator('[role=alert]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[role=alert]').textContent()).toContain('No order matches “NO-SUCH-ORDER-42”');
  });
});
