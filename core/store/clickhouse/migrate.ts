// Versioned, idempotent migrations. ClickHouse has no transactions or locks, so correctness under
// concurrent starters rests on the statements: each is idempotent (IF NOT EXISTS), and a statement
// that loses a creation race (18.16: "… is creating or attaching right now" / already exists) is
// retried until it sees the winner's table. An added column (18.16 has no ADD COLUMN IF NOT EXISTS)
// is added only while system.columns lacks it; when the ALTER fails, a concurrent starter that added
// it first is recognised by looking again. schema_migrations may then hold a version twice; it is
// read as max(version). A database migrated by a newer ordertrace is refused.
import type { Connection } from './connection.ts';
import { ClickHouseQueryError } from './errors.ts';
import { bootstrapStatements, LATEST_VERSION, MIGRATIONS, qualified, Table, type AddColumn, type Migration, type MigrationStep, type SchemaContext } from './schema.ts';
import { quoteString, uintLiteral } from './sql.ts';

/** Codes a concurrent creator can cause: TABLE_ALREADY_EXISTS, DATABASE_ALREADY_EXISTS. */
const RACE_CODES = new Set([57, 82]);
const RACE_ATTEMPTS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runDdl(conn: Connection, sql: string, what: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await conn.command(sql, what);
      return;
    } catch (error) {
      const race =
        error instanceof ClickHouseQueryError &&
        ((error.serverCode !== undefined && RACE_CODES.has(error.serverCode)) || /right now/i.test(error.message));
      if (!race || attempt >= RACE_ATTEMPTS) throw error;
      await sleep(25 * attempt);
    }
  }
}

/** 1 when the table has the column, else 0 (column n). */
export function columnExistsQuery(database: string, table: string, column: string): string {
  return `SELECT count() AS n FROM system.columns WHERE database = ${quoteString(database)} AND table = ${quoteString(table)} AND name = ${quoteString(column)}`;
}

async function columnExists(conn: Connection, database: string, step: AddColumn): Promise<boolean> {
  const rows = await conn.rows<{ n: number | string }>(columnExistsQuery(database, step.table, step.column), 'read columns');
  return Number(rows[0]?.n ?? 0) > 0;
}

async function addColumn(conn: Connection, database: string, step: AddColumn, what: string): Promise<void> {
  if (await columnExists(conn, database, step)) return;
  try {
    await conn.command(step.sql, what);
  } catch (error) {
    if (!(await columnExists(conn, database, step))) throw error;
  }
}

async function runStep(conn: Connection, database: string, step: MigrationStep, what: string): Promise<void> {
  if (typeof step === 'string') await runDdl(conn, step, what);
  else await addColumn(conn, database, step, what);
}

export function appliedVersionQuery(database: string): string {
  return `SELECT max(version) AS v FROM ${qualified(database, Table.migrations)}`;
}

export async function appliedVersion(conn: Connection, database: string): Promise<number> {
  const rows = await conn.rows<{ v: number | string }>(appliedVersionQuery(database), 'read schema version');
  return Number(rows[0]?.v ?? 0);
}

/** Brings the database to the latest schema version; returns [from, to]. */
export async function migrate(
  conn: Connection,
  ctx: SchemaContext,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<[number, number]> {
  for (const sql of bootstrapStatements(ctx)) await runDdl(conn, sql, 'bootstrap schema');
  const from = await appliedVersion(conn, ctx.database);
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  if (from > latest) {
    throw new ClickHouseQueryError(`database ${ctx.database} has schema version ${from}, newer than this ordertrace understands (${latest})`, undefined);
  }
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    for (const step of migration.statements(ctx)) await runStep(conn, ctx.database, step, `migration ${migration.version}`);
    await conn.insert(
      qualified(ctx.database, Table.migrations),
      [
        {
          version: Number(uintLiteral(migration.version)),
          description: migration.description,
          applied_at_ms: String(Date.now()),
          server_version: ctx.caps.version.text,
        },
      ],
      'record migration',
    );
  }
  return [from, Math.max(from, latest)];
}

export { LATEST_VERSION };
