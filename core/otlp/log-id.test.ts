import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../model.ts';
import { canonicalAttributes, canonicalValue, computeLogId } from './log-id.ts';

const base: Omit<LogRecord, 'logId'> = {
  timeUnixNano: '1700000000000000000',
  observedTimeUnixNano: '1700000000000000001',
  severityNumber: 9,
  severityText: 'INFO',
  body: 'hello',
  attributes: { a: '1', b: { int: '2' } },
  droppedAttributesCount: 0,
  flags: 0,
  traceId: '',
  spanId: '',
  eventName: '',
  service: 'svc',
  resource: { attributes: {}, droppedAttributesCount: 0 },
  scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0 },
  orderId: '',
};

describe('computeLogId', () => {
  it('is 32 lowercase hex characters and deterministic', () => {
    const id = computeLogId(base);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(computeLogId({ ...base, attributes: { b: { int: '2' }, a: '1' } })).toBe(id);
  });

  it('changes with each hashed field', () => {
    const id = computeLogId(base);
    const variants: Array<Partial<LogRecord>> = [
      { timeUnixNano: '1700000000000000002' },
      { observedTimeUnixNano: '1700000000000000002' },
      { traceId: 'ab'.repeat(16) },
      { spanId: 'ab'.repeat(8) },
      { severityNumber: 10 },
      { severityText: 'WARN' },
      { eventName: 'e' },
      { service: 'other' },
      { body: 'hello!' },
      { body: { kv: { hello: null } } },
      { attributes: { a: '1', b: '2' } },
      { attributes: { a: '1' } },
    ];
    for (const v of variants) expect(computeLogId({ ...base, ...v })).not.toBe(id);
  });

  it('does not depend on resource, scope, flags or dropped counts', () => {
    expect(computeLogId({ ...base, flags: 1, droppedAttributesCount: 3, resource: { attributes: { x: 'y' }, droppedAttributesCount: 0 } })).toBe(computeLogId(base));
  });
});

describe('canonical form', () => {
  it('distinguishes values of different kinds with the same text', () => {
    const forms = ['1', 1, { int: '1' }, true, 'true', null, '', [], ['1'], { bytes: '1' }, { kv: {} }].map((v) => canonicalValue(v as never));
    expect(new Set(forms).size).toBe(forms.length);
  });

  it('cannot be confused by separators inside strings', () => {
    expect(canonicalAttributes({ 'a:b': 'c' })).not.toBe(canonicalAttributes({ a: 'b:c' }));
    expect(canonicalValue(['a', 'b'])).not.toBe(canonicalValue(['a"', '"b']));
  });

  it('sorts keys at every level', () => {
    expect(canonicalValue({ kv: { z: 1, a: { kv: { y: 'q', b: 'p' } } } })).toBe(canonicalValue({ kv: { a: { kv: { b: 'p', y: 'q' } }, z: 1 } }));
  });
});
