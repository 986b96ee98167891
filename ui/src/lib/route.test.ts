import { describe, expect, it } from 'vitest';
import { formatRoute, links, parseHash, type Route } from './route.ts';

describe('hash routes', () => {
  const routes: Route[] = [
    { name: 'home' },
    { name: 'order', key: 'ORD-2026-000001', trace: null, span: null },
    { name: 'order', key: 'A/B ?#&= 订单', trace: '4bf92f3577b34da6a3ce929d0e0e4736', span: '00f067aa0ba902b7' },
    { name: 'trace', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', span: null },
    { name: 'trace', traceId: '4bf92f3577b34da6a3ce929d0e0e4736', span: '00f067aa0ba902b7' },
    { name: 'search', params: { kind: 'spans', service: 'inventory', status: 'error', 'attr.order.id': 'A 1&2', minDurationMs: '10' } },
    { name: 'search', params: {} },
    { name: 'alerts', params: { state: 'firing' } },
    { name: 'health' },
    { name: 'returns' },
  ];

  it.each(routes)('round-trips %j', (route) => {
    expect(parseHash(formatRoute(route))).toEqual(route);
  });

  it('reads the links the rules engine puts in guides', () => {
    expect(parseHash('#/orders/ORD%2D1%21')).toEqual({ name: 'order', key: 'ORD-1!', trace: null, span: null });
    expect(parseHash('#/traces/abc?span=def')).toEqual({ name: 'trace', traceId: 'abc', span: 'def' });
    expect(links.trace('abc', 'def')).toBe('#/traces/abc?span=def');
  });

  it('keeps every search parameter in the URL and drops empty ones', () => {
    const hash = links.search({ kind: 'logs', q: 'deduction failed', service: '', 'attr.shipment.id': 'SH-1' });
    expect(hash).toBe('#/search?kind=logs&q=deduction+failed&attr.shipment.id=SH-1');
    expect(parseHash(hash)).toEqual({ name: 'search', params: { kind: 'logs', q: 'deduction failed', 'attr.shipment.id': 'SH-1' } });
  });

  it('treats empty and unknown hashes sensibly', () => {
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/')).toEqual({ name: 'home' });
    expect(parseHash('#/orders')).toEqual({ name: 'notFound', hash: '#/orders' });
    expect(parseHash('#/nope')).toEqual({ name: 'notFound', hash: '#/nope' });
    expect(parseHash('#/orders/a/b')).toEqual({ name: 'notFound', hash: '#/orders/a/b' });
    expect(parseHash('#/orders/%E0%A4%A')).toEqual({ name: 'notFound', hash: '#/orders/%E0%A4%A' });
  });
});
