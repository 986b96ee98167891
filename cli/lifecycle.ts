// Shared by the long-running commands: print what runs where, and stop cleanly on SIGINT/SIGTERM.

export const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** The address to show for a bind address (0.0.0.0 is reachable as 127.0.0.1 locally). */
export const shownHost = (host: string): string => (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);

/** Runs `stop` once on the first SIGINT or SIGTERM, then exits 0. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handle = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`received ${signal}, shutting down`);
    await stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void handle('SIGINT'));
  process.once('SIGTERM', () => void handle('SIGTERM'));
}
