import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW_MS, ORDER, deductFailed, deductionLog } from '../../../query-api/test-fixture.ts';
import { SearchPage } from './search-page.svelte.ts';
import { startApi, type LiveApi } from './test-api.ts';

let live: LiveApi;
beforeAll(async () => {
  live = await startApi();
});
afterAll(() => live.close());

const page = () => new SearchPage(live.api, () => NOW_MS);

describe('SearchPage', () => {
  it('runs the span search the URL describes and fills the form from it', async () => {
    const p = page();
    await p.show({ kind: 'spans', service: 'inventory', status: 'error', 'attr.order.id': ORDER });
    expect(p.form).toMatchObject({ kind: 'spans', service: 'inventory', status: 'error', attrs: [{ key: 'order.id', value: ORDER }] });
    expect(p.spans.data?.items.map((s) => s.spanId)).toEqual([deductFailed.spanId]);
    expect(p.histogram.reduce((n, b) => n + b.count, 0)).toBe(1);
  });

  it('searches logs by text', async () => {
    const p = page();
    await p.show({ kind: 'logs', q: 'DEDUCTION' });
    expect(p.kind).toBe('logs');
    expect(p.logs.data?.items.map((l) => l.logId)).toEqual([deductionLog.logId]);
    expect(p.spans.data).toBeNull();
  });

  it('turns the form into URL parameters, and pages with the cursor', async () => {
    const p = page();
    await p.show({ kind: 'spans', limit: '2' });
    expect(p.spans.data?.items).toHaveLength(2);
    const next = p.nextPage();
    expect(next).toMatchObject({ kind: 'spans', limit: '2', cursor: expect.any(String) });
    await p.show(next!);
    const second = p.spans.data!.items.map((s) => s.spanId);
    expect(second).toHaveLength(2);
    expect(p.firstPage()).toEqual({ kind: 'spans', limit: '2' });

    p.form.service = 'payment';
    p.addAttribute();
    p.form.attrs[0] = { key: 'payment.reference', value: 'PAY-77-ABC' };
    expect(p.submitted()).toEqual({ kind: 'spans', service: 'payment', 'attr.payment.reference': 'PAY-77-ABC' });
    p.removeAttribute(0);
    expect(p.switchKind('logs')).toEqual({ kind: 'logs', service: 'payment' });
  });

  it('narrows to a histogram bucket, dropping the cursor', () => {
    const p = page();
    p.params = { kind: 'spans', service: 'shop', cursor: 'abc' };
    expect(p.narrowedTo({ fromMs: 1.5, toMs: 250.1234567, count: 3 })).toEqual({ kind: 'spans', service: 'shop', minDurationMs: '1.5', maxDurationMs: '250.123457' });
  });

  it('shows the API rejection of a bad filter with its code and message', async () => {
    const p = page();
    await p.show({ kind: 'spans', minDurationMs: 'fast' });
    expect(p.spans.error?.code).toBe('OT_ERR_BAD_PARAMETER');
    expect(p.spans.error?.message).toContain('minDurationMs');
  });

  it('lists the operations of the chosen service', async () => {
    const p = page();
    p.loadServices();
    await expect.poll(() => p.services.data).not.toBeNull();
    p.form.service = 'inventory';
    expect(p.operations).toContain(deductFailed.name);
    expect(p.operations).not.toContain('POST /checkout');
  });
});
