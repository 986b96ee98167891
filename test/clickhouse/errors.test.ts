// Error classification: what the ingester may retry (UnavailableError) and what it must not.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnavailableError } from '../../core/errors.ts';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { Connection } from '../../core/store/clickhouse/connection.ts';
import { classifyError, ClickHouseQueryError, serverCodeOf } from '../../core/store/clickhouse/errors.ts';
import { CLICKHOUSE_URL, requireClickHouse } from './server.ts';

/** A localhost port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const OLD_UNKNOWN_TABLE = "Code: 60, e.displayText() = DB::Exception: Table default.nosuch doesn't exist., e.what() = DB::Exception\n";

describe('classifyError', () => {
  it('reads Code: N in the 18.16 and the current format', () => {
    expect(serverCodeOf(OLD_UNKNOWN_TABLE)).toBe(60);
    expect(serverCodeOf('Code: 252. DB::Exception: Too many parts (300). (TOO_MANY_PARTS) (version 24.8.1)')).toBe(252);
    expect(serverCodeOf('no code here')).toBeUndefined();
  });

  it('maps overload, memory, too-many-parts and timeouts to UnavailableError', () => {
    for (const text of [
      'Code: 252, e.displayText() = DB::Exception: Too many parts (300). Merges are processing significantly slower than inserts., e.what() = DB::Exception',
      'Code: 241, e.displayText() = DB::Exception: Memory limit (for query) exceeded: would use 9.31 GiB, e.what() = DB::Exception',
      'Code: 241. DB::Exception: Memory limit (total) exceeded. (MEMORY_LIMIT_EXCEEDED) (version 26.9.2.1)',
      'Code: 202, e.displayText() = DB::Exception: Too many simultaneous queries. Maximum: 100, e.what() = DB::Exception',
      'Code: 159, e.displayText() = DB::Exception: Timeout exceeded: elapsed 30.1 seconds, e.what() = DB::Exception',
      'Code: 242, e.displayText() = DB::Exception: Table is in readonly mode, e.what() = DB::Exception',
      'Code: 243, e.displayText() = DB::Exception: Cannot reserve 1.00 MiB, not enough space, e.what() = DB::Exception',
      'Timeout error.',
    ]) {
      expect(classifyError(new Error(text), 'test'), text).toBeInstanceOf(UnavailableError);
    }
    expect(classifyError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'x')).toBeInstanceOf(UnavailableError);
    expect(classifyError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'x')).toBeInstanceOf(UnavailableError);
    expect(classifyError(new Error('socket hang up'), 'x')).toBeInstanceOf(UnavailableError);
  });

  it('maps query errors (unknown table, syntax, auth, bad data) to a non-retryable ClickHouseQueryError', () => {
    for (const [text, code] of [
      [OLD_UNKNOWN_TABLE, 60],
      ['Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 1, e.what() = DB::Exception', 62],
      ['Code: 192, e.displayText() = DB::Exception: Unknown user nobody, e.what() = DB::Exception', 192],
      ['Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected { before: x, e.what() = DB::Exception', 27],
      ['Code: 81. DB::Exception: Database nosuch does not exist. (UNKNOWN_DATABASE) (version 26.9.2.1)', 81],
    ] as const) {
      const e = classifyError(new Error(text), 'test');
      expect(e, text).toBeInstanceOf(ClickHouseQueryError);
      expect(e).not.toBeInstanceOf(UnavailableError);
      expect((e as ClickHouseQueryError).serverCode).toBe(code);
    }
    // @clickhouse/client's own ClickHouseError (current servers): the code is a digit string property.
    const parsed = Object.assign(new Error('Table default.nosuch does not exist.'), { code: '60', type: 'UNKNOWN_TABLE' });
    expect((classifyError(parsed, 'x') as ClickHouseQueryError).serverCode).toBe(60);
    const oom = Object.assign(new Error('Memory limit exceeded'), { code: '241', type: 'MEMORY_LIMIT_EXCEEDED' });
    expect(classifyError(oom, 'x')).toBeInstanceOf(UnavailableError);
    expect(classifyError(new Error('something odd'), 'x')).toBeInstanceOf(ClickHouseQueryError);
  });
});

describe('against servers', () => {
  let conn: Connection;
  beforeAll(async () => {
    await requireClickHouse();
    conn = new Connection({ url: CLICKHOUSE_URL });
  });
  afterAll(async () => {
    await conn?.close();
  });

  it('an unknown table is a ClickHouseQueryError with code 60, not retryable', async () => {
    const error = await conn.rows('SELECT * FROM system.no_such_table_here', 'probe').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClickHouseQueryError);
    expect(error).not.toBeInstanceOf(UnavailableError);
    expect((error as ClickHouseQueryError).serverCode).toBe(60);
  });

  it('a syntax error is a ClickHouseQueryError with code 62', async () => {
    const error = await conn.command('SELEKT 1', 'probe').catch((e: unknown) => e);
    expect((error as ClickHouseQueryError).serverCode).toBe(62);
  });

  it('a server that is down gives UnavailableError, from open() and from a running store', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    await expect(ClickHouseStore.open({ url, database: 'ot_test_down', keyAttributes: [] })).rejects.toBeInstanceOf(UnavailableError);
    const down = new Connection({ url, requestTimeoutMs: 2_000 });
    await expect(down.rows('SELECT 1', 'probe')).rejects.toBeInstanceOf(UnavailableError);
    await expect(down.insert('`x`.`y`', [{ a: 1 }], 'probe')).rejects.toBeInstanceOf(UnavailableError);
    await expect(down.command('SELECT 1', 'probe')).rejects.toMatchObject({ code: 'OT_ERR_STORE_UNAVAILABLE', status: 503 });
    await down.close();
  });

  it('a request timeout gives UnavailableError', async () => {
    const slow = new Connection({ url: CLICKHOUSE_URL, requestTimeoutMs: 300 });
    await expect(slow.rows('SELECT sleep(2)', 'probe')).rejects.toBeInstanceOf(UnavailableError);
    await slow.close();
  });
});
