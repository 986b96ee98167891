// The bus contract against SqliteBus (all-in-one mode): a fresh SQLite file per test, reopened by path.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteBus } from '../../core/bus/sqlite-bus.ts';
import { busContract } from './bus.contract.ts';

let dir: string | undefined;
let path = '';

const open = () =>
  SqliteBus.open({ path, durability: 'full', retryBackoffMs: 20, onError: () => undefined });

busContract('SqliteBus', {
  async create() {
    dir = mkdtempSync(join(tmpdir(), 'ot-bus-contract-'));
    path = join(dir, 'bus.sqlite');
    return open();
  },
  async reopen() {
    return open();
  },
  async cleanup() {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  },
});
