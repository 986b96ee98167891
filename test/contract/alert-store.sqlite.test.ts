// The AlertStore contract against the embedded SQLite store (alerts.sqlite in a fresh data dir), plus
// what only SQLite can show: writes are committed when they resolve, and every page query walks an
// index in page order (so a page costs what it returns, however many rows the table holds).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import type { OrderRuleState } from '../../core/alerts.ts';
import type { OrderEvent } from '../../core/model.ts';
import { alertFilter } from '../../core/store/alert-params.ts';
import { listAlertsSql, LOAD_STATES_SQL } from '../../core/store/sqlite-alerts.ts';
import { ALERTS_DATABASE_FILE } from '../../core/store/sqlite-alerts-schema.ts';
import { DAY_MS, DAY_NS, dayDdl, migrate, MIGRATIONS, tableName } from '../../core/store/sqlite-schema.ts';
import { DATABASE_FILE, SqliteStore } from '../../core/store/sqlite-store.ts';
import { alertStoreContract } from './alert-store.contract.ts';

function indexesOf(db: DatabaseSync, table: string): string[] {
  return (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`).all(table) as Array<{ name: string }>).map((r) => r.name);
}

const dataDir = mkdtempSync(join(tmpdir(), 'ot-alert-contract-'));

alertStoreContract('sqlite', {
  open: () => SqliteStore.open({ dataDir, durability: 'full', keyAttributes: [] }),
  async cleanup() {
    rmSync(dataDir, { recursive: true, force: true });
  },
});

describe('SQLite alert store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ot-alert-sqlite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('resolves a write only once it is committed (another connection sees it at once)', async () => {
    const store = await SqliteStore.open({ dataDir: dir, durability: 'full', keyAttributes: [] });
    const other = new DatabaseSync(join(dir, ALERTS_DATABASE_FILE), { readOnly: true });
    try {
      for (let i = 0; i < 20; i++) {
        await store.alerts.saveOrderStates([{ orderId: `ORD-commit-${i}`, partition: 1, state: '{}', version: 1 }]);
        expect(other.prepare('SELECT count(*) AS n FROM order_states WHERE order_id = ?').get(`ORD-commit-${i}`)).toEqual({ n: 1 });
      }
    } finally {
      other.close();
      await store.close();
    }
  });

  it('walks an index in page order for every alert filter, the cursor and order-state pages (no sort step)', async () => {
    await (await SqliteStore.open({ dataDir: dir, durability: 'normal', keyAttributes: [] })).close();
    const db = new DatabaseSync(join(dir, ALERTS_DATABASE_FILE), { readOnly: true });
    const plan = (sql: string, params: unknown[]) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as never[])) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    try {
      const cursor = Buffer.from(JSON.stringify([1_000, 'al-1'])).toString('base64url');
      const filters = [
        {},
        { ruleId: 'r' },
        { orderId: 'o' },
        { state: 'firing' as const },
        { severity: 'critical' as const },
        { fromMs: 1, toMs: 2 },
        { cursor },
        { ruleId: 'r', cursor },
        { state: 'resolved' as const, fromMs: 1, cursor },
      ];
      for (const filter of filters) {
        const { sql, params } = listAlertsSql(alertFilter({ limit: 50, ...filter }));
        const detail = plan(sql, params);
        expect(detail, `${JSON.stringify(filter)}: ${detail}`).toMatch(/USING (COVERING )?INDEX alerts_/);
        expect(detail, `${JSON.stringify(filter)}: ${detail}`).not.toMatch(/TEMP B-TREE/);
      }
      const states = plan(LOAD_STATES_SQL, [3, 'ORD-1', 100]);
      expect(states).toMatch(/USING INDEX order_states_live \(part=\? AND order_id>\?\)/);
      expect(states).not.toMatch(/TEMP B-TREE/);
    } finally {
      db.close();
    }
  });

  it('adds the events time index to the days of a database made before it (migration 2), and lists their events', async () => {
    const old = mkdtempSync(join(tmpdir(), 'ot-alert-sqlite-v1-'));
    try {
      const day = Math.floor(Date.now() / DAY_MS) - 1;
      const db = new DatabaseSync(join(old, DATABASE_FILE));
      migrate(db, MIGRATIONS.slice(0, 1));
      for (const sql of dayDdl(day).filter((s) => !s.includes('_time ON'))) db.exec(sql);
      const event: OrderEvent = {
        eventId: 'ev-1',
        orderId: 'ORD-1',
        type: 'order.created',
        system: 'shop',
        timeUnixNano: String(BigInt(day) * DAY_NS + 5n),
        status: '',
        traceId: '',
        spanId: '',
        source: 'api',
        attributes: {},
      };
      db.prepare(`INSERT INTO ${tableName('events', day)} (order_id, event_id, time_ns, body) VALUES (?, ?, ?, ?)`).run('ORD-1', 'ev-1', BigInt(event.timeUnixNano), JSON.stringify(event));
      expect(indexesOf(db, tableName('events', day))).not.toContain(`${tableName('events', day)}_time`);
      db.close();
      const store = await SqliteStore.open({ dataDir: old, durability: 'normal', keyAttributes: [] });
      try {
        expect((await store.listEvents({ limit: 10 })).items).toStrictEqual([event]);
      } finally {
        await store.close();
      }
      const reopened = new DatabaseSync(join(old, DATABASE_FILE), { readOnly: true });
      expect(indexesOf(reopened, tableName('events', day))).toContain(`${tableName('events', day)}_time`);
      reopened.close();
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });

  it('loads 120 000 states of 6 out of 12 partitions in pages, each exactly once', async () => {
    const store = await SqliteStore.open({ dataDir: dir, durability: 'normal', keyAttributes: [] });
    try {
      const total = 120_000;
      for (let start = 0; start < total; start += 30_000) {
        const states: OrderRuleState[] = [];
        for (let i = start; i < start + 30_000; i++) states.push({ orderId: `ORD-bulk-${i}`, partition: 100 + (i % 12), state: `{"i":${i}}`, version: 1 });
        await store.alerts.saveOrderStates(states);
      }
      const wanted = [100, 102, 104, 106, 108, 110];
      const seen = new Set<string>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.alerts.loadOrderStates(wanted, 7_000, cursor);
        expect(page.items.length).toBeLessThanOrEqual(7_000);
        for (const s of page.items) {
          expect(wanted).toContain(s.partition);
          seen.add(s.orderId);
        }
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(seen.size).toBe(total / 2);
      expect(pages).toBe(Math.ceil(total / 2 / 7_000));
    } finally {
      await store.close();
    }
  });
});
