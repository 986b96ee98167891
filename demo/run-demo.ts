// `ordertrace demo`: backfill the fault stories and a backlog of orders (backdated), print the
// order IDs worth looking up, then place live orders at a steady rate until stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import { FAULTS, FAULT_LABELS, SERVICES, type FaultName } from './plan.ts';
import { LiveOrders, planBacklog } from './scenarios.ts';
import { Emitter } from './emit.ts';
import { createServiceTelemetry, grpcUrl, type Protocol } from './services.ts';

export interface DemoOptions {
  /** OTLP/HTTP base URL of the collector, e.g. http://127.0.0.1:4318 */
  endpoint: string;
  protocol?: Protocol;
  /** OTLP/gRPC URL (protocol 'grpc'); default: endpoint with port 4317. */
  grpcEndpoint?: string;
  /** Live orders per second (default 2). */
  ratePerSecond?: number;
  /** Stop after this many live orders (undefined: run until the signal aborts). */
  orders?: number;
  /** Reproducible plans (order IDs, timings, faults); default: random, reported in the summary. */
  seed?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Normal orders backfilled over the last 72 hours (default 200). */
  backlogOrders?: number;
  /** Normal orders backfilled in the last 20 minutes (default 24). */
  recentOrders?: number;
}

export interface DemoSummary {
  seed: number;
  endpoint: string;
  protocol: Protocol;
  /** One order ID per fault to look up. */
  examples: Record<FaultName, string>;
  /** Every order ID that demonstrates each fault. */
  faultOrders: Record<FaultName, string[]>;
  orders: { backlog: number; live: number; total: number };
  spans: { emitted: number; sent: number; failed: number };
  logs: { emitted: number; sent: number; failed: number };
  /** OTLP export requests made (traces + logs). */
  exportRequests: number;
  stoppedBy: 'count' | 'signal';
  durationMs: number;
}

/** Backfill steps per chunk; after each chunk the exporters are flushed so queues stay small. */
const BACKFILL_CHUNK = 4_000;
const TICK_MS = 100;
const PROGRESS_EVERY_MS = 30_000;

export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const began = Date.now();
  const protocol: Protocol = options.protocol ?? 'http/protobuf';
  const rate = options.ratePerSecond ?? 2;
  const seed = (options.seed ?? Math.floor(Math.random() * 0xffffffff)) >>> 0;
  const say = options.log ?? ((): void => {});
  const signal = options.signal;

  const telemetry = await createServiceTelemetry({
    endpoint: options.endpoint, protocol, grpcEndpoint: options.grpcEndpoint, seed,
    onExportError: (message) => say(`export problem: ${message}`),
  });
  const emitter = new Emitter(telemetry);
  const target = protocol === 'grpc' ? grpcUrl({ endpoint: options.endpoint, protocol, grpcEndpoint: options.grpcEndpoint }) : options.endpoint;
  say(`seed ${seed}; ${SERVICES.length} services (${SERVICES.join(', ')}) → ${target} over ${protocol}`);

  let stoppedBy: DemoSummary['stoppedBy'] = 'signal';
  let live = 0;
  const backlog = planBacklog({ now: Date.now(), seed, backlogOrders: options.backlogOrders, recentOrders: options.recentOrders });
  const examples = Object.fromEntries(FAULTS.map((f) => [f, backlog.faults[f][0] ?? ''])) as Record<FaultName, string>;
  try {
    // 1. backfill: everything planned up to now, in chunks, flushing between them
    for (const plan of backlog.plans) emitter.add(plan);
    while (!signal?.aborted) {
      const ran = emitter.pump(Date.now(), BACKFILL_CHUNK);
      await telemetry.forceFlush();
      if (ran < BACKFILL_CHUNK) break;
    }
    const oldest = Math.min(...backlog.plans.map((p) => p.createdMs));
    const c = telemetry.counters;
    say(`backfilled ${backlog.plans.length} orders placed over the last ${Math.ceil((Date.now() - oldest) / 86_400_000)} days: `
      + `${c.spansSent} spans, ${c.logsSent} log records sent; ${emitter.pending} later steps of in-flight orders will follow as they fall due`);
    say('look these orders up:');
    for (const f of FAULTS) {
      const more = backlog.faults[f].length > 1 ? ` (+${backlog.faults[f].length - 1} more)` : '';
      say(`  ${FAULT_LABELS[f]}: ${examples[f]}${more}`);
    }

    // 2. live orders at the rate (Poisson arrivals), emitted in real time
    if (!signal?.aborted) {
      const liveOrders = new LiveOrders(seed, backlog.numbering);
      const wanted = options.orders;
      const placing = rate > 0 && (wanted === undefined || wanted > 0);
      say(placing ? `live: ${rate} orders/s ${wanted === undefined ? 'until stopped' : `for ${wanted} orders`}` : 'live: no new orders; in-flight orders progress until stopped');
      let nextAt = Date.now() + (placing ? liveOrders.nextGapMs(rate) : Infinity);
      let lastProgress = Date.now();
      while (!signal?.aborted) {
        const now = Date.now();
        while (placing && nextAt <= now && (wanted === undefined || live < wanted)) {
          emitter.add(liveOrders.plan(nextAt), { live: true });
          live += 1;
          nextAt += liveOrders.nextGapMs(rate);
        }
        emitter.pump(now);
        if (wanted !== undefined && (live >= wanted || !placing) && emitter.pendingLive === 0) {
          stoppedBy = 'count';
          break;
        }
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = now;
          say(`live: ${live} orders placed; ${telemetry.counters.spansSent} spans, ${telemetry.counters.logsSent} log records sent so far`);
        }
        try {
          await sleep(TICK_MS, undefined, signal ? { signal } : undefined);
        } catch {
          break; // aborted
        }
      }
    }
  } finally {
    emitter.dropPending();
    await telemetry.forceFlush();
    await telemetry.shutdown();
  }

  const c = telemetry.counters;
  const summary: DemoSummary = {
    seed,
    endpoint: target,
    protocol,
    examples,
    faultOrders: backlog.faults,
    orders: { backlog: backlog.plans.length, live, total: backlog.plans.length + live },
    spans: { emitted: emitter.stats.spansEnded, sent: c.spansSent, failed: c.spansFailed },
    logs: { emitted: emitter.stats.logsEmitted, sent: c.logsSent, failed: c.logsFailed },
    exportRequests: c.requests,
    stoppedBy,
    durationMs: Date.now() - began,
  };
  say(`stopped (${stoppedBy}): ${summary.orders.total} orders, ${c.spansSent} spans and ${c.logsSent} log records sent`
    + (c.spansFailed + c.logsFailed > 0 ? `, ${c.spansFailed} spans and ${c.logsFailed} log records failed (${c.lastError})` : ''));
  return summary;
}
