// The data path: SELECTs (rows as JSONEachRow) and INSERTs (rows as TabSeparated, insert-format.ts) over
// a keep-alive node:http(s) agent.
//
// Why not @clickhouse/client: it awaits a setTimeout(0) before every request (≥ 1 ms, to let idle-socket
// timers run) and streams results through its ResultSet; measured against 18.16 on this machine a
// `SELECT 1` takes 2.6 ms through it and 0.8 ms here. A trace or order lookup is 2–3 dependent queries
// with a 10 ms p50 budget, so reads take this path. Inserts take it too: the client only sends JSON
// formats from objects (JSON.stringify of every row, ~30% of the ingester's time), and its insert
// stream adds a copy; DDL, where a millisecond does not matter, stays on the client (connection.ts).
//
// Sent: POST with the statement (and, for an insert, the data after it) as the body, Basic auth, the
// caller's per-query settings as URL parameters, nothing else (no session, no compression), which every
// server version accepts.
import http from 'node:http';
import https from 'node:https';
import { classifyError, isStaleSocket } from './errors.ts';

export interface ReaderOptions {
  url: string;
  username?: string;
  password?: string;
  requestTimeoutMs?: number;
  maxOpenConnections?: number;
}

/** Per-query settings, sent as URL parameters (every server version reads them there). */
export type QuerySettings = Readonly<Record<string, string | number>>;

class HttpStatusError extends Error {
  readonly http_status_code: number;
  constructor(status: number, text: string) {
    super(text || `HTTP ${status}`);
    this.http_status_code = status;
  }
}

export class HttpReader {
  private readonly url: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;

  constructor(options: ReaderOptions) {
    this.url = new URL(options.url);
    const secure = this.url.protocol === 'https:';
    const agentOptions = { keepAlive: true, maxSockets: options.maxOpenConnections ?? 10, maxFreeSockets: options.maxOpenConnections ?? 10 };
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.request = secure ? https.request : http.request;
    const auth = Buffer.from(`${options.username ?? 'default'}:${options.password ?? ''}`).toString('base64');
    this.headers = { Authorization: `Basic ${auth}`, 'Content-Type': 'text/plain; charset=utf-8' };
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Rows of a SELECT (JSONEachRow: 64-bit integers arrive as decimal strings). Retried once on a stale socket. */
  async rows<T>(sql: string, what: string, settings?: QuerySettings): Promise<T[]> {
    let text: string;
    for (let attempt = 0; ; attempt++) {
      try {
        text = await this.post(`${sql}\nFORMAT JSONEachRow`, undefined, settings);
        break;
      } catch (error) {
        if (attempt === 0 && isStaleSocket(error)) continue;
        throw classifyError(error, what);
      }
    }
    const rows: T[] = [];
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      if (end > start) {
        try {
          rows.push(JSON.parse(text.slice(start, end)) as T);
        } catch {
          // An exception after the response started streaming is appended to the body as text.
          throw classifyError(new Error(text.slice(start, start + 2_000)), what);
        }
      }
      start = end + 1;
    }
    return rows;
  }

  /**
   * Runs `INSERT … FORMAT …` with its data. Retried once on a stale keep-alive socket: the server never
   * saw the request, and a repeated insert is harmless anyway (reads de-duplicate).
   */
  async insert(statement: string, data: Buffer, what: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.post(`${statement}\n`, data);
        return;
      } catch (error) {
        if (attempt === 0 && isStaleSocket(error)) continue;
        throw classifyError(error, what);
      }
    }
  }

  /** POSTs the statement (and the data after it, sent without copying them together), settings in the URL. */
  private post(statement: string, data?: Buffer, settings?: QuerySettings): Promise<string> {
    const headers = { ...this.headers, 'Content-Length': String(Buffer.byteLength(statement) + (data?.length ?? 0)) };
    const path = settings ? `${this.url.pathname}?${new URLSearchParams(Object.entries(settings).map(([k, v]): [string, string] => [k, String(v)]))}` : this.url.pathname;
    return new Promise((resolve, reject) => {
      const req = this.request(
        { protocol: this.url.protocol, hostname: this.url.hostname, port: this.url.port, path, method: 'POST', agent: this.agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode === 200) resolve(text);
            else reject(new HttpStatusError(res.statusCode ?? 0, text.trim()));
          });
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error('Timeout error.')));
      req.on('error', reject);
      if (data) req.write(statement);
      req.end(data ?? statement);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
