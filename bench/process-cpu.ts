// CPU time of processes from /proc (user + system, all threads), for per-span cost figures that stay
// meaningful when other work shares the machine (throughput figures do not).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds the process has used so far, or NaN when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at index 2 = field 3 (state).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14, 15)
  } catch {
    return Number.NaN;
  }
}

/** The pid a dev service (deploy/dev) wrote into its run directory, or undefined. */
export function devServicePid(service: 'clickhouse' | 'kafka'): number | undefined {
  const base = process.env.ORDERTRACE_DEV_RUN_DIR ?? join(import.meta.dirname, '..', '.deploy-run');
  const file = service === 'clickhouse' ? 'clickhouse-server.pid' : 'kafka.pid';
  try {
    const pid = Number(readFileSync(join(base, service, file), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Snapshots of named processes' CPU; `since(before)` gives seconds used per name in between. */
export class CpuMeter {
  readonly #pids: ReadonlyMap<string, number>;

  constructor(pids: Record<string, number | undefined>) {
    this.#pids = new Map(Object.entries(pids).filter((e): e is [string, number] => e[1] !== undefined));
  }

  snapshot(): Map<string, number> {
    return new Map([...this.#pids].map(([name, pid]) => [name, cpuSeconds(pid)]));
  }

  /** "name 12.3 µs" per process and the total, per unit of work. */
  perUnit(before: Map<string, number>, units: number, unit = 'span'): string {
    const after = this.snapshot();
    let total = 0;
    const parts = [...after].map(([name, seconds]) => {
      const used = seconds - (before.get(name) ?? Number.NaN);
      total += used;
      return `${name} ${((used * 1e6) / units).toFixed(1)}`;
    });
    return `CPU µs per ${unit}: ${parts.join(', ')}; total ${((total * 1e6) / units).toFixed(1)}`;
  }
}
