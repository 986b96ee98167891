// kill -9 right after acknowledgements: after a restart every acknowledged span is queryable, because
// the collector acked only after the bus commit and the bus redelivers what the ingester had not committed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildTraceRequest } from '../../bench/otlp-fixtures.ts';
import { freePort } from '../helpers/all-in-one.ts';
import { spawnAllInOne } from '../helpers/process.ts';

describe('durability', () => {
  it('keeps every acknowledged span across kill -9', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ot-kill-'));
    const ports = { http: await freePort(), otlp: await freePort() };
    const first = spawnAllInOne(dataDir, ports);
    await first.waitFor(/OTLP\/HTTP/);

    // 40 requests × 64 spans, 8 at a time; each request's spans belong to orders ORD-BENCH-<i*1000 + k>.
    const acked: number[] = [];
    const baseMs = Date.now() - 60_000;
    for (let wave = 0; wave < 5; wave++) {
      await Promise.all(Array.from({ length: 8 }, async (_, j) => {
        const i = wave * 8 + j;
        const res = await fetch(`http://127.0.0.1:${ports.otlp}/v1/traces`, {
          method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: buildTraceRequest(i, 64, baseMs),
        });
        if (res.status === 200) acked.push(i);
      }));
    }
    first.child.kill('SIGKILL');
    await first.exited;
    expect(acked).toHaveLength(40);

    const second = spawnAllInOne(dataDir, ports);
    try {
      await second.waitFor(/OTLP\/HTTP/);
      // Each request carries 4 orders of 16 spans; every one must be complete after the restart.
      const missing = async () => {
        const gaps: string[] = [];
        for (const i of acked) {
          for (let t = 0; t < 4; t++) {
            const res = await fetch(`http://127.0.0.1:${ports.http}/api/v1/orders/ORD-BENCH-${i * 1000 + t}`);
            const body = res.status === 200 ? ((await res.json()) as { spans: unknown[] }) : { spans: [] };
            if (body.spans.length !== 16) gaps.push(`ORD-BENCH-${i * 1000 + t}: ${body.spans.length}`);
          }
        }
        return gaps;
      };
      const deadline = Date.now() + 30_000;
      let gaps = await missing();
      while (gaps.length > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        gaps = await missing();
      }
      expect(gaps).toEqual([]);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 120_000);
});
