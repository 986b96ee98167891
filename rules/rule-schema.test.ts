import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_RULES_DIR } from './load-rules.ts';
import { RULE_FILE_SCHEMA, RULE_KINDS, ruleFileSchemaJson } from './rule-schema.ts';

const publishedPath = new URL('../docs/rules.schema.json', import.meta.url);
const published = readFileSync(publishedPath, 'utf8');

// A validator as an editor or CI tool would use it: standard draft 2020-12, ignoring ajv's
// `discriminator` extension, so the published schema must stand on its own.
const standard = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true }).compile(JSON.parse(published) as object);

const defaults = readdirSync(DEFAULT_RULES_DIR).filter((n) => n.endsWith('.yaml'));

describe('published rule-file schema', () => {
  it('docs/rules.schema.json is exactly the schema in rules/rule-schema.ts', () => {
    // regenerate with: ./node_modules/.bin/node rules/rule-schema.ts > docs/rules.schema.json
    expect(published).toBe(ruleFileSchemaJson());
    expect(JSON.parse(published)).toEqual(RULE_FILE_SCHEMA);
  });

  it('has one rule branch per rule kind', () => {
    const defs = (JSON.parse(published) as { $defs: Record<string, { oneOf?: { $ref: string }[]; properties?: { kind?: { const?: string } } }> }).$defs;
    const branches = defs.rule!.oneOf!.map((r) => defs[r.$ref.replace('#/$defs/', '')]?.properties?.kind?.const);
    expect(branches).toEqual([...RULE_KINDS]);
  });

  it.each(defaults)('the shipped %s validates against the published schema', (name) => {
    const ok = standard(parse(readFileSync(join(DEFAULT_RULES_DIR, name), 'utf8')));
    expect(standard.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects what the loader rejects, without the discriminator extension too', () => {
    const bad = [
      { rules: [{ id: 'a', kind: 'deadline', title: 'A', after: 'x', expect: 'y', within: '2 hours' }] },
      { rules: [{ id: 'a', kind: 'deadline', title: 'A', after: 'x', expect: 'y', within: '2h', threshold: 3 }] },
      { rules: [{ id: 'a', kind: 'alarm', title: 'A' }] },
      { notifiers: [{ id: 'n', type: 'webhook' }] },
      { settings: { uiBaseUrl: 'localhost:8080' } },
      { calendars: [{ id: 'c', timeZone: 'UTC', workingDays: [0], start: '09:00', end: '18:00' }] },
    ];
    for (const file of bad) expect(standard(file), JSON.stringify(file)).toBe(false);
    expect(standard({ rules: [{ id: 'a', kind: 'deadline', title: 'A', after: 'x', expect: ['y', 'z'], within: '2h' }] })).toBe(true);
  });
});
