import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('runtime', () => {
  it('runs on Node 24 LTS, the version the product targets', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24);
  });

  it('declares an engines range the code really needs (type stripping, node:sqlite)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe('>=22.18');
  });

  it('has the built-in node:sqlite module the embedded store uses', async () => {
    const sqlite = await import('node:sqlite');
    expect(typeof sqlite.DatabaseSync).toBe('function');
  });
});
