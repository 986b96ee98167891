// Manual measurement (not a vitest suite): loads N spans into a fresh database of the dev ClickHouse
// through ClickHouseStore.write, then measures trace-by-ID and order-by-ID latency on the idle server.
//
//   node test/clickhouse/lookup-latency.ts [spans=1000000] [--keep]
//   node test/clickhouse/lookup-latency.ts --db NAME      (measure again on a kept database)
//
// Traces of 10 spans over 5 services, one order per trace, a log per trace; arrival roughly in time
// order over the last 2 hours (as a live ingester writes), batches of 10 000 spans.
import { randomBytes } from 'node:crypto';
import type { LogRecord, Span } from '../../core/model.ts';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase } from './server.ts';

const dbArg = process.argv.indexOf('--db');
const existing = dbArg > 0 ? process.argv[dbArg + 1] : undefined;
const total = existing ? 0 : Number(process.argv[2] ?? 1_000_000);
const keep = process.argv.includes('--keep') || existing !== undefined;
const SPANS_PER_TRACE = 10;
const BATCH_SPANS = 10_000;
const SERVICES = ['shop', 'payments', 'inventory', 'warehouse', 'carrier'];
const database = existing ?? freshDatabase('latency');
const store = await ClickHouseStore.open({ url: CLICKHOUSE_URL, database, keyAttributes: ['return.id', 'payment.reference'] });

const traces = Math.ceil(total / SPANS_PER_TRACE);
const spanNs = 7_200_000_000_000n / BigInt(Math.max(traces, 1));
const base = BigInt(Date.now()) * 1_000_000n - 7_200_000_000_000n;
const sample: Array<{ traceId: string; orderId: string }> = [];
const resource = new Map(SERVICES.map((s) => [s, { attributes: { 'service.name': s, 'host.name': `${s}-1` }, droppedAttributesCount: 0 }]));
const scope = { name: 'load', version: '1', attributes: {}, droppedAttributesCount: 0 };

function traceRecords(i: number): { spans: Span[]; log: LogRecord } {
  const traceId = randomBytes(16).toString('hex');
  const orderId = `ORD-${i}`;
  const start = base + BigInt(i) * spanNs;
  const spans: Span[] = [];
  for (let j = 0; j < SPANS_PER_TRACE; j++) {
    const service = SERVICES[j % SERVICES.length]!;
    const t = start + BigInt(j) * 3_000_000n;
    spans.push({
      traceId,
      spanId: randomBytes(8).toString('hex'),
      parentSpanId: '',
      traceState: '',
      name: `${service} op ${j}`,
      kind: 2,
      startTimeUnixNano: t.toString(),
      endTimeUnixNano: (t + 2_000_000n).toString(),
      attributes: j === 0 ? { 'order.id': orderId, 'payment.reference': `PAY-${i}`, 'http.status_code': { int: '200' } } : { 'http.status_code': { int: '200' }, 'db.system': 'postgres' },
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: 0, message: '' },
      flags: 1,
      service,
      resource: resource.get(service)!,
      scope,
      orderId: j === 0 ? orderId : '',
    });
  }
  const log: LogRecord = {
    logId: randomBytes(16).toString('hex'),
    timeUnixNano: (start + 1_000_000n).toString(),
    observedTimeUnixNano: '0',
    severityNumber: 9,
    severityText: 'INFO',
    body: `order ${orderId} accepted`,
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId,
    spanId: spans[0]!.spanId,
    eventName: '',
    service: 'shop',
    resource: resource.get('shop')!,
    scope,
    orderId,
  };
  if (i % Math.max(1, Math.floor(traces / 2_000)) === 0) sample.push({ traceId, orderId });
  return { spans, log };
}

const loadStart = performance.now();
let written = 0;
for (let i = 0; i < traces; ) {
  const spans: Span[] = [];
  const logs: LogRecord[] = [];
  for (; i < traces && spans.length < BATCH_SPANS; i++) {
    const r = traceRecords(i);
    spans.push(...r.spans);
    logs.push(r.log);
  }
  await store.write({ spans, logs });
  written += spans.length;
  if (written % 1_000_000 < BATCH_SPANS) {
    const s = (performance.now() - loadStart) / 1000;
    console.log(`${written} spans in ${s.toFixed(1)} s (${Math.round(written / s)} spans/s)`);
  }
}
const loadSeconds = (performance.now() - loadStart) / 1000;
if (existing) {
  // Sample traces/orders of the kept database: the order of each trace is on its first span.
  const response = await fetch(CLICKHOUSE_URL, {
    method: 'POST',
    body: `SELECT trace_id, order_id FROM \`${existing}\`.spans WHERE order_id != '' AND cityHash64(trace_id) % 5000 = 7 LIMIT 2000 FORMAT JSONEachRow`,
  });
  for (const line of (await response.text()).split('\n').filter(Boolean)) {
    const row = JSON.parse(line) as { trace_id: string; order_id: string };
    sample.push({ traceId: row.trace_id, orderId: row.order_id });
  }
} else {
  console.log(`loaded ${written} spans (+${traces} logs) in ${loadSeconds.toFixed(1)} s: ${Math.round(written / loadSeconds)} spans/s`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(name: string, fn: (s: { traceId: string; orderId: string }) => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  const picks = [...sample].sort(() => Math.random() - 0.5).slice(0, 500);
  for (const s of picks.slice(0, 20)) await fn(s); // warm-up
  for (const s of picks) {
    const t = performance.now();
    await fn(s);
    times.push(performance.now() - t);
  }
  console.log(`${name}: n=${times.length} p50=${percentile(times, 50).toFixed(2)} ms p99=${percentile(times, 99).toFixed(2)} ms max=${Math.max(...times).toFixed(2)} ms`);
}

await measure('getTrace', async (s) => {
  const trace = await store.getTrace(s.traceId);
  if (trace?.spans.length !== SPANS_PER_TRACE) throw new Error(`trace ${s.traceId}: ${trace?.spans.length} spans`);
});
await measure('getOrder', async (s) => {
  const order = await store.getOrder(s.orderId);
  if (order?.spans.length !== SPANS_PER_TRACE || order.logs.length !== 1) throw new Error(`order ${s.orderId} incomplete`);
});
await measure('resolveOrderKey', async (s) => {
  if ((await store.resolveOrderKey(`PAY-${s.orderId.slice(4)}`)) !== s.orderId) throw new Error('resolve failed');
});
await measure('searchSpans service, newest 20', async () => {
  await store.searchSpans({ service: 'payments', limit: 20 });
});
await measure('searchSpans attribute in 1 min', async () => {
  const to = BigInt(Date.now()) * 1_000_000n - BigInt(Math.floor(Math.random() * 7_000)) * 1_000_000_000n;
  await store.searchSpans({ attributes: { 'http.status_code': '200' }, fromNs: (to - 60_000_000_000n).toString(), toNs: to.toString(), limit: 20 });
});
await store.close();
if (!keep) await dropDatabase(database);
else console.log(`kept database ${database}`);
