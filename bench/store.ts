// Store benchmark: write throughput of realistic spans, then point-query latency.
//   node bench/store.ts [--spans 200000] [--batch 512] [--concurrency 4] [--durability full|normal] [--dir PATH]
// Spans are generated up front (not timed), each with its own resource/scope objects as they arrive
// from the bus. Reported: spans/s from the first write to the last commit, the main-thread time spent
// inside write() (the event-loop cost), then p50/p99 of getTrace / getOrder / resolveOrderKey and of a
// typical search.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Span } from '../core/model.ts';
import { DATABASE_FILE, SqliteStore } from '../core/store/sqlite-store.ts';

const { values: args } = parseArgs({
  options: {
    spans: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '512' },
    concurrency: { type: 'string', default: '4' },
    durability: { type: 'string', default: 'full' },
    dir: { type: 'string' },
    queries: { type: 'string', default: '2000' },
  },
});
const TOTAL = Number(args.spans);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const DURABILITY = args.durability === 'normal' ? 'normal' : 'full';
const QUERIES = Number(args.queries);

let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
function hex(chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) out += '0123456789abcdef'[Math.floor(random() * 16)];
  return out;
}

const SERVICES = [
  { name: 'shop', ops: ['POST /checkout', 'GET /cart', 'order.create', 'SELECT orders'] },
  { name: 'payment', ops: ['POST /payments', 'psp.authorize', 'payment.capture', 'INSERT payments'] },
  { name: 'inventory', ops: ['inventory.lock', 'SELECT stock', 'UPDATE stock', 'kafka.produce inventory'] },
  { name: 'wms', ops: ['pick', 'pack', 'label.print', 'kafka.consume orders'] },
  { name: 'tms', ops: ['carrier.book', 'GET /tracking', 'shipment.update'] },
  { name: 'crm', ops: ['customer.lookup', 'notify.email'] },
] as const;
const EVENTS = ['order.created', 'payment.succeeded', 'inventory.locked', 'package.packed', 'carrier.picked_up'];

