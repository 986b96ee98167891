import { describe, expect, it } from 'vitest';
import { resolveSettings, SETTINGS, SettingsError } from './settings.ts';

describe('resolveSettings', () => {
  it('takes flags over environment over defaults', () => {
    const s = resolveSettings(['httpPort', 'otlpPort', 'dataDir', 'demo'], { httpPort: '9000' }, { ORDERTRACE_HTTP_PORT: '9100', ORDERTRACE_OTLP_PORT: '5318', ORDERTRACE_DEMO: 'false' });
    expect(s).toEqual({ httpPort: 9000, otlpPort: 5318, dataDir: './data', demo: false });
  });

  it('names every bad setting with its flag and variable', () => {
    try {
      resolveSettings(['httpPort', 'retentionDays', 'durability'], { httpPort: 'abc' }, { ORDERTRACE_RETENTION_DAYS: '-1', ORDERTRACE_DURABILITY: 'sometimes' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError);
      const problems = (error as SettingsError).problems;
      expect(problems).toHaveLength(3);
      expect(problems[0]).toBe('--http-port (ORDERTRACE_HTTP_PORT) must be a port number 0-65535, got "abc"');
      expect(problems[1]).toMatch(/--retention-days \(ORDERTRACE_RETENTION_DAYS\) must be at least/);
      expect(problems[2]).toMatch(/--durability .* must be one of full, normal, got "sometimes"/);
    }
  });

  it('rejects ports above 65535 and empty strings', () => {
    expect(() => resolveSettings(['otlpPort'], { otlpPort: '70000' }, {})).toThrow(/--otlp-port/);
    expect(() => resolveSettings(['dataDir'], {}, { ORDERTRACE_DATA_DIR: ' ' })).toThrow(/must not be empty/);
  });

  it('uses ORDERTRACE_ names for every environment variable', () => {
    for (const def of Object.values(SETTINGS)) expect(def.env).toMatch(/^ORDERTRACE_[A-Z_]+$/);
  });
});
