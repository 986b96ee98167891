// SQLite-specific behaviour of SqliteStore; the shared behaviour is in test/contract/store.contract.ts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { UnavailableError } from '../errors.ts';
import type { LogRecord, OrderEvent, Span } from '../model.ts';
import { DATABASE_FILE, SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
import { LATEST_VERSION, migrate, type Migration } from './sqlite-schema.ts';

const DAY_MS = 86_400_000;
const MS = 1_000_000n;
const dirs: string[] = [];
const open: SqliteStore[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ot-sqlite-store-'));
  dirs.push(dir);
  return dir;
}

async function openStore(dataDir: string, extra: Partial<SqliteStoreOptions> = {}): Promise<SqliteStore> {
  const store = await SqliteStore.open({ dataDir, durability: 'full', keyAttributes: ['return.id'], ...extra });
  open.push(store);
  return store;
}

afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const nsAt = (ms: number) => BigInt(ms) * MS + 123_456n;

function span(start: bigint, o: Partial<Span> = {}): Span {
  const service = o.service ?? 'svc';
  return {
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: '',
    traceState: '',
    name: 'op',
    kind: 1,
    startTimeUnixNano: start.toString(),
    endTimeUnixNano: (start + 1_000n).toString(),
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 0, message: '' },
    flags: 0,
    service,
    resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 },
    scope: { name: 's', version: '', attributes: {}, droppedAttributesCount: 0 },
    orderId: '',
    ...o,
  };
}

function log(time: bigint, o: Partial<LogRecord> = {}): LogRecord {
  return {
    logId: hex(16),
    timeUnixNano: time.toString(),
    observedTimeUnixNano: time.toString(),
    severityNumber: 9,
    severityText: 'INFO',
    body: 'hello',
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    service: 'svc',
    resource: { attributes: { 'service.name': 'svc' }, droppedAttributesCount: 0 },
    scope: { name: 's', version: '', attributes: {}, droppedAttributesCount: 0 },
    orderId: '',
    ...o,
  };
}

function event(orderId: string, time: bigint): OrderEvent {
  return { eventId: hex(8), orderId, type: 'order.created', system: 'shop', timeUnixNano: time.toString(), status: '', traceId: '', spanId: '', source: 'api', attributes: {} };
}

