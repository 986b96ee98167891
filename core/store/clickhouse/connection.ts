// The store's connection to ClickHouse, speaking to both 18.16 and current servers:
// - SELECTs and INSERTs go through HttpReader (http-reader.ts: the client costs ~1.8 ms more per
//   request, and inserts as TabSeparated with an explicit column list, insert-format.ts);
// - DDL goes through @clickhouse/client, configured so that only what 18.16 understands goes on the
//   wire: no session_id, no query parameters, no HTTP compression (enable_http_compression is never
//   set, wait_end_of_query never sent); its logging is off — errors are classified and thrown by us
//   (errors.ts), since it cannot parse 18.16's error format anyway;
// - every failure becomes UnavailableError (retryable) or ClickHouseQueryError.
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { ClickHouseQueryError, classifyError } from './errors.ts';
import { HttpReader } from './http-reader.ts';
import { TsvRows } from './insert-format.ts';
import { identifier } from './sql.ts';

const POINT_READ = { max_threads: 1 } as const;

export interface ConnectionOptions {
  /** http(s)://host:port of the ClickHouse HTTP interface. */
  url: string;
  username?: string;
  password?: string;
  /** Per request, ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Sockets kept to the server (default 10). */
  maxOpenConnections?: number;
}

export class Connection {
  private readonly client: ClickHouseClient;
  private readonly reader: HttpReader;

  constructor(options: ConnectionOptions) {
    this.reader = new HttpReader(options);
    this.client = createClient({
      url: options.url,
      username: options.username ?? 'default',
      password: options.password ?? '',
      request_timeout: options.requestTimeoutMs ?? 30_000,
      max_open_connections: options.maxOpenConnections ?? 10,
      compression: { request: false, response: false },
      application: 'ordertrace',
      log: { level: ClickHouseLogLevel.OFF },
      // 18.16 closes idle keep-alive connections after 3 s; drop ours before that.
      keep_alive: { enabled: true, idle_socket_ttl: 2_000 },
    });
  }

  /** Rows of a SELECT as objects (JSONEachRow; 64-bit integers arrive as decimal strings). */
  rows<T>(sql: string, what: string): Promise<T[]> {
    return this.reader.rows<T>(sql, what);
  }

  /**
   * Rows of a point read (a few granules by primary key): one thread, which measured ~10% faster on
   * 18.16 than the default of one per core — the parallel pipeline costs more than it saves here.
   */
  pointRows<T>(sql: string, what: string): Promise<T[]> {
    return this.reader.rows<T>(sql, what, POINT_READ);
  }

  /** A statement without a result (DDL, ALTER). */
  async command(sql: string, what: string): Promise<void> {
    try {
      await this.client.command({ query: sql });
    } catch (error) {
      throw classifyError(error, what);
    }
  }

  /**
   * INSERT INTO `table` (columns) FORMAT TabSeparated with the rows (objects of one shape, as the row
   * mappers make them); `table` must already be a qualified, quoted name.
   */
  async insert(table: string, rows: readonly object[], what: string): Promise<void> {
    if (rows.length === 0) return;
    const encoded = new TsvRows();
    try {
      encoded.append(rows);
    } catch (error) {
      throw new ClickHouseQueryError(`ClickHouse ${what}: cannot encode the rows: ${(error as Error).message}`, undefined, { cause: error });
    }
    await this.insertTsv(table, encoded, what);
    encoded.release(); // after a failure the text is left to the garbage collector, in case a request still reads it
  }

  /** INSERT INTO `table` the rows already encoded (nothing when there are none). */
  async insertTsv(table: string, rows: TsvRows, what: string): Promise<void> {
    if (rows.count === 0) return;
    const statement = `INSERT INTO ${table} (${rows.columns.map(identifier).join(', ')}) FORMAT TabSeparated`;
    await this.reader.insert(statement, rows.bytes(), what);
  }

  /** True when the server answers /ping. */
  async ping(): Promise<boolean> {
    const result = await this.client.ping();
    return result.success;
  }

  async close(): Promise<void> {
    this.reader.close();
    await this.client.close();
  }
}
