// @vitest-environment jsdom
// A few components rendered in jsdom: what a person sees and can do with the keyboard.
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { Api, ApiError } from '../lib/api.ts';
import { log, ns, span, stage } from '../lib/fixtures.ts';
import { waterfall } from '../lib/waterfall.ts';
import { contextMap } from '../state/context.ts';
import { Router, type HashLocation } from '../state/router.svelte.ts';
import Header from './Header.svelte';
import Loadable from './Loadable.svelte';
import SpanPanel from './SpanPanel.svelte';
import StageTable from './StageTable.svelte';
import Waterfall from './Waterfall.svelte';

// jsdom has no ResizeObserver (Svelte's bind:clientHeight uses it); browsers all do.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
};

describe('StageTable', () => {
  it('shows every stage with its state', () => {
    render(StageTable, {
      stages: [
        stage({ stageId: 'payment', title: 'Payment', state: 'done', startNs: ns(0), endNs: ns(300), durationMs: 300 }),
        stage({ stageId: 'stock_lock', title: 'Stock lock', state: 'overdue', startNs: ns(300) }),
        stage({ stageId: 'packing', title: 'Pick & pack', shipmentId: 'SHP-2', state: 'missing' }),
      ],
    });
    const rows = screen.getAllByRole('row').slice(1);
    expect(rows.map((r) => r.dataset.state)).toEqual(['done', 'overdue', 'missing']);
    expect(rows[1]!.textContent).toContain('overdue');
    expect(screen.getByRole('rowheader', { name: 'Pick & pack · SHP-2' })).toBeTruthy();
  });
});

describe('SpanPanel', () => {
  const hostile = '<img src=x onerror="alert(1)">';
  const s = span({
    spanId: '00f067aa0ba902b7',
    start: 0,
    end: 12,
    name: hostile,
    attributes: { 'order.id': 'A-1', 'http.response.status_code': { int: '500' } },
    status: { code: 2, message: 'deduction failed' },
    events: [{ name: 'exception', timeUnixNano: ns(10), attributes: { 'exception.message': hostile }, droppedAttributesCount: 0 }],
  });
  const row = waterfall([s]).rows[0]!;

  it('shows attributes, events and correlated logs as text, never as HTML', () => {
    render(SpanPanel, { row, logs: [log({ logId: 'l1', at: 5, body: hostile, spanId: s.spanId, severityNumber: 17, severityText: 'ERROR' })], onClose: () => {} });
    const panel = screen.getByTestId('span-panel');
    expect(panel.querySelector('img')).toBeNull();
    expect(panel.textContent).toContain(hostile);
    expect(panel.textContent).toContain('error: deduction failed');
    expect(screen.getByText('500')).toBeTruthy();
    expect(screen.getByTestId('logs').textContent).toContain('ERROR');
  });

  it('says so when no log is correlated, and closes', async () => {
    const onClose = vi.fn();
    render(SpanPanel, { row, logs: [], onClose });
    expect(screen.getByText('No log records are correlated with this span.')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalled();
  });
});

describe('Waterfall', () => {
  it('moves between spans with the arrow keys and opens one with Enter', async () => {
    const layout = waterfall([
      span({ spanId: 'a000000000000001', start: 0, end: 100 }),
      span({ spanId: 'a000000000000002', parentSpanId: 'a000000000000001', start: 10, end: 90 }),
      span({ spanId: 'a000000000000003', parentSpanId: 'a000000000000001', start: 20, end: 30 }),
    ]);
    const onSelect = vi.fn();
    render(Waterfall, { layout, selected: null, onSelect });
    const rows = [...document.querySelectorAll<HTMLElement>('[data-row]')];
    expect(rows.map((r) => r.dataset.spanId)).toEqual(['a000000000000001', 'a000000000000002', 'a000000000000003']);
    expect(rows.map((r) => r.dataset.critical)).toEqual(['true', 'true', 'false']);
    rows[0]!.focus();
    await fireEvent.keyDown(rows[0]!, { key: 'ArrowDown' });
    await vi.waitFor(() => expect(document.activeElement).toBe(rows[1]));
    await fireEvent.keyDown(rows[1]!, { key: 'End' });
    await vi.waitFor(() => expect(document.activeElement).toBe(rows[2]));
    await fireEvent.keyDown(rows[2]!, { key: 'Enter' });
    expect(onSelect).toHaveBeenCalledWith('a000000000000003');
  });

  it('keeps only the rows in view in the DOM for a long trace', () => {
    const spans = Array.from({ length: 2000 }, (_, i) => span({ spanId: `b${String(i).padStart(15, '0')}`, parentSpanId: i === 0 ? '' : 'b000000000000000', start: i, end: i + 5 }));
    render(Waterfall, { layout: waterfall(spans), selected: null, onSelect: () => {} });
    expect(screen.getByTestId('waterfall').dataset.rows).toBe('2000');
    const inDom = document.querySelectorAll('[data-row]').length;
    expect(inDom).toBeGreaterThan(10);
    expect(inDom).toBeLessThan(100);
  });
});

describe('Loadable', () => {
  it('shows the API error code and message, with a retry', async () => {
    const retry = vi.fn();
    render(Loadable, { loading: false, error: new ApiError(503, 'OT_ERR_STORE_UNAVAILABLE', 'store is busy'), retry });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Error OT_ERR_STORE_UNAVAILABLE');
    expect(alert.textContent).toContain('store is busy');
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retry).toHaveBeenCalledOnce();
  });

  it('announces loading', () => {
    render(Loadable, { loading: true, error: null });
    expect(screen.getByRole('status').textContent).toBe('Loading…');
  });
});

describe('Header', () => {
  function memoryLocation(): HashLocation & { hash: string } {
    const loc = { hash: '', read: () => loc.hash, assign: (h: string) => void (loc.hash = h), replace: (h: string) => void (loc.hash = h), listen: () => () => {} };
    return loc;
  }

  it('focuses the lookup box on "/" and opens the typed key on Enter', async () => {
    const loc = memoryLocation();
    const router = new Router(loc);
    render(Header, { context: contextMap(new Api(''), router) });
    const input = screen.getByRole('searchbox', { name: 'Look up an order' }) as HTMLInputElement;
    await fireEvent.keyDown(document.body, { key: '/' });
    expect(document.activeElement).toBe(input);
    await fireEvent.input(input, { target: { value: 'RET-2026-000381' } });
    await fireEvent.submit(input.form!);
    expect(loc.hash).toBe('#/orders/RET-2026-000381');
    expect(router.route).toEqual({ name: 'order', key: 'RET-2026-000381', trace: null, span: null });
  });

  it('does not steal "/" typed into another field', async () => {
    render(Header, { context: contextMap(new Api(''), new Router(memoryLocation())) });
    const other = document.body.appendChild(document.createElement('input'));
    other.focus();
    await fireEvent.keyDown(other, { key: '/' });
    expect(document.activeElement).toBe(other);
  });
});
