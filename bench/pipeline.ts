// npm run bench:pipeline [-- --spans 10000000 --seconds 20 --concurrency 8 --spans-per-request 512 --queries 400 --keep
//                          --cpu-prof-dir DIR (a CPU profile per role process; summarise with bench/profile-top.ts)]
// The production path end to end on this machine: `ordertrace collector`, `ingester` and `query-api` as
// separate processes (node cli/main.ts …) on the dev Kafka (127.0.0.1:19092) and ClickHouse
// (http://127.0.0.1:18123, a fresh database), everything sharing the cores with this load generator.
//  1. throughput: posts distinct pre-encoded OTLP/protobuf requests (bench/otlp-template.ts) for
//     --seconds over keep-alive HTTP; prints acknowledged spans/s and end-to-end stored spans/s;
//  2. loads up to --spans spans in total (default 10M), printing progress;
//  3. trace-by-ID and order-by-ID latency p50/p99 (random loaded traces/orders) on the idle system,
//  4. and again while ingest runs at full speed.
// Needs the services up: `bash deploy/dev/services.sh up`.
import http from 'node:http';
import { parseArgs } from 'node:util';
import { CpuMeter, devServicePid } from './process-cpu.ts';
import { newRunId, traceTemplate, type TraceTemplate } from './otlp-template.ts';
import { startPipeline, type Pipeline } from '../test/faults/pipeline.ts';
import { rawRows } from '../test/clickhouse/server.ts';

const { values } = parseArgs({
  options: {
    spans: { type: 'string', default: '10000000' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    'spans-per-request': { type: 'string', default: '512' },
    queries: { type: 'string', default: '400' },
    keep: { type: 'boolean', default: false },
    'cpu-prof-dir': { type: 'string' },
  },
});
const targetSpans = Number(values.spans);
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const spansPerRequest = Number(values['spans-per-request']);
const queries = Number(values.queries);

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency + 4 });