function inspect<T>(dataDir: string, fn: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(join(dataDir, DATABASE_FILE), { readOnly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('SqliteStore (SQLite specifics)', () => {
  it('migrates once: opening twice, and migrate() on a current database, change nothing', async () => {
    const dir = tempDir();
    await (await openStore(dir)).close();
    const second = await openStore(dir);
    await second.init();
    await second.close();
    const versions = inspect(dir, (db) => db.prepare('SELECT version FROM schema_version ORDER BY version').all());
    expect(versions).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => ({ version: i + 1 })));

    const db = new DatabaseSync(join(dir, DATABASE_FILE));
    expect(migrate(db)).toEqual([LATEST_VERSION, LATEST_VERSION]);
    // A later migration applies on top, exactly once.
    const added: Migration = { version: LATEST_VERSION + 1, description: 'test', up: (d) => d.exec('CREATE TABLE extra (x)') };
    const migrations = [...(await import('./sqlite-schema.ts')).MIGRATIONS, added];
    expect(migrate(db, migrations)).toEqual([LATEST_VERSION, LATEST_VERSION + 1]);
    expect(migrate(db, migrations)).toEqual([LATEST_VERSION + 1, LATEST_VERSION + 1]);
    db.close();
    // …and this build now refuses the newer database rather than misreading it.
    await expect(SqliteStore.open({ dataDir: dir, durability: 'full', keyAttributes: [] })).rejects.toThrow(/newer/);
  });

  it('a failing migration rolls back completely', () => {
    const db = new DatabaseSync(':memory:');
    const bad: Migration = {
      version: 1,
      description: 'half done',
      up: (d) => {
        d.exec('CREATE TABLE half (x)');
        throw new Error('boom');
      },
    };
    expect(() => migrate(db, [bad])).toThrow(/boom/);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'").get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM schema_version').get()).toEqual({ n: 0 });
    db.close();
  });

  it('keeps data across close and reopen, and continues ids without collisions', async () => {
    const dir = tempDir();
    const t = nsAt(Date.now() - 60_000);
    const traceId = hex(16);
    const first = await openStore(dir);
    const a = span(t, { traceId, orderId: 'ORD-1', attributes: { 'return.id': 'RET-1' } });
    await first.write({ spans: [a], logs: [log(t, { traceId })], events: [event('ORD-1', t)] });
    await first.close();

    const second = await openStore(dir);
    expect((await second.getTrace(traceId))!.spans).toEqual([a]);
    expect(await second.resolveOrderKey('RET-1')).toBe('ORD-1');
    const b = span(t + 1n, { traceId });
    await second.write({ spans: [b], logs: [log(t + 1n, { traceId })] });
    const trace = await second.getTrace(traceId);
    expect(trace!.spans).toEqual([a, b]);
    expect(trace!.logs).toHaveLength(2);
    expect((await second.getOrder('ORD-1'))!.events).toHaveLength(1);
  });

  it('indexes per trace and per order, not per span', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const t = nsAt(Date.now() - 60_000);
    const traces = Array.from({ length: 32 }, () => hex(16));
    const spans: Span[] = [];
    for (let i = 0; i < 512; i++) {
      const traceId = traces[i % 32]!;
      spans.push(span(t + BigInt(i), { traceId, orderId: `ORD-${i % 32}`, name: `op-${i % 5}`, attributes: { 'return.id': `RET-${i % 32}` } }));
    }
    await store.write({ spans });
    await store.write({ spans: spans.slice(0, 100) }); // redelivery: index rows already known
    const counts = inspect(dir, (db) => {
      const day = (db.prepare('SELECT day FROM days').get() as { day: number }).day;
      const n = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}_${day}`).get() as { n: number }).n;
      return { spans: n('spans'), ranges: n('ranges'), orders: n('orders'), keys: n('keys'), ops: n('ops'), res: n('res') };
    });
    expect(counts).toEqual({ spans: 612, ranges: 32 + 32, orders: 32, keys: 64, ops: 5, res: 1 });
    for (const traceId of traces.slice(0, 3)) expect((await store.getTrace(traceId))!.spans).toHaveLength(16);
  });

  it('stores each distinct resource+scope once per day and never conflates two', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const t = nsAt(Date.now() - 60_000);
    const resource = () => ({ attributes: { 'service.name': 'svc', 'host.name': 'a', pid: { int: '1' } }, droppedAttributesCount: 0 });
    const base = span(t, { resource: resource() });
    const sameOtherOrder = span(t + 1n, { resource: { attributes: { pid: { int: '1' }, 'host.name': 'a', 'service.name': 'svc' }, droppedAttributesCount: 0 } });
    const otherHost = span(t + 2n, { resource: { ...resource(), attributes: { ...resource().attributes, 'host.name': 'b' } } });
    const intVsString = span(t + 3n, { resource: { ...resource(), attributes: { ...resource().attributes, pid: '1' } } });
    const extraKey = span(t + 4n, { resource: { ...resource(), attributes: { ...resource().attributes, extra: null } } });
    const dropped = span(t + 5n, { resource: { ...resource(), droppedAttributesCount: 1 } });
    const otherScope = span(t + 6n, { resource: resource(), scope: { name: 's', version: '2', attributes: {}, droppedAttributesCount: 0 } });
    const all = [base, sameOtherOrder, otherHost, intVsString, extraKey, dropped, otherScope];
    await store.write({ spans: all });
    const expected = new Map(all.map((s) => [s.traceId, structuredClone({ resource: s.resource, scope: s.scope })]));
    // The caller mutates its objects after the write: later writes must not be matched against them.
    const mutated = span(t + 7n, { resource: base.resource });
    (base.resource.attributes as Record<string, unknown>)['host.name'] = 'mutated';
    await store.write({ spans: [mutated] });
    expected.set(mutated.traceId, structuredClone({ resource: mutated.resource, scope: mutated.scope }));
    const res = inspect(dir, (db) => {
      const day = (db.prepare('SELECT day FROM days').get() as { day: number }).day;
      return (db.prepare(`SELECT count(*) AS n FROM res_${day}`).get() as { n: number }).n;
    });
    expect(res).toBe(7); // base (= sameOtherOrder), otherHost, intVsString, extraKey, dropped, otherScope, mutated
    for (const s of [...all, mutated]) {
      const stored = (await store.getTrace(s.traceId))!.spans[0]!;
      expect({ resource: stored.resource, scope: stored.scope }).toStrictEqual(expected.get(s.traceId));
    }
  });

  it('files records by UTC day and drops whole days only', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const now = Date.now();
    const today = Math.floor(now / DAY_MS);
    const old = span(nsAt((today - 3) * DAY_MS + 1_000), { orderId: 'ORD-OLD' });
    const edge = span(nsAt((today - 1) * DAY_MS + 1_000));
    const fresh = span(nsAt(today * DAY_MS + 1_000));
    await store.write({ spans: [old, old, edge, fresh], logs: [log(nsAt((today - 3) * DAY_MS))], events: [event('ORD-OLD', nsAt((today - 3) * DAY_MS))] });
    const tablesOf = () => inspect(dir, (db) => (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name LIKE 'spans\\_%' ESCAPE '\\'").get() as { n: number }).n);
    expect(tablesOf()).toBe(3);

    // Cutoff in the middle of yesterday: the day before yesterday and older go, yesterday stays whole.
    expect(await store.deleteBefore((today - 1) * DAY_MS + 5_000)).toBe(4); // 2 span rows (one duplicate), 1 log, 1 event
    expect(tablesOf()).toBe(2);
    expect(await store.getTrace(old.traceId)).toBeNull();
    expect(await store.getTrace(edge.traceId)).not.toBeNull();
    expect(await store.getOrder('ORD-OLD')).toBeNull();
    expect(await store.deleteBefore((today - 1) * DAY_MS + 5_000)).toBe(0);

    // Late data for a dropped day re-creates it.
    await store.write({ spans: [old] });
    expect((await store.getTrace(old.traceId))!.spans).toEqual([old]);
    expect(tablesOf()).toBe(3);
  });

  it('rejects malformed records and parameters without disturbing later writes', async () => {
    const store = await openStore(tempDir());
    const t = nsAt(Date.now());
    await expect(store.write({ spans: [span(t, { startTimeUnixNano: 'soon' })] })).rejects.toThrow(/startTimeUnixNano/);
    for (const bad of ['-5', '007', ' 5', '0x10', '1e9', '99999999999999999999']) {
      await expect(store.write({ spans: [span(t, { startTimeUnixNano: bad })] })).rejects.toThrow(/canonical/);
    }
    await expect(store.write({ spans: [span(t, { endTimeUnixNano: '9223372036854775808' })] })).rejects.toThrow(/endTimeUnixNano is out of range/);
    await expect(store.write({ logs: [log(t, { timeUnixNano: 'x' })] })).rejects.toThrow(/canonical/);
    await expect(store.write({ events: [event('ORD-1', t), { ...event('ORD-2', t), timeUnixNano: '' }] })).rejects.toThrow(/canonical/);
    expect(await store.resolveOrderKey('ORD-1')).toBeNull(); // a rejected write leaves nothing behind
    const ok = span(t);
    await store.write({ spans: [ok] });
    expect((await store.getTrace(ok.traceId))!.spans).toEqual([ok]);

    for (const query of [{ limit: 0 }, { limit: 1.5 }, { limit: 10, fromNs: 'abc' }, { limit: 10, minDurationNs: '-1' }, { limit: 10, status: 'bad' as 'ok' }]) {
      await expect(store.searchSpans(query)).rejects.toMatchObject({ code: 'OT_ERR_BAD_PARAMETER' });
    }
    await expect(store.searchLogs({ limit: 10, toNs: '1e9' })).rejects.toMatchObject({ code: 'OT_ERR_BAD_PARAMETER' });
  });

  it('refuses writes beyond maxPendingWrites, and everything after close, with UnavailableError', async () => {
    const store = await openStore(tempDir(), { maxPendingWrites: 1, durability: 'normal' });
    const t = nsAt(Date.now());
    const first = store.write({ spans: [span(t)] });
    await expect(store.write({ spans: [span(t)] })).rejects.toBeInstanceOf(UnavailableError);
    await first;
    await store.write({ spans: [span(t)] });
    await store.close();
    await expect(store.write({ spans: [span(t)] })).rejects.toBeInstanceOf(UnavailableError);
    await expect(store.getTrace(hex(16))).rejects.toBeInstanceOf(UnavailableError);
    await expect(store.init()).rejects.toBeInstanceOf(UnavailableError);
  });

  it('searches across day partitions newest first, with the cursor crossing days', async () => {
    const store = await openStore(tempDir());
    const today = Math.floor(Date.now() / DAY_MS);
    const spans = [3, 2, 1, 0].flatMap((daysAgo) =>
      [10, 20].map((minute) => span(nsAt((today - daysAgo) * DAY_MS + minute * 60_000), { service: 'multi' })),
    );
    await store.write({ spans: spans.slice(0, 5) });
    await store.write({ spans: spans.slice(3) });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.searchSpans({ service: 'multi', limit: 3, cursor });
      seen.push(...page.items.map((s) => s.startTimeUnixNano));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(spans.map((s) => s.startTimeUnixNano).reverse());
    const window = await store.searchSpans({ service: 'multi', limit: 10, fromNs: spans[1]!.startTimeUnixNano, toNs: spans[6]!.startTimeUnixNano });
    expect(window.items.map((s) => s.spanId)).toEqual(spans.slice(1, 6).map((s) => s.spanId).reverse());
  });
});
