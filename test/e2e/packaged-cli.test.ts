// The CLI as users install it: `npm pack`, `npm install -g` of the tarball (built JavaScript, no type
// stripping under node_modules), then --help on every subcommand and a real start.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/all-in-one.ts';
import { spawnCli } from '../helpers/process.ts';

const root = new URL('../..', import.meta.url).pathname;
let bin: string;

beforeAll(() => {
  const work = mkdtempSync(join(tmpdir(), 'ot-pack-'));
  execFileSync('npm', ['pack', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
  const prefix = join(work, 'global');
  execFileSync('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], { stdio: 'pipe' });
  bin = join(prefix, 'bin', 'ordertrace');
}, 240_000);

describe('packed CLI', () => {
  it('prints help for the program and every subcommand', () => {
    const help = execFileSync(bin, ['--help'], { encoding: 'utf8' });
    expect(help).toMatch(/Usage: ordertrace/);
    const commands = [...help.matchAll(/^ {2}(\w[\w-]*) /gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['start', 'demo', 'collector', 'ingester', 'query-api']));
    for (const command of commands) {
      const sub = execFileSync(bin, [command, '--help'], { encoding: 'utf8' });
      expect(sub, command).toMatch(new RegExp(`Usage: ordertrace ${command}`));
    }
    expect(execFileSync(bin, ['start', '--help'], { encoding: 'utf8' })).toMatch(/--http-port <value>\s[^-]*ORDERTRACE_HTTP_PORT/) // help may wrap the description;
  });

  it('names a bad setting and exits 2', () => {
    try {
      execFileSync(bin, ['start', '--http-port', 'eighty'], { encoding: 'utf8', stdio: 'pipe' });
      expect.unreachable();
    } catch (error) {
      const e = error as { status: number; stderr: string };
      expect(e.status).toBe(2);
      expect(e.stderr).toContain('--http-port (ORDERTRACE_HTTP_PORT) must be a port number');
    }
  });

  it('starts all-in-one and answers on the query API', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ot-pack-data-'));
    const httpPort = await freePort();
    const proc = spawnCli(bin, ['start', '--no-demo', '--data-dir', dataDir, '--http-port', String(httpPort), '--otlp-port', String(await freePort()), '--otlp-grpc-port', '0']);
    try {
      await proc.waitFor(/query API/);
      const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/services`);
      expect(res.status).toBe(200);
    } finally {
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    }
  });
});
