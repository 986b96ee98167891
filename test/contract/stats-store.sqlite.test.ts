// The StatsStore contract against the embedded SQLite store (one fresh data dir per run).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../core/store/sqlite-store.ts';
import { statsStoreContract } from './stats-store.contract.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'ot-stats-contract-'));

statsStoreContract('sqlite', {
  open: () => SqliteStore.open({ dataDir, durability: 'normal', keyAttributes: [] }),
  async cleanup() {
    rmSync(dataDir, { recursive: true, force: true });
  },
});