function makeSpan(traceId: string, orderId: string, paymentRef: string, startNs: bigint, index: number, parentSpanId: string): Span {
  const service = pick(SERVICES);
  const durationNs = BigInt(Math.floor(200_000 + random() * 400_000_000));
  const attributes: Span['attributes'] = {
    'order.id': orderId,
    'http.request.method': 'POST',
    'http.route': '/api/v1/orders/{id}',
    'http.response.status_code': { int: random() < 0.97 ? '200' : '500' },
    'net.peer.name': `${service.name}-db.internal`,
    'db.system': 'postgresql',
    'thread.id': { int: String(Math.floor(random() * 200)) },
  };
  if (index === 0) attributes['order.event'] = pick(EVENTS);
  if (service.name === 'payment') attributes['payment.reference'] = paymentRef;
  const instance = Math.floor(random() * 3);
  return {
    traceId,
    spanId: hex(16),
    parentSpanId,
    traceState: '',
    name: pick(service.ops),
    kind: 1 + Math.floor(random() * 5),
    startTimeUnixNano: startNs.toString(),
    endTimeUnixNano: (startNs + durationNs).toString(),
    attributes,
    droppedAttributesCount: 0,
    events: random() < 0.1 ? [{ timeUnixNano: (startNs + 1000n).toString(), name: 'retry', attributes: { attempt: { int: '1' } }, droppedAttributesCount: 0 }] : [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: random() < 0.03 ? { code: 2, message: 'upstream failed' } : { code: 0, message: '' },
    flags: 1,
    service: service.name,
    // A fresh object per span, as decoded from a bus message.
    resource: {
      attributes: {
        'service.name': service.name,
        'service.version': '2.14.1',
        'service.instance.id': `${service.name}-${instance}`,
        'host.name': `node-${instance}.prod.internal`,
        'deployment.environment.name': 'production',
        'telemetry.sdk.name': 'opentelemetry',
        'telemetry.sdk.language': 'java',
        'telemetry.sdk.version': '1.44.1',
      },
      droppedAttributesCount: 0,
    },
    scope: { name: 'io.opentelemetry.spring-webmvc-6.0', version: '2.10.0-alpha', attributes: {}, droppedAttributesCount: 0 },
    orderId,
  };
}

/** Traces of 8–20 spans, 64 in progress at a time, so a batch mixes spans of many traces. */
function generate(total: number): { spans: Span[]; traceIds: string[]; orderIds: string[] } {
  const spans: Span[] = [];
  const traceIds: string[] = [];
  const orderIds: string[] = [];
  let clock = BigInt(Date.now() - 3_600_000) * 1_000_000n;
  const active: Array<{ traceId: string; orderId: string; paymentRef: string; left: number; index: number; root: string }> = [];
  while (spans.length < total) {
    while (active.length < 64) {
      const traceId = hex(32);
      const orderId = `ORD-${hex(12)}`;
      traceIds.push(traceId);
      orderIds.push(orderId);
      active.push({ traceId, orderId, paymentRef: `PAY-${hex(10)}`, left: 8 + Math.floor(random() * 13), index: 0, root: '' });
    }
    const slot = Math.floor(random() * active.length);
    const t = active[slot]!;
    clock += BigInt(Math.floor(random() * 40_000));
    const span = makeSpan(t.traceId, t.orderId, t.paymentRef, clock, t.index, t.root);
    if (t.index === 0) t.root = span.spanId;
    t.index++;
    spans.push(span);
    if (--t.left === 0) active.splice(slot, 1);
  }
  return { spans, traceIds, orderIds };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function latency(label: string, n: number, run: (i: number) => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await run(i);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(34)} p50 ${percentile(times, 50).toFixed(3)} ms   p99 ${percentile(times, 99).toFixed(3)} ms`);
}

const dataDir = args.dir ?? mkdtempSync(join(tmpdir(), 'ot-bench-store-'));
console.log(`generating ${TOTAL} spans…`);
const { spans, traceIds, orderIds } = generate(TOTAL);
const store = await SqliteStore.open({ dataDir, durability: DURABILITY, keyAttributes: ['payment.reference', 'return.id'] });
try {
  let inWrite = 0;
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let offset = 0; offset < spans.length; offset += BATCH) {
    const before = performance.now();
    const write = store.write({ spans: spans.slice(offset, offset + BATCH) });
    inWrite += performance.now() - before;
    const tracked = write.then(() => {
      inFlight.delete(tracked);
    });
    inFlight.add(tracked);
    if (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  const bytes = statSync(join(dataDir, DATABASE_FILE)).size + (statSync(join(dataDir, `${DATABASE_FILE}-wal`), { throwIfNoEntry: false })?.size ?? 0);
  console.log(
    `write: ${TOTAL} spans, batches of ${BATCH}, ${CONCURRENCY} in flight, durability ${DURABILITY}: ` +
      `${Math.round(TOTAL / seconds).toLocaleString('en')} spans/s (${seconds.toFixed(2)} s); ` +
      `main thread in write(): ${((inWrite * 1000) / TOTAL).toFixed(2)} µs/span; ${(bytes / TOTAL).toFixed(0)} bytes/span on disk`,
  );

  const someTrace = (i: number) => traceIds[Math.floor((i * 7919) % traceIds.length)]!;
  const someOrder = (i: number) => orderIds[Math.floor((i * 7919) % orderIds.length)]!;
  await latency('getTrace', QUERIES, (i) => store.getTrace(someTrace(i)));
  await latency('getOrder', QUERIES, (i) => store.getOrder(someOrder(i)));
  await latency('resolveOrderKey (trace id)', QUERIES, (i) => store.resolveOrderKey(someTrace(i)));
  await latency('searchSpans service+error, limit 20', 200, (i) => store.searchSpans({ service: SERVICES[i % SERVICES.length]!.name, status: 'error', limit: 20 }));
  await latency('searchSpans attribute, limit 20', 200, (i) =>
    store.searchSpans({ attributes: { 'order.id': someOrder(i) }, limit: 20 }),
  );
} finally {
  await store.close();
  if (!args.dir) rmSync(dataDir, { recursive: true, force: true });
}
