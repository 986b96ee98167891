// The seed scenario (test/e2e/rules-seed.ts) in both modes: all-in-one (embedded bus and SQLite, the
// rules engine in the same process) and distributed (collector, ingester, `ordertrace rules` worker and
// query API over real Kafka and ClickHouse).
import { afterAll, describe, expect, it } from 'vitest';
import { startTestInstance, type TestInstance } from '../helpers/all-in-one.ts';
import { startDistributed, type DistributedInstance } from '../helpers/distributed.ts';
import { seedScenario } from './rules-seed.ts';

describe('rules end to end, all-in-one', () => {
  let instance: TestInstance | undefined;
  afterAll(() => instance?.dispose());

  it('paid 3 h ago with no stock lock alerts at once, with its guide; the late lock resolves it as late', { timeout: 60_000 }, async () => {
    instance = await startTestInstance();
    await seedScenario(instance, 20_000);
  });
});

describe('rules end to end, distributed over Kafka and ClickHouse', () => {
  let instance: DistributedInstance | undefined;
  afterAll(() => instance?.dispose());

  it('the rules role alerts, the query API serves the alert, the worker reports its metrics', { timeout: 180_000 }, async () => {
    instance = await startDistributed('rules', { rules: true });
    await seedScenario(instance, 60_000);
    const metrics = await (await fetch(`${instance.rulesStatusUrl}/metrics`)).text();
    expect(metrics).toMatch(/^ordertrace_rules_facts_total [1-9]/m);
    expect(metrics).toMatch(/^ordertrace_rules_alert_changes_total\{state="resolved"\} [1-9]/m);
    expect((await fetch(`${instance.rulesStatusUrl}/readyz`)).status).toBe(200);
  });
});
