import { Connection } from './core/store/clickhouse/connection.ts';
import { lookupQuery, spansInRangesQuery } from './core/store/clickhouse/queries.ts';
const DB = 'ot_test_latency_mwvpd737_2022d46a';
const conn = new Connection({ url: 'http://127.0.0.1:18123' });
const traces = (await conn.rows<{ trace_id: string }>(`SELECT trace_id FROM ${DB}.spans WHERE service = 'shop' LIMIT 300 BY trace_id LIMIT 300`, 'x')).map((r) => r.trace_id);
const sample = (await conn.rows<{ trace_id: string }>(`SELECT DISTINCT trace_id FROM ${DB}.spans SAMPLE 1 WHERE cityHash64(trace_id) % 2000 = 1 LIMIT 300`, 'x').catch(() => [])).map((r) => r.trace_id);
const ids = sample.length ? sample : traces;
const p = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return `p50=${s[Math.floor(s.length / 2)]!.toFixed(2)} p90=${s[Math.floor(s.length * 0.9)]!.toFixed(2)}`; };
const tl: number[] = [], ts: number[] = [], t1: number[] = [];
for (const id of ids) {
  let t = performance.now();
  await conn.rows('SELECT 1', 'x');
  t1.push(performance.now() - t);
  t = performance.now();
  const rows = await conn.rows<any>(lookupQuery(DB, [id], [1, 2]), 'x');
  tl.push(performance.now() - t);
  t = performance.now();
  const ranges = rows.filter((r) => r.kind === 1).map((r) => ({ day: r.day, service: r.service, lo: r.lo, hi: r.hi }));
  await conn.rows(spansInRangesQuery(DB, [id], ranges), 'x');
  ts.push(performance.now() - t);
}
console.log('select1', p(t1), 'lookup', p(tl), 'spans', p(ts), ids.length);
await conn.close();
