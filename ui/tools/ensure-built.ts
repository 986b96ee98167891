// Builds ui/dist when it is missing or older than the UI sources, for the end-to-end tests and the
// bench (`npm run build:ui` does the same unconditionally).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const UI_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const UI_DIST = join(UI_ROOT, 'dist');
const REPO = join(UI_ROOT, '..');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function uiBuildIsCurrent(): boolean {
  const index = join(UI_DIST, 'index.html');
  if (!existsSync(index)) return false;
  const sources = Math.max(newestMtime(join(UI_ROOT, 'src')), newestMtime(join(UI_ROOT, 'index.html')), newestMtime(join(UI_ROOT, 'vite.config.ts')));
  return statSync(index).mtimeMs >= sources;
}

/** Runs `vite build --config ui/vite.config.ts` unless ui/dist is current; throws with vite's output on failure. */
export function ensureUiBuilt(): void {
  if (uiBuildIsCurrent()) return;
  const vite = join(REPO, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', join(UI_ROOT, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: REPO, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
}
