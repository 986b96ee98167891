// Shared by the fault tests (and bench/pipeline.ts): the real distributed mode as three CLI processes —
// `node cli/main.ts collector|ingester|query-api --bus kafka --store clickhouse …` — on the dev Kafka and
// ClickHouse, a fresh ClickHouse database per run; a load generator posting pre-encoded OTLP/protobuf
// requests (bench/otlp-template.ts, unique order IDs per run); and the exactly-once check through the
// query API. The CLI has no consumer-group setting, so the ingesters share the group `ordertrace-ingester`
// and the topics; before an ingester starts, the group's offsets are placed at the topics' current end,
// so earlier runs' messages are not replayed into this run's database.
import { INGESTER_GROUP } from '../../collector/ingester.ts';
import type { TraceTemplate } from '../../bench/otlp-template.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, rawRows, requireClickHouse } from '../clickhouse/server.ts';
import { brokers, requireBroker } from '../kafka/broker.ts';
import { freePort } from '../helpers/all-in-one.ts';
import { apiClient, type ApiClient } from '../helpers/api-client.ts';
import { startGroupAtEnd } from '../helpers/distributed.ts';
import { spawnCli, type CliProcess } from '../helpers/process.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const KAFKA = ['--bus', 'kafka', '--kafka-brokers', brokers.join(',')];

async function stopProcess(proc: CliProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  const forced = setTimeout(() => proc.child.kill('SIGKILL'), 20_000);
  await proc.exited;
  clearTimeout(forced);
}

export interface Pipeline extends ApiClient {
  database: string;
  otlpUrl: string;
  ingesterUrl: string;
  collector: CliProcess;
  ingester: CliProcess | undefined;
  queryApi: CliProcess;
  /** Spawns an ingester (again) on the same status port and waits until it runs. */
  startIngester(): Promise<CliProcess>;
  /** SIGKILL (kill -9) of the ingester process. */
  killIngester(): Promise<void>;
  /** Ingester /metrics as name{labels} → value. */
  ingesterMetrics(): Promise<Map<string, number>>;
  /** Stops the processes and drops the database (unless keepDatabase). */
  dispose(options?: { keepDatabase?: boolean }): Promise<void>;
}

export interface PipelineOptions {
  /** Start the ingester now (default true); else call startIngester() later. */
  ingester?: boolean;
  logLevel?: string;
  /** Echo the processes' output to this process (default false: kept and shown on failure). */
  inherit?: boolean;
  /** Extra node flags for every role process (e.g. --cpu-prof for a benchmark profile). */
  nodeArgs?: string[];
}

