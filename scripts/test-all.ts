// The whole test suite, as the README names it (`npm test`):
//  1. start the real services the suites need (ClickHouse, Kafka, chDB via deploy/dev/services.sh),
//  2. type-check, build the UI, 3. the UI's vitest suites, then every other vitest suite in parallel, 4. the broker-stopping *.serial.test.ts files
//  one at a time, 5. stop what it started. Prints a closing "N passed, N failed" line that CI reads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`ordertrace tests need Node 24 (found ${process.version}); run them through npm so node_modules/.bin/node is used`);
  process.exit(1);
}

function run(title: string, command: string, args: string[]): number {
  console.log(`\n== ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  return result.status ?? 1;
}

const reports = mkdtempSync(join(tmpdir(), 'ot-tests-'));
let passed = 0;
let failed = 0;

function vitest(title: string, name: string, args: string[]): number {
  const report = join(reports, `${name}.json`);
  const status = run(title, 'vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args]);
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    passed += summary.numPassedTests;
    failed += summary.numFailedTests;
  } catch {
    failed += 1; // no report: vitest itself failed
  }
  return status;
}

const extra = process.argv.slice(2);
// Stop at the end only what this run started: a developer's already-running services stay up.
const wasUp = spawnSync('bash', ['deploy/dev/services.sh', 'status'], { stdio: 'ignore' }).status === 0;
const servicesUp = run('services', 'bash', ['deploy/dev/services.sh', 'up']);
let status = servicesUp;
try {
  if (servicesUp !== 0) {
    failed += 1; // integration suites cannot run: a failure, never a skip
  } else {
    const typecheck = run('type-check', 'tsc', ['--noEmit']) || run('type-check (ui)', 'tsc', ['--noEmit', '-p', 'ui']);
    if (typecheck === 0) passed += 1;
    else failed += 1;
    // The UI's end-to-end tests serve the built app; build it once here rather than in each test file.
    const uiBuild = run('UI build', 'vite', ['build', '--config', 'ui/vite.config.ts', '--logLevel', 'warn']);
    if (uiBuild !== 0) failed += 1;
    const ui = extra.length > 0 ? 0 : vitest('UI component and state tests', 'ui', ['--config', 'ui/vitest.config.ts']);
    const parallel = vitest('tests', 'parallel', extra);
    const serial = extra.length > 0 ? 0 : vitest('serial tests (stop and restart services)', 'serial', ['--config', 'vitest.serial.config.ts']);
    status = typecheck || uiBuild || ui || parallel || serial;
  }
} finally {
  if (!wasUp) run('services', 'bash', ['deploy/dev/services.sh', 'down']);
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(status !== 0 || failed > 0 ? 1 : 0);
