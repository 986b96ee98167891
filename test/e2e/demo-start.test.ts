// README command 1 as a user runs it: `ordertrace start` with demo traffic; the example orders it
// prints must have journeys on the query API within a minute.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../helpers/all-in-one.ts';
import { spawnCli } from '../helpers/process.ts';

describe('ordertrace start with the demo', () => {
  it('prints example orders whose journeys the query API returns', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ot-demo-'));
    const httpPort = await freePort();
    const proc = spawnCli(process.execPath, [
      'cli/main.ts', 'start', '--data-dir', dataDir, '--http-port', String(httpPort), '--otlp-port', String(await freePort()),
      '--otlp-grpc-port', String(await freePort()), '--demo-rate', '1', '--log-level', 'warn',
    ]);
    try {
      await proc.waitFor(/demo: .*ORD-/, 45_000);
      await new Promise((r) => setTimeout(r, 500));
      const ids = [...new Set([...proc.output().matchAll(/demo: .*?(ORD-[\w-]+)/g)].map((m) => m[1]!))];
      expect(ids.length).toBeGreaterThanOrEqual(3);
      for (const id of ids) {
        let journey: { orderId: string; stages: unknown[]; events: unknown[] } | undefined;
        const deadline = Date.now() + 30_000;
        while (!journey && Date.now() < deadline) {
          const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/orders/${id}`);
          if (res.status === 200) journey = (await res.json()) as typeof journey;
          else await new Promise((r) => setTimeout(r, 250));
        }
        expect(journey, id).toBeDefined();
        expect(journey!.orderId).toBe(id);
        expect(journey!.events.length, id).toBeGreaterThan(0);
        expect(journey!.stages.length, id).toBeGreaterThan(0);
      }
    } finally {
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    }
  }, 120_000);
});
