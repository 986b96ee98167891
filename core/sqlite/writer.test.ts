import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { SqliteWriter } from './writer.ts';

const schema = ['CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v INTEGER NOT NULL)'];

describe('SqliteWriter', () => {
  it('commits concurrent writes and isolates a failing one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ot-writer-')), 'db.sqlite');
    const writer = await SqliteWriter.open({ path, schema, durability: 'full' });
    const ok = Array.from({ length: 50 }, (_, i) =>
      writer.write([{ sql: 'INSERT INTO t (k, v) VALUES (?, ?)', rows: [[`k${i}`, i]] }]),
    );
    const bad = writer.write([{ sql: 'INSERT INTO t (k, v) VALUES (?, ?)', rows: [['dup', 1], ['dup', 2]] }]);
    await expect(Promise.all(ok)).resolves.toHaveLength(50);
    await expect(bad).rejects.toThrow(/UNIQUE/);
    await writer.close();
    const db = new DatabaseSync(path);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 50 });
    expect(db.prepare("SELECT count(*) AS n FROM t WHERE k = 'dup'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('rejects writes after close', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ot-writer-')), 'db.sqlite');
    const writer = await SqliteWriter.open({ path, schema, durability: 'normal' });
    await writer.close();
    await expect(writer.write([])).rejects.toThrow(/closed/);
  });
});