export async function startPipeline(purpose: string, options: PipelineOptions = {}): Promise<Pipeline> {
  await requireBroker();
  await requireClickHouse();
  const database = freshDatabase(purpose);
  const logLevel = ['--log-level', options.logLevel ?? 'warn'];
  const store = ['--store', 'clickhouse', '--clickhouse-url', CLICKHOUSE_URL, '--clickhouse-database', database];
  const [otlpPort, metricsPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const node = process.execPath;
  const spawned: CliProcess[] = [];
  const spawnRole = (args: string[]) => {
    const proc = spawnCli(node, [...(options.nodeArgs ?? []), 'cli/main.ts', ...args, '--host', '127.0.0.1', ...logLevel]);
    if (options.inherit) {
      proc.child.stdout!.pipe(process.stdout);
      proc.child.stderr!.pipe(process.stderr);
    }
    spawned.push(proc);
    return proc;
  };
  try {
    const collector = spawnRole(['collector', ...KAFKA, '--otlp-port', String(otlpPort), '--otlp-grpc-port', '0']);
    const queryApi = spawnRole(['query-api', ...store, '--http-port', String(httpPort)]);
    await collector.waitFor(/collector is running/, 60_000);
    await queryApi.waitFor(/query API is running/, 60_000); // it also creates and migrates the database
    const pipeline: Pipeline = {
      ...apiClient(`http://127.0.0.1:${httpPort}`, 120_000),
      database,
      otlpUrl: `http://127.0.0.1:${otlpPort}`,
      ingesterUrl: `http://127.0.0.1:${metricsPort}`,
      collector,
      queryApi,
      ingester: undefined,
      async startIngester() {
        const ingester = spawnRole(['ingester', ...KAFKA, ...store, '--metrics-port', String(metricsPort)]);
        pipeline.ingester = ingester;
        await ingester.waitFor(/ingester is running/, 60_000);
        return ingester;
      },
      async killIngester() {
        await stopProcess(pipeline.ingester, 'SIGKILL');
      },
      async ingesterMetrics() {
        const text = await (await fetch(`${pipeline.ingesterUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
        const metrics = new Map<string, number>();
        for (const line of text.split('\n')) {
          const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
          if (match) metrics.set(match[1]!, Number(match[2]));
        }
        return metrics;
      },
      async dispose(how = {}) {
        for (const proc of spawned.reverse()) await stopProcess(proc);
        if (!how.keepDatabase) await dropDatabase(database).catch(() => undefined);
      },
    };
    await startGroupAtEnd(INGESTER_GROUP); // the shared group must be empty
    if (options.ingester !== false) await pipeline.startIngester();
    return pipeline;
  } catch (error) {
    for (const proc of spawned.reverse()) await stopProcess(proc);
    await dropDatabase(database).catch(() => undefined);
    throw new Error(`${String(error)}\n${spawned.map((p) => p.output()).join('\n---\n')}`);
  }
}

// ---- load ----

export interface RequestResult {
  r: number;
  status: number;
  retryAfter: string | null;
  ms: number;
  /** Wall-clock time the request was sent (Date.now()). */
  sentAt: number;
  error?: string;
}

export interface Load {
  results: RequestResult[];
  /** Request numbers answered 200. */
  acked(): number[];
  /** Resolves when every worker is done (after `count` requests, or stop()). */
  finished: Promise<RequestResult[]>;
  stop(): Promise<RequestResult[]>;
}

/**
 * Posts template requests r = first, first+1, … from `concurrency` workers, at most `perSecond` requests
 * a second overall (0 = as fast as answered), until stop() or `count` requests were sent. A request is
 * aborted after `timeoutMs` (recorded as status 0: a hang).
 */
export function startLoad(otlpUrl: string, template: TraceTemplate, options: { concurrency?: number; perSecond?: number; count?: number; first?: number; timeoutMs?: number } = {}): Load {
  const results: RequestResult[] = [];
  const concurrency = options.concurrency ?? 4;
  const interval = options.perSecond ? 1000 / options.perSecond : 0;
  const end = (options.first ?? 0) + (options.count ?? Number.MAX_SAFE_INTEGER);
  let next = options.first ?? 0;
  let running = true;
  const started = performance.now();
  const worker = async () => {
    while (running && next < end) {
      const r = next++;
      if (interval > 0) {
        const due = started + (r - (options.first ?? 0)) * interval;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const body = template.build(r);
      const sentAt = Date.now();
      const t0 = performance.now();
      try {
        const res = await fetch(`${otlpUrl}/v1/traces`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-protobuf' },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
        await res.arrayBuffer();
        results.push({ r, status: res.status, retryAfter: res.headers.get('retry-after'), ms: performance.now() - t0, sentAt });
      } catch (error) {
        results.push({ r, status: 0, retryAfter: null, ms: performance.now() - t0, sentAt, error: String(error) });
        await sleep(100);
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    results,
    finished: Promise.all(workers).then(() => results),
    acked: () => results.filter((x) => x.status === 200).map((x) => x.r),
    async stop() {
      running = false;
      await Promise.all(workers);
      return results;
    },
  };
}

// ---- checks ----

/** Distinct spans (trace ID, span ID) and all span rows physically in the run's database. */
export async function storedSpanRows(database: string): Promise<{ distinct: number; rows: number }> {
  const [row] = await rawRows<{ distinct: string; rows: string }>(
    `SELECT uniqExact(trace_id, span_id) AS distinct, count() AS rows FROM \`${database}\`.spans`,
  );
  return { distinct: Number(row!.distinct), rows: Number(row!.rows) };
}

/** Waits until the database holds every acknowledged span (checked with SQL, then through the API). */
export async function waitStored(pipeline: Pipeline, template: TraceTemplate, acked: number[], timeoutMs: number): Promise<void> {
  const inList = (rs: number[]) => rs.map((r) => `'${template.traceId(r, 0)}'`).join(',');
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < acked.length; i += 2000) {
    const chunk = acked.slice(i, i + 2000);
    for (;;) {
      const [row] = await rawRows<{ n: string }>(`SELECT uniqExact(trace_id, span_id) AS n FROM \`${pipeline.database}\`.spans WHERE trace_id IN (${inList(chunk)})`).catch(() => [{ n: '-1' }]);
      if (Number(row!.n) >= chunk.length * template.spansPerTrace) break;
      if (Date.now() > deadline) throw new Error(`acknowledged spans not stored within ${timeoutMs} ms: ${row!.n} of the first traces' spans of ${chunk.length} requests`);
      await sleep(500);
    }
  }
}

async function inParallel<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export interface ExactlyOnceReport {
  tracesChecked: number;
  ordersChecked: number;
  searchItems: number;
  searchPages: number;
  ms: number;
}

/**
 * Every span of every acknowledged request appears exactly once through the query API:
 * GET /api/v1/traces/{id} of every acknowledged trace has exactly its spans, each once; every order in
 * `orderSample` requests has exactly its spans; and the search `attr.test.run=<run>` (all pages) lists
 * every acknowledged span exactly once and nothing twice.
 */
export async function checkExactlyOnce(pipeline: Pipeline, template: TraceTemplate, acked: number[], orderSample = 50): Promise<ExactlyOnceReport> {
  const started = Date.now();
  const problems: string[] = [];
  const traces = acked.flatMap((r) => Array.from({ length: template.tracesPerRequest }, (_, t) => [r, t] as const));
  const expected = new Map<string, Set<string>>(); // traceId → its span keys
  for (const r of acked) {
    for (const key of template.spanKeys(r)) {
      const traceId = key.slice(0, 32);
      let set = expected.get(traceId);
      if (!set) expected.set(traceId, (set = new Set()));
      set.add(key);
    }
  }
  await inParallel(traces, 8, async ([r, t]) => {
    const traceId = template.traceId(r, t);
    const res = await pipeline.get(`/api/v1/traces/${traceId}`);
    const keys = res.status === 200 ? (res.body.spans as Array<{ traceId: string; spanId: string }>).map((s) => `${s.traceId}/${s.spanId}`) : [];
    const want = expected.get(traceId)!;
    if (res.status !== 200 || keys.length !== want.size || new Set(keys).size !== keys.length || !keys.every((k) => want.has(k))) {
      if (problems.length < 20) problems.push(`trace ${traceId} (request ${r}): status ${res.status}, ${keys.length} spans (${new Set(keys).size} distinct), expected ${want.size}`);
      else problems.push('…');
    }
  });
  const sampled = acked.filter((_, i) => i % Math.max(1, Math.floor(acked.length / orderSample)) === 0).slice(0, orderSample);
  await inParallel(sampled, 4, async (r) => {
    const orderId = template.orderId(r, 0);
    const res = await pipeline.get(`/api/v1/orders/${orderId}`);
    const keys = res.status === 200 ? (res.body.spans as Array<{ traceId: string; spanId: string }>).map((s) => `${s.traceId}/${s.spanId}`) : [];
    if (res.status !== 200 || keys.length !== template.spansPerTrace || new Set(keys).size !== keys.length) {
      problems.push(`order ${orderId}: status ${res.status}, ${keys.length} spans (${new Set(keys).size} distinct), expected ${template.spansPerTrace}`);
    }
  });
  // Search (newest first, paginated) over the whole run: every span once.
  const seen = new Map<string, number>();
  let pages = 0;
  let items = 0;
  for (let cursor: string | null = null; ; ) {
    const res = await pipeline.get(`/api/v1/spans?attr.test.run=${template.runId}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (res.status !== 200) throw new Error(`search failed: ${res.status} ${JSON.stringify(res.body)}`);
    pages += 1;
    for (const s of res.body.items as Array<{ traceId: string; spanId: string }>) {
      const key = `${s.traceId}/${s.spanId}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      items += 1;
    }
    cursor = res.body.nextCursor;
    if (!cursor) break;
  }
  const twice = [...seen].filter(([, n]) => n > 1);
  if (twice.length > 0) problems.push(`search lists ${twice.length} spans more than once, e.g. ${twice.slice(0, 3).map(([k, n]) => `${k}×${n}`).join(', ')}`);
  let missing = 0;
  for (const set of expected.values()) for (const key of set) if (!seen.has(key)) missing += 1;
  if (missing > 0) problems.push(`search misses ${missing} acknowledged spans`);
  if (problems.length > 0) throw new Error(`exactly-once check failed:\n${problems.join('\n')}`);
  return { tracesChecked: traces.length, ordersChecked: sampled.length, searchItems: items, searchPages: pages, ms: Date.now() - started };
}

export function summarise(results: RequestResult[]): Record<string, number> {
  const byStatus: Record<string, number> = {};
  for (const x of results) byStatus[String(x.status)] = (byStatus[String(x.status)] ?? 0) + 1;
  return byStatus;
}
