// The Store contract against the embedded SQLite store (one fresh database per suite run).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../core/store/sqlite-store.ts';
import { storeContract } from './store.contract.ts';

const dirs: string[] = [];

storeContract('sqlite', {
  async create(keyAttributes) {
    const dataDir = mkdtempSync(join(tmpdir(), 'ot-store-contract-'));
    dirs.push(dataDir);
    return SqliteStore.open({ dataDir, durability: 'full', keyAttributes });
  },
  async cleanup() {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  },
});
