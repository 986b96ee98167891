// quoteString is the one escaping routine between user input and SQL text (18.16 has no query
// parameters): hostile strings must come back from a real server byte for byte and never end the
// literal; numbers and names are validated rather than escaped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '../../core/model.ts';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { identifier, inList, intLiteral, quoteString, uintLiteral } from '../../core/store/clickhouse/sql.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, rawRows, requireClickHouse } from './server.ts';

const ALL_CONTROLS = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\x7f';

const HOSTILE: Record<string, string> = {
  empty: '',
  quote: "'",
  'doubled quotes': "''",
  'escaped quote attempt': "\\'",
  'trailing backslash': 'abc\\',
  backslashes: '\\\\\\',
  'backslash escape text': '\\x41\\0\\n\\t\\\\',
  'double quotes and backticks': '"`"`',
  nul: 'a\0b',
  'only nul': '\0',
  newlines: 'line1\nline2\r\nline3',
  'all control characters': ALL_CONTROLS,
  unicode: 'héllo ✓ 🚚 Größe ÜBERSCHRITTEN שלום',
  'drop table': "'; DROP TABLE spans; --",
  'drop table after backslash': "\\'; DROP TABLE spans; --",
  'comment openers': "/* ' */ -- '",
  'query parameter syntax': '{name:String} $1 ?',
  'format clause': "x' FORMAT TSV --",
  'union injection': "' UNION ALL SELECT name FROM system.tables --",
  long: "'\\".repeat(5_000),
};

describe('quoteString', () => {
  it('escapes quote, backslash and every control character; leaves other text alone', () => {
    expect(quoteString("it's")).toBe("'it\\'s'");
    expect(quoteString('a\\b')).toBe("'a\\\\b'");
    expect(quoteString('a\0b\nc\rd\te\bf\fg')).toBe("'a\\0b\\nc\\rd\\te\\bf\\fg'");
    expect(quoteString('\x01\x1f\x7f')).toBe("'\\x01\\x1f\\x7f'");
    expect(quoteString('héllo ✓ 🚚')).toBe("'héllo ✓ 🚚'");
    for (const value of Object.values(HOSTILE)) {
      const quoted = quoteString(value);
      expect(quoted.startsWith("'") && quoted.endsWith("'")).toBe(true);
      // Inside the literal no quote is unescaped and no raw control character remains.
      const inner = quoted.slice(1, -1);
      expect(inner.replace(/\\./gs, '')).not.toMatch(/['\\\x00-\x1f\x7f]/);
    }
  });

  it('refuses non-strings', () => {
    expect(() => quoteString(42 as unknown as string)).toThrow(TypeError);
    expect(() => quoteString(undefined as unknown as string)).toThrow(TypeError);
  });
});

describe('number and name literals are validated', () => {
  it('formats integers in range and refuses everything else', () => {
    expect(uintLiteral(0)).toBe('0');
    expect(uintLiteral('18446744073709551615')).toBe('18446744073709551615');
    expect(uintLiteral(1_730_000_000_000_000_000n)).toBe('1730000000000000000');
    expect(intLiteral(-5)).toBe('-5');
    expect(intLiteral('-9223372036854775808')).toBe('-9223372036854775808');
    for (const bad of ['18446744073709551616', '-1', '1e3', '01', ' 1', '1; DROP TABLE spans', '', 'NaN']) {
      expect(() => uintLiteral(bad), bad).toThrow(RangeError);
    }
    for (const bad of [1.5, Number.NaN, Infinity, 2 ** 53]) expect(() => uintLiteral(bad), String(bad)).toThrow(RangeError);
    expect(() => intLiteral('9223372036854775808')).toThrow(RangeError);
    expect(() => uintLiteral(-1n)).toThrow(RangeError);
  });

  it('accepts only plain identifiers', () => {
    expect(identifier('ordertrace_1')).toBe('`ordertrace_1`');
    for (const bad of ['', '1abc', 'a-b', 'a`b', 'a b', 'db; DROP', 'x'.repeat(64), 'ä']) expect(() => identifier(bad), bad).toThrow(RangeError);
  });

  it('builds IN lists and refuses empty ones', () => {
    expect(inList(["a'", 'b'], quoteString)).toBe("('a\\'', 'b')");
    expect(() => inList([], quoteString)).toThrow(RangeError);
  });
});

describe('against the real server', () => {
  const database = freshDatabase('escaping');
  let store: ClickHouseStore;

  beforeAll(async () => {
    await requireClickHouse();
    store = await ClickHouseStore.open({ url: CLICKHOUSE_URL, database, keyAttributes: ['return.id'] });
  });
  afterAll(async () => {
    await store?.close();
    await dropDatabase(database);
  });

  it('returns every hostile string byte for byte as a literal', async () => {
    const entries = Object.entries(HOSTILE);
    const sql = `SELECT ${entries.map(([, v], i) => `${quoteString(v)} AS v${i}`).join(', ')}`;
    const [row] = await rawRows<Record<string, string>>(sql);
    entries.forEach(([name, value], i) => expect(row![`v${i}`], name).toBe(value));
    const lengths = await rawRows<Record<string, string>>(`SELECT ${entries.map(([, v], i) => `length(${quoteString(v)}) AS n${i}`).join(', ')}`);
    entries.forEach(([name, value], i) => expect(Number(lengths[0]![`n${i}`]), name).toBe(Buffer.byteLength(value)));
  });

  it('stores and finds records whose values are hostile, and no statement escapes its literal', async () => {
    const now = BigInt(Date.now() - 60_000) * 1_000_000n;
    const spans: Span[] = Object.values(HOSTILE).map((value, i) => ({
      traceId: (i + 1).toString(16).padStart(32, '0'),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      parentSpanId: '',
      traceState: '',
      name: value,
      kind: 1,
      startTimeUnixNano: (now + BigInt(i)).toString(),
      endTimeUnixNano: (now + BigInt(i) + 10n).toString(),
      attributes: { [value]: value, 'return.id': `R${value}` },
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: 0, message: value },
      flags: 0,
      service: `svc${value}`,
      resource: { attributes: { 'service.name': `svc${value}` }, droppedAttributesCount: 0 },
      scope: { name: value, version: '', attributes: {}, droppedAttributesCount: 0 },
      orderId: `order${value}`,
    }));
    await store.write({ spans });
    for (const span of spans) {
      const label = JSON.stringify(span.name.slice(0, 40));
      const page = await store.searchSpans({ service: span.service, name: span.name, attributes: { [span.name]: span.name }, limit: 5 });
      expect(page.items, label).toStrictEqual([span]);
      expect(await store.resolveOrderKey(span.orderId), label).toBe(span.orderId);
      expect(await store.resolveOrderKey(`R${span.name}`), label).toBe(span.orderId);
      expect((await store.getOrder(span.orderId))?.spans, label).toStrictEqual([span]);
    }
    expect(await store.resolveOrderKey("x' OR 1 = 1 --")).toBeNull();
    expect((await store.searchLogs({ q: "' OR '1'='1", limit: 5 })).items).toEqual([]);
    const tables = await rawRows<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${database}'`);
    expect(tables.map((t) => t.name)).toContain('spans');
  });
});
