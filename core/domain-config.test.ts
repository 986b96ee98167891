import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDomainConfig, DomainConfigError, loadDomainConfig, parseDomainConfig, parseDuration } from './domain-config.ts';

describe('domain config', () => {
  it('ships an example file equal to the built-in stage catalog', () => {
    const example = loadDomainConfig(new URL('../config/ordertrace.example.yaml', import.meta.url).pathname);
    expect(example.stages).toEqual(defaultDomainConfig().stages);
    expect(example.keyAttributes).toEqual(defaultDomainConfig().keyAttributes);
    expect(example.spanNameEvents).toEqual([{ spanName: 'wms.pack_complete', service: 'wms', event: 'package.packed' }]);
  });

  it('parses durations', () => {
    expect(parseDuration('x', '90s')).toBe(90_000);
    expect(parseDuration('x', '2h')).toBe(7_200_000);
    expect(parseDuration('x', '1.5d')).toBe(129_600_000);
    expect(() => parseDuration('stages[0].expected', '2 hours')).toThrow('stages[0].expected: expected a duration');
  });

  it('names the file and field of a mistake', () => {
    expect(() => parseDomainConfig({ stages: [{ id: 'a', title: 'A', start: 'x', end: 'y', system: 's', expected: '1h', per: 'parcel' }] }, 'my.yaml'))
      .toThrow('my.yaml.stages[0].per: expected "order" or "shipment", got "parcel"');
    expect(() => parseDomainConfig({ stagez: [] }, 'my.yaml')).toThrow(/unknown field "stagez"/);
    expect(() => parseDomainConfig({ keyAttributes: ['ok', 3] }, 'my.yaml')).toThrow('my.yaml.keyAttributes[1]');
  });

  it('reports YAML syntax errors and missing files with the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ot-cfg-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'stages: [\n');
    expect(() => loadDomainConfig(bad)).toThrow(DomainConfigError);
    expect(() => loadDomainConfig(bad)).toThrow(bad);
    expect(() => loadDomainConfig(join(dir, 'none.yaml'))).toThrow(/cannot read/);
  });
});
