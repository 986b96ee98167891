// Runs the real `ordertrace` CLI as a child process, for crash and packaging tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { MALLOC_TUNING } from '../../cli/malloc-tuning.ts';

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when the output matches (or rejects on exit/timeout). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** Runs with the malloc settings the image sets (cli/malloc-tuning.ts) unless `env` gives others. */
export function spawnCli(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): CliProcess {
  const child = spawn(command, args, { env: { ...MALLOC_TUNING, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => { text += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { text += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const match = text.match(pattern);
          if (match) { clearInterval(poll); resolve(match); }
          else if (child.exitCode !== null || Date.now() - started > timeoutMs) {
            clearInterval(poll);
            reject(new Error(`waiting for ${pattern}: ${child.exitCode !== null ? `exited ${child.exitCode}` : 'timed out'}; output:\n${text}`));
          }
        }, 25);
      });
    },
  };
}

/** `node cli/main.ts start` on the given ports, embedded store in dataDir, no demo. */
export function spawnAllInOne(dataDir: string, ports: { http: number; otlp: number }): CliProcess {
  return spawnCli(process.execPath, [
    'cli/main.ts', 'start', '--no-demo', '--data-dir', dataDir, '--http-port', String(ports.http), '--otlp-port', String(ports.otlp),
    '--otlp-grpc-port', '0', '--log-level', 'warn',
  ]);
}
