import http from 'node:http';
import { createClient } from '@clickhouse/client';
const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
function q(sql: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: 18123, path: '/?default_format=JSONEachRow', method: 'POST', agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString()));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(sql);
  });
}
const c = createClient({ url: 'http://127.0.0.1:18123', keep_alive: { enabled: true, idle_socket_ttl: 2000 } });
const p = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return `p50=${s[Math.floor(s.length / 2)]!.toFixed(3)}`; };
const a: number[] = [], b: number[] = [], d: number[] = [];
for (let i = 0; i < 300; i++) {
  let t = performance.now(); await q('SELECT 1 FORMAT JSONEachRow'); a.push(performance.now() - t);
  t = performance.now(); await (await c.query({ query: 'SELECT 1', format: 'JSONEachRow' })).json(); b.push(performance.now() - t);
  t = performance.now(); await (await c.query({ query: 'SELECT 1', format: 'JSONEachRow' })).text(); d.push(performance.now() - t);
}
console.log('raw', p(a), 'client json', p(b), 'client text', p(d));
await c.close(); agent.destroy();
