import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../core/errors.ts';

describe('docs/errors.md', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map([...doc.matchAll(/^\| `(OT_ERR_[A-Z_]+)` \| (\d+) \|/gm)].map((m) => [m[1]!, Number(m[2])]));

  it('documents every error code with its HTTP status', () => {
    for (const [code, { status }] of Object.entries(ErrorCodes)) expect(rows.get(code), code).toBe(status);
  });

  it('documents no code the server does not have', () => {
    for (const code of rows.keys()) expect(Object.keys(ErrorCodes)).toContain(code);
  });
});
