// npm run bench:ingest [-- --seconds 20 --concurrency 8 --spans 512]
// Starts all-in-one (durability full, no demo) in a child process, then posts pre-encoded OTLP/protobuf
// batches over keep-alive HTTP from this process (same machine, so it competes for the 2 cores) and
// prints acknowledged spans/s, plus how long the ingester took to make them queryable.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildTraceRequest } from './otlp-fixtures.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '8' },
    spans: { type: 'string', default: '512' },
    requests: { type: 'string', default: '64' },
    profile: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const spansPerRequest = Number(values.spans);
const otlpPort = 24318;
const httpPort = 28080;
const dataDir = mkdtempSync(join(tmpdir(), 'ot-bench-'));

console.log(`encoding ${values.requests} distinct requests of ${spansPerRequest} spans…`);
const baseMs = Date.now() - 60_000;
const bodies = Array.from({ length: Number(values.requests) }, (_, i) => Buffer.from(buildTraceRequest(i, spansPerRequest, baseMs)));
console.log(`request size ≈ ${(bodies[0]!.length / 1024).toFixed(0)} KiB`);

// --profile DIR writes a V8 CPU profile of the server (open in Chrome DevTools, or summarise with bench/profile-top.ts).
const profileArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
const server = spawn(process.execPath, [
  ...profileArgs, 'cli/main.ts', 'start', '--no-demo', '--data-dir', dataDir, '--otlp-port', String(otlpPort), '--http-port', String(httpPort),
  '--otlp-grpc-port', '0', '--log-level', 'warn', '--durability', 'full',
], { stdio: ['ignore', 'inherit', 'inherit'] });

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function request(method: string, port: number, path: string, body?: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent, headers: body ? { 'content-type': 'application/x-protobuf', 'content-length': body.length } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function waitReady(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await request('GET', otlpPort, '/healthz')).status === 200) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('all-in-one did not start');
}

try {
  await waitReady();
  let acked = 0;
  let refused = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const body = bodies[next++ % bodies.length]!;
      const res = await request('POST', otlpPort, '/v1/traces', body);
      if (res.status === 200) acked += spansPerRequest;
      else refused++;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  console.log(`acknowledged ${acked} spans in ${elapsed.toFixed(1)} s → ${Math.round(acked / elapsed).toLocaleString('en')} spans/s (durability full, ${concurrency} connections, ${refused} refused)`);

  // Queryable: the last request's traces are in the store once the ingester caught up.
  const lastTrace = `ORD-BENCH-${((next - 1) % bodies.length) * 1000}`;
  const drainStart = performance.now();
  for (;;) {
    const res = await request('GET', httpPort, `/api/v1/orders/${lastTrace}`);
    if (res.status === 200) break;
    if (performance.now() - drainStart > 120_000) throw new Error('ingester did not catch up within 120 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  const drain = (performance.now() - drainStart) / 1000;
  console.log(`ingester backlog drained ${drain.toFixed(1)} s after the load stopped → end-to-end ≈ ${Math.round(acked / (elapsed + drain)).toLocaleString('en')} spans/s stored`);
} finally {
  if (server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const forced = setTimeout(() => server.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(forced);
  }
  agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