function request(url: string, method = 'GET', body?: Buffer): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body ? { 'content-type': 'application/x-protobuf', 'content-length': body.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts requests r = next… until `until()` says stop; returns counters that grow as it goes. */
function pump(p: Pipeline, template: TraceTemplate, state: { next: number; acked: number[]; refused: number }, until: () => boolean): Promise<void> {
  return Promise.all(Array.from({ length: concurrency }, async () => {
    while (!until()) {
      const r = state.next++;
      const res = await request(`${p.otlpUrl}/v1/traces`, 'POST', template.build(r)).catch(() => ({ status: 0 }));
      if (res.status === 200) state.acked.push(r);
      else {
        state.refused += 1;
        await sleep(50);
      }
    }
  })).then(() => undefined);
}

async function insertedSpans(p: Pipeline): Promise<number> {
  const m = await p.ingesterMetrics().catch(() => new Map<string, number>());
  return m.get('ordertrace_ingester_inserted_total{signal="spans"}') ?? 0;
}

/** Waits until the ingester wrote `spans` spans (redelivered ones count again, so this is a lower bound). */
async function drained(p: Pipeline, spans: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await insertedSpans(p)) < spans) {
    if (Date.now() > deadline) throw new Error(`ingester did not catch up within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;

async function latency(p: Pipeline, template: TraceTemplate, acked: number[], label: string): Promise<void> {
  const pick = () => [acked[Math.floor(Math.random() * acked.length)]!, Math.floor(Math.random() * template.tracesPerRequest)] as const;
  for (const [kind, path] of [
    ['trace by ID', (r: number, t: number) => `/api/v1/traces/${template.traceId(r, t)}`],
    ['order by ID', (r: number, t: number) => `/api/v1/orders/${template.orderId(r, t)}`],
  ] as const) {
    for (let i = 0; i < 10; i++) await request(p.apiUrl + path(...pick())); // warm-up
    const ms: number[] = [];
    let bad = 0;
    for (let i = 0; i < queries; i++) {
      const started = performance.now();
      const res = await request(p.apiUrl + path(...pick()));
      ms.push(performance.now() - started);
      if (res.status !== 200 || JSON.parse(res.body.toString()).spans?.length !== template.spansPerTrace) bad += 1;
    }
    ms.sort((a, b) => a - b);
    console.log(`${label.padEnd(14)} ${kind}: p50 ${pct(ms, 0.5).toFixed(1)} ms, p99 ${pct(ms, 0.99).toFixed(1)} ms, max ${ms.at(-1)!.toFixed(1)} ms (${queries} queries${bad ? `, ${bad} WRONG ANSWERS` : ''})`);
  }
}

const template = traceTemplate({ runId: newRunId(), spansPerRequest, baseMs: Date.now() - 3_600_000, stepMs: spansPerRequest / 50 });
console.log(`request: ${spansPerRequest} spans (${template.tracesPerRequest} traces/orders of ${template.spansPerTrace}), ${(template.size / 1024).toFixed(0)} KiB protobuf; ${concurrency} connections`);
const setupStarted = Date.now();
const pipeline = await startPipeline('bench', {
  logLevel: 'warn',
  inherit: true,
  ...(values['cpu-prof-dir'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof-dir']}`] } : {}),
});
console.log(`collector, ingester, query-api started in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s (database ${pipeline.database})`);
const state = { next: 0, acked: [] as number[], refused: 0 };
const cpu = new CpuMeter({
  'load generator': process.pid,
  collector: pipeline.collector.child.pid,
  ingester: pipeline.ingester?.child.pid,
  clickhouse: devServicePid('clickhouse'),
  kafka: devServicePid('kafka'),
});
try {
  // 1. Throughput.
  const cpuBefore = cpu.snapshot();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  await pump(pipeline, template, state, () => performance.now() >= end);
  const elapsed = (performance.now() - t0) / 1000;
  const ackedSpans = state.acked.length * spansPerRequest;
  console.log(`acknowledged ${fmt(ackedSpans)} spans in ${elapsed.toFixed(1)} s → ${fmt(ackedSpans / elapsed)} spans/s acknowledged (${state.refused} refused)`);
  const drainStart = performance.now();
  await drained(pipeline, ackedSpans, 600_000);
  const drain = (performance.now() - drainStart) / 1000;
  console.log(`stored: ingester caught up ${drain.toFixed(1)} s after the load stopped → ${fmt(ackedSpans / (elapsed + drain))} spans/s end to end (acknowledged and stored)`);
  // What each process spent per span: comparable across runs even when the machine is shared.
  console.log(cpu.perUnit(cpuBefore, ackedSpans));

  // 2. Load up to --spans.
  const loadStarted = performance.now();
  const loadFrom = ackedSpans;
  let lastPrint = performance.now();
  const loading = pump(pipeline, template, state, () => state.acked.length * spansPerRequest >= targetSpans);
  let done = false;
  void loading.then(() => { done = true; });
  while (!done) {
    await sleep(250);
    if (performance.now() - lastPrint >= 10_000 || done) {
      lastPrint = performance.now();
      const acked = state.acked.length * spansPerRequest;
      const rate = (acked - loadFrom) / ((performance.now() - loadStarted) / 1000);
      const inserted = await insertedSpans(pipeline);
      console.log(`  loading: ${fmt(acked)} / ${fmt(targetSpans)} acknowledged (${fmt(rate)} spans/s), ${fmt(inserted)} written by the ingester; ETA ${fmt((targetSpans - acked) / rate)} s`);
    }
  }
  const loaded = state.acked.length * spansPerRequest;
  await drained(pipeline, loaded, 1_800_000);
  const loadSecs = (performance.now() - loadStarted) / 1000;
  const [row] = await rawRows<{ distinct: string; rows: string }>(`SELECT uniqExact(trace_id, span_id) AS distinct, count() AS rows FROM \`${pipeline.database}\`.spans`);
  console.log(`loaded ${fmt(loaded)} spans in ${loadSecs.toFixed(0)} s (${fmt((loaded - loadFrom) / loadSecs)} spans/s end to end); ClickHouse: ${fmt(Number(row!.distinct))} distinct spans in ${fmt(Number(row!.rows))} rows (${state.refused} requests not acknowledged so far: their spans may be stored too)`);

  // 3. Latency on the idle system.
  await sleep(2_000);
  await latency(pipeline, template, state.acked, 'idle');

  // 4. Latency under ingest load (full speed, as in 1.).
  const acked = [...state.acked];
  let stop = false;
  const before = state.acked.length;
  const started = performance.now();
  const background = pump(pipeline, template, state, () => stop);
  await sleep(2_000);
  await latency(pipeline, template, acked, 'under ingest');
  stop = true;
  await background;
  console.log(`  (ingest meanwhile: ${fmt(((state.acked.length - before) * spansPerRequest) / ((performance.now() - started) / 1000))} spans/s acknowledged)`);
} finally {
  agent.destroy();
  await pipeline.dispose({ keepDatabase: values.keep });
  if (values.keep) console.log(`kept database ${pipeline.database}`);
}
