// Inserts go as TabSeparated text (core/store/clickhouse/insert-format.ts): every value must reach the
// real server byte for byte — strings with separators, backslashes, quotes and control characters, arrays
// of such strings, 64-bit numbers as decimal text — and anything that cannot be encoded is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection } from '../../core/store/clickhouse/connection.ts';
import { ClickHouseQueryError } from '../../core/store/clickhouse/errors.ts';
import { tabSeparated, tsvString, tsvStringArray } from '../../core/store/clickhouse/insert-format.ts';
import type { Attributes } from '../../core/model.ts';
import { attrsField, attrTerms } from '../../core/store/clickhouse/rows.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, rawRows, rawSql, requireClickHouse } from './server.ts';

const ALL_CONTROLS = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\x7f';
const HOSTILE = [
  '', 'plain', '\t', '\n', 'a\tb\nc\rd', '\\', '\\t is not a tab', "'", "\\'", "it's", '[\'a\',\'b\']', ALL_CONTROLS,
  'héllo ✓ 🚚 Größe', '{"json":"with \\"quotes\\" and \\\\ slashes"}', '\\N', 'x'.repeat(10_000) + '\t\\',
];

describe('TabSeparated encoding', () => {
  it('escapes only what ends or bends a field', () => {
    expect(tsvString('plain text, "quoted" and \'single\'')).toBe('plain text, "quoted" and \'single\'');
    expect(tsvString('a\tb\nc\\d\re\0f\bg\fh')).toBe('a\\tb\\nc\\\\d\\re\\0f\\bg\\fh');
    expect(tsvStringArray([])).toBe('[]');
    expect(tsvStringArray(["it's", 'a\\b', 'c\td'])).toBe("['it\\'s','a\\\\b','c\\td']");
  });

  it('writes rows in the first row\'s column order, numbers as they are, and refuses what it cannot encode', () => {
    const { columns, data } = tabSeparated([
      { n: '18446744073709551615', s: 'a\tb', i: -5, a: ['x', "y'"], b: true, z: null },
      { n: '0', s: '', i: 7, a: [], b: false, z: null },
    ]);
    expect(columns).toEqual(['n', 's', 'i', 'a', 'b', 'z']);
    expect(data.toString()).toBe("18446744073709551615\ta\\tb\t-5\t['x','y\\'']\t1\t\\N\n0\t\t7\t[]\t0\t\\N\n");
    expect(() => tabSeparated([])).toThrow(RangeError);
    expect(() => tabSeparated([{ a: 1 }, { b: 2 }])).toThrow('row 1 has no column a');
    expect(() => tabSeparated([{ a: Number.NaN }])).toThrow('column a: NaN is not a finite number');
    expect(() => tabSeparated([{ a: { nested: 1 } }])).toThrow('column a: unsupported value object');
    expect(() => tabSeparated([{ a: ['ok', 5] }])).toThrow('array element 1 is not a string');
  });

  it('encodes the attrs column in one pass exactly as the array of its terms', () => {
    const values = [...HOSTILE, 'it\'s "quoted"', '\ud800 lone', '😀 pair'];
    for (const v of values) {
      const attrs: Attributes = { [v]: v, n: { int: '42' }, d: 1.5, b: true, l: [v, { int: '7' }], m: { kv: { [v]: v } } };
      const resource: Attributes = { 'service.name': v };
      expect(attrsField(attrs, resource).text, JSON.stringify(v.slice(0, 30))).toBe(tsvStringArray(attrTerms(attrs, resource)));
    }
    expect(attrsField({}, null).text).toBe('[]');
  });

  it('writes a String field given as UTF-8 bytes exactly as the same text, copied or escaped', () => {
    for (const s of HOSTILE) {
      const asText = tabSeparated([{ id: 1, s, short: 'x' }]).data.toString();
      expect(tabSeparated([{ id: 1, s: Buffer.from(s), short: 'x' }]).data.toString(), JSON.stringify(s.slice(0, 30))).toBe(asText);
    }
  });
});

describe('inserts against the real server', () => {
  const database = freshDatabase('insertfmt');
  let conn: Connection;

  beforeAll(async () => {
    await requireClickHouse();
    conn = new Connection({ url: CLICKHOUSE_URL });
    await rawSql(`CREATE DATABASE \`${database}\``);
    await rawSql(
      `CREATE TABLE \`${database}\`.t (id UInt32, big UInt64, neg Int64, s String, a Array(String)) ENGINE = MergeTree ORDER BY id`,
    );
  });
  afterAll(async () => {
    await conn?.close();
    await dropDatabase(database);
  });

  it('stores every hostile string, alone and in arrays, byte for byte', async () => {
    const rows = HOSTILE.map((s, id) => ({ id, big: '18446744073709551615', neg: '-9223372036854775808', s, a: [s, ...HOSTILE.slice(0, id)] }));
    await conn.insert(`\`${database}\`.t`, rows, 'insert hostile rows');
    const back = await rawRows<{ id: number; big: string; neg: string; s: string; a: string[] }>(`SELECT id, big, neg, s, a FROM \`${database}\`.t ORDER BY id`);
    expect(back).toHaveLength(HOSTILE.length);
    back.forEach((row, i) => {
      expect(row.s, JSON.stringify(HOSTILE[i]!.slice(0, 30))).toBe(HOSTILE[i]);
      expect(row.a).toEqual(rows[i]!.a);
      expect([row.big, row.neg]).toEqual(['18446744073709551615', '-9223372036854775808']);
    });
  });

  it('stores hostile strings given as UTF-8 bytes byte for byte', async () => {
    const rows = HOSTILE.map((s, id) => ({ id: 1000 + id, big: '1', neg: '-1', s: Buffer.from(s), a: [] }));
    await conn.insert(`\`${database}\`.t`, rows, 'insert hostile byte rows');
    const back = await rawRows<{ s: string }>(`SELECT s FROM \`${database}\`.t WHERE id >= 1000 ORDER BY id`);
    expect(back.map((row) => row.s)).toEqual(HOSTILE);
  });

  it('reports a row the server refuses as a ClickHouseQueryError naming the insert', async () => {
    const error = await conn.insert(`\`${database}\`.t`, [{ id: 'not a number', big: '1', neg: '1', s: '', a: [] }], 'insert bad row').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClickHouseQueryError);
    expect((error as Error).message).toContain('ClickHouse insert bad row failed');
  });
});
