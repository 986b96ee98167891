// Test helpers for the real ClickHouse server (deploy/dev/clickhouse.sh): its URL, a reachability
// check that FAILS (never skips) with instructions, fresh databases, and raw SQL over HTTP.
import { randomBytes } from 'node:crypto';

export const CLICKHOUSE_URL = process.env.ORDERTRACE_TEST_CLICKHOUSE_URL ?? 'http://127.0.0.1:18123';

/** Throws with instructions when no ClickHouse answers at CLICKHOUSE_URL. */
export async function requireClickHouse(): Promise<void> {
  let problem: string;
  try {
    const response = await fetch(new URL('/ping', CLICKHOUSE_URL), { signal: AbortSignal.timeout(5_000) });
    if (response.ok) return;
    problem = `HTTP ${response.status}`;
  } catch (error) {
    problem = String((error as Error).cause ?? error);
  }
  throw new Error(
    `ClickHouse is not reachable at ${CLICKHOUSE_URL} (${problem}). Start the dev server with ` +
      '`bash deploy/dev/clickhouse.sh install && bash deploy/dev/clickhouse.sh start` ' +
      '(or point ORDERTRACE_TEST_CLICKHOUSE_URL at a running server).',
  );
}

/** A database name no other run uses. */
export function freshDatabase(purpose: string): string {
  return `ot_test_${purpose}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** Runs one statement over HTTP; returns the response text (throws with the server's message). */
export async function rawSql(sql: string, url = CLICKHOUSE_URL): Promise<string> {
  const response = await fetch(url, { method: 'POST', body: sql });
  const text = await response.text();
  if (!response.ok) throw new Error(text);
  return text;
}

/** Rows of a SELECT (JSONEachRow). */
export async function rawRows<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const text = await rawSql(`${sql} FORMAT JSONEachRow`);
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export async function dropDatabase(name: string): Promise<void> {
  if (!/^ot_test_[A-Za-z0-9_]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a test database`);
  await rawSql(`DROP DATABASE IF EXISTS \`${name}\``);
}
