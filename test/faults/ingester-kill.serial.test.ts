// Fault: the ingester is killed with SIGKILL (kill -9) in the middle of working off a large backlog, then
// started again. Real CLI processes (collector, ingester, query API) on the dev Kafka and ClickHouse
// (fresh database). Offsets are committed only after a ClickHouse write, so the restarted ingester
// re-writes what the killed one wrote but had not committed: nothing is lost and no duplicate is visible
// (every trace has exactly its spans, the search lists each span once), whatever ClickHouse holds twice.
// Kills only its own ingester process, but uses the shared ingester group: *.serial.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { newRunId, traceTemplate } from '../../bench/otlp-template.ts';
import { checkExactlyOnce, sleep, startLoad, startPipeline, storedSpanRows, summarise, waitStored, type Pipeline } from './pipeline.ts';

const BACKLOG_REQUESTS = 3000; // × 64 spans = 192 000 spans

let pipeline: Pipeline | undefined;
afterAll(async () => {
  await pipeline?.dispose();
}, 120_000);

describe('ingester kill -9 mid-batch', () => {
  it('loses nothing and shows no duplicate after a restart', { timeout: 360_000 }, async () => {
    pipeline = await startPipeline('ingKill', { ingester: false });
    const template = traceTemplate({ runId: newRunId(), spansPerRequest: 64, baseMs: Date.now() - 600_000 });
    const total = BACKLOG_REQUESTS * template.spansPerRequest;

    // A backlog on Kafka first (no ingester running).
    const started = Date.now();
    const load = startLoad(pipeline.otlpUrl, template, { concurrency: 8, count: BACKLOG_REQUESTS });
    const results = await load.finished;
    const acked = load.acked();
    console.log(`backlog: ${results.length} requests in ${Date.now() - started} ms ${JSON.stringify(summarise(results))}`);
    expect(acked.length).toBe(BACKLOG_REQUESTS);

    // The ingester works it off; kill -9 while it is writing (some written, most still lagging).
    await pipeline.startIngester();
    let atKill: { inserted: number; lag: number; insertsDone: number } | undefined;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const m = await pipeline.ingesterMetrics().catch(() => new Map<string, number>());
      const inserted = m.get('ordertrace_ingester_inserted_total{signal="spans"}') ?? 0;
      if (inserted >= total * 0.15) {
        await sleep(Math.random() * 150); // somewhere within the next write or its commit
        await pipeline.killIngester();
        atKill = { inserted, lag: m.get('ordertrace_ingester_consumer_lag{topic="ordertrace.spans"}') ?? -1, insertsDone: m.get('ordertrace_ingester_insert_duration_seconds_count') ?? -1 };
        break;
      }
      await sleep(50);
    }
    expect(atKill, 'the ingester never got going').toBeDefined();
    const killedAt = Date.now();
    const storedAtKill = await storedSpanRows(pipeline.database);
    console.log(`killed (SIGKILL) after ${atKill!.inserted} spans inserted in ${atKill!.insertsDone} writes, lag ${atKill!.lag} messages; ClickHouse then held ${storedAtKill.distinct} distinct spans`);
    expect(storedAtKill.distinct).toBeLessThan(total); // killed mid-backlog

    await pipeline.startIngester();
    await waitStored(pipeline, template, acked, 240_000);
    const caughtUp = Date.now() - killedAt;
    const report = await checkExactlyOnce(pipeline, template, acked);
    const rows = await storedSpanRows(pipeline.database);
    console.log(
      `after restart: all ${total} spans stored ${caughtUp} ms after the kill (includes the dead member's session timeout); ` +
        `${report.tracesChecked} traces by ID exact, ${report.ordersChecked} orders, search ${report.searchItems} in ${report.searchPages} pages (${report.ms} ms); ` +
        `ClickHouse holds ${rows.distinct} distinct spans in ${rows.rows} rows (${rows.rows - rows.distinct} redelivered duplicates hidden by the queries)`,
    );
    expect(rows.distinct).toBe(total);
    expect(report.searchItems).toBe(total);
  });
});
