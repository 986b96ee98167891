// End to end in distributed mode, against real Kafka and ClickHouse: OpenTelemetry SDK exporters and
// /v1/events → collector (Kafka bus) → ingester → ClickHouse (fresh database) → query API returns
// exactly what was sent, and the order journey. An unreachable Kafka or ClickHouse FAILS every test.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startDistributed, type DistributedInstance } from '../helpers/distributed.ts';
import { describeExporterScenarios, exportWith, recordSpans } from '../helpers/otel-scenarios.ts';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';

let starting: Promise<DistributedInstance> | undefined;
let app: DistributedInstance;
// beforeEach, not beforeAll: a failing beforeAll reports tests as skipped; this makes them fail.
beforeEach(async () => {
  starting ??= startDistributed('e2e');
  app = await starting;
}, 120_000);
afterAll(async () => {
  await (await starting?.catch(() => undefined))?.dispose();
});

describeExporterScenarios('collector → Kafka → ingester → ClickHouse → query API', () => app);

const NS = 1_000_000_000n;
const t0 = 1_780_000_000n * NS + 123_456_789n; // exact nanoseconds, beyond Number.MAX_SAFE_INTEGER
const at = (minutes: bigint) => (t0 + minutes * 60n * NS).toString();

describe('order journey through Kafka and ClickHouse', () => {
  it('stitches /v1/events and SDK spans into one journey, each record once', async () => {
    const orderId = 'ORD-E2E-PIPELINE-1';
    const events = [
      { eventId: 'p-1', orderId, type: 'order.created', system: 'shop', status: 'created', time: at(0n) },
      { eventId: 'p-3', orderId, type: 'inventory.locked', system: 'inventory', status: 'locked', time: at(30n), attributes: { warehouse: 'W1' } },
      { eventId: 'p-4', orderId, type: 'package.packed', system: 'wms', status: 'packed', time: at(90n), attributes: { 'shipment.id': 'SHP-E2E-1' } },
    ].map((e) => ({ ...e, time: `${new Date(Number(BigInt(e.time) / 1_000_000n)).toISOString().slice(0, 19)}.${(BigInt(e.time) % NS).toString().padStart(9, '0')}Z` }));
    const post = () => fetch(`${app.otlpUrl}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200); // a client retry: stored twice on Kafka, visible once
    const spans = recordSpans(orderId); // the payment.succeeded milestone, from the SDK
    await exportWith(new TracesProto({ url: `${app.otlpUrl}/v1/traces` }), spans);

    const order = await app.until(async () => {
      const res = await app.get(`/api/v1/orders/SHP-E2E-1`);
      return res.status === 200 && res.body.events.length === 4 && res.body.spans.length === 2 ? res.body : null;
    });
    expect(order.orderId).toBe(orderId);
    expect(order.matchedBy).toBe('shipment.id');
    expect(order.traceIds).toEqual([spans[0]!.spanContext().traceId]);
    expect(order.events.map((e: { type: string }) => e.type).sort()).toEqual(['inventory.locked', 'order.created', 'package.packed', 'payment.succeeded']);
    const times = order.events.map((e: { timeUnixNano: string }) => BigInt(e.timeUnixNano));
    expect(times.every((t: bigint, i: number) => i === 0 || times[i - 1] <= t)).toBe(true); // in time order
    const byId = Object.fromEntries(order.events.map((e: { eventId: string }) => [e.eventId, e]));
    expect(byId['p-1']).toMatchObject({ type: 'order.created', system: 'shop', status: 'created', timeUnixNano: at(0n), source: 'api' });
    expect(byId['p-3']).toMatchObject({ timeUnixNano: at(30n), attributes: { warehouse: 'W1' } });
    expect(byId['p-4']).toMatchObject({ timeUnixNano: at(90n), attributes: { 'shipment.id': 'SHP-E2E-1' } });
    const stages = Object.fromEntries(order.stages.map((s: { stageId: string }) => [s.stageId, s]));
    expect(stages.packing).toMatchObject({ shipmentId: 'SHP-E2E-1', state: 'done', startNs: at(30n), endNs: at(90n) });
    expect(stages.stock_lock.endNs).toBe(at(30n));
    expect(order.statuses.map((s: { system: string; status: string }) => `${s.system}:${s.status}`)).toEqual(
      expect.arrayContaining(['shop:created', 'inventory:locked', 'wms:packed', 'payment:paid']),
    );
    // Searches (counts included) see each span once despite the at-least-once path.
    const search = await app.get(`/api/v1/spans?attr.order.id=${orderId}&limit=50`);
    expect(search.body.items).toHaveLength(2);
  });

  it('exposes ingester and collector metrics, health and readiness', async () => {
    const ingester = await (await fetch(`${app.ingesterStatusUrl}/metrics`)).text();
    expect(ingester).toMatch(/^ordertrace_ingester_inserted_total\{signal="spans"\} [1-9]\d*$/m);
    expect(ingester).toMatch(/^ordertrace_ingester_insert_duration_seconds_count [1-9]\d*$/m);
    expect(ingester).toMatch(/^ordertrace_ingester_consumer_lag\{topic="ordertrace.spans"\} \d+$/m);
    expect(ingester).toMatch(/^ordertrace_ingester_rebalances_total \d+$/m);
    expect(ingester).toMatch(/^ordertrace_ingester_store_up 1$/m);
    const collector = await (await fetch(`${app.otlpUrl}/metrics`)).text();
    expect(collector).toMatch(/^ordertrace_collector_enqueued_total\{signal="spans"\} [1-9]\d*$/m);
    for (const base of [app.otlpUrl, app.ingesterStatusUrl]) {
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
    }
  });
});
