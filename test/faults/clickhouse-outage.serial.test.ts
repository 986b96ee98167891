// Fault: ClickHouse stopped for 60 s while data flows. Real CLI processes (collector, ingester, query
// API) on the dev Kafka and ClickHouse (fresh database). The collector keeps acknowledging (Kafka holds
// the data); the ingester reports /readyz 503 during the outage and 200 after, keeps its consumer-group
// membership (group joins and rebalances ≤ 1, no consumer crash) and, after the restart, writes
// everything: every acknowledged span is visible exactly once.
// STOPS AND RESTARTS the shared ClickHouse: *.serial.test.ts; afterAll starts it again whatever happened.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { newRunId, traceTemplate } from '../../bench/otlp-template.ts';
import { CLICKHOUSE_URL } from '../clickhouse/server.ts';
import { checkExactlyOnce, sleep, startLoad, startPipeline, storedSpanRows, summarise, waitStored, type Pipeline } from './pipeline.ts';

const run = promisify(execFile);
const OUTAGE_MS = 60_000;

async function clickhouse(command: 'stop' | 'start'): Promise<number> {
  const started = Date.now();
  await run('bash', ['deploy/dev/clickhouse.sh', command], { timeout: 120_000 });
  return Date.now() - started;
}

let pipeline: Pipeline | undefined;
afterAll(async () => {
  await clickhouse('start');
  await pipeline?.dispose();
}, 120_000);

async function status(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

describe('ClickHouse stopped for 60 s while data flows', () => {
  it('loses nothing, reports not-ready during the outage, and keeps its group membership', { timeout: 360_000 }, async () => {
    await clickhouse('start');
    pipeline = await startPipeline('chOutage');
    const template = traceTemplate({ runId: newRunId(), spansPerRequest: 64, baseMs: Date.now() - 600_000 });
    const load = startLoad(pipeline.otlpUrl, template, { concurrency: 2, perSecond: 20 });
    await sleep(4_000);
    expect(await status(`${pipeline.ingesterUrl}/readyz`)).toBe(200);
    const before = await pipeline.ingesterMetrics();

    const stopMs = await clickhouse('stop');
    const downAt = Date.now();
    const readyz: Array<{ at: number; status: number }> = [];
    while (Date.now() - downAt < OUTAGE_MS) {
      readyz.push({ at: Date.now() - downAt, status: await status(`${pipeline.ingesterUrl}/readyz`) });
      // The services are shared: if something else started ClickHouse meanwhile, this is no outage.
      if ((await status(`${CLICKHOUSE_URL}/ping`)) === 200) {
        throw new Error(`ClickHouse answers again ${Date.now() - downAt} ms into the outage: another process started it (shared dev services); rerun when nothing else uses them`);
      }
      await sleep(1_000);
    }
    const during = await pipeline.ingesterMetrics();
    const startMs = await clickhouse('start');
    const upAt = Date.now();
    let readyAgainMs = -1;
    while (Date.now() - upAt < 60_000) {
      if ((await status(`${pipeline.ingesterUrl}/readyz`)) === 200) {
        readyAgainMs = Date.now() - upAt;
        break;
      }
      await sleep(250);
    }
    await sleep(3_000);
    const results = await load.stop();
    const acked = load.acked();

    const firstNotReady = readyz.find((x) => x.status === 503);
    const afterFirst = readyz.filter((x) => firstNotReady && x.at >= firstNotReady.at);
    console.log(
      `ClickHouse stop ${stopMs} ms, down ${OUTAGE_MS / 1000} s, start ${startMs} ms; ingester /readyz 503 from ${firstNotReady?.at ?? '-'} ms into the outage ` +
        `(${afterFirst.filter((x) => x.status === 503).length}/${afterFirst.length} samples after that), 200 again ${readyAgainMs} ms after the restart; ` +
        `collector: ${JSON.stringify(summarise(results))}; lag during outage ${during.get('ordertrace_ingester_consumer_lag{topic="ordertrace.spans"}')}, ` +
        `insert failures ${during.get('ordertrace_ingester_insert_failures_total{reason="unavailable"}')}`,
    );
    // Not ready during the outage (within 10 s, and from then on), ready after.
    expect(firstNotReady, JSON.stringify(readyz)).toBeDefined();
    expect(firstNotReady!.at).toBeLessThan(10_000);
    expect(afterFirst.every((x) => x.status === 503), JSON.stringify(readyz)).toBe(true);
    expect(readyAgainMs).toBeGreaterThanOrEqual(0);
    // The collector never needed ClickHouse.
    expect(results.every((x) => x.status === 200), JSON.stringify(summarise(results))).toBe(true);

    await waitStored(pipeline, template, acked, 120_000);
    const report = await checkExactlyOnce(pipeline, template, acked);
    const rows = await storedSpanRows(pipeline.database);
    const after = await pipeline.ingesterMetrics();
    const group = (m: Map<string, number>) => ({
      joins: m.get('ordertrace_ingester_group_joins_total'),
      rebalances: m.get('ordertrace_ingester_rebalances_total'),
      crashes: m.get('ordertrace_ingester_consumer_crashes_total'),
    });
    console.log(
      `after: ${acked.length * template.spansPerRequest} acknowledged spans; search ${report.searchItems} (${report.ms} ms check); ClickHouse ${rows.distinct} distinct in ${rows.rows} rows; ` +
        `group before ${JSON.stringify(group(before))}, during ${JSON.stringify(group(during))}, after ${JSON.stringify(group(after))}`,
    );
    expect(report.searchItems).toBe(acked.length * template.spansPerRequest);
    // No rebalance storm: the member joined once and stayed.
    expect(after.get('ordertrace_ingester_group_joins_total')).toBeLessThanOrEqual(1);
    expect(after.get('ordertrace_ingester_rebalances_total')).toBeLessThanOrEqual(1);
    expect(after.get('ordertrace_ingester_consumer_crashes_total')).toBe(0);
    expect(after.get('ordertrace_ingester_store_up')).toBe(1);
  });
});
