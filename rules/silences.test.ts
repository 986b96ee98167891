import { describe, expect, it } from 'vitest';
import { alertFixture, T0 } from '../test/helpers/alert-fixtures.ts';
import type { Silence } from './model.ts';
import { findSilence, isSilenced } from './silences.ts';

function silence(overrides: Partial<Silence>): Silence {
  return { id: 's1', ruleId: null, matchers: {}, endsAtMs: T0 + 3_600_000, createdBy: 'ana', comment: 'maintenance', createdAtMs: T0 - 1000, version: 1, ...overrides };
}

const alert = alertFixture({ ruleId: 'paid-not-locked', orderId: 'ORD-7', severity: 'critical', labels: { team: 'inventory', region: 'eu' } });

describe('isSilenced', () => {
  it('matches on the rule (null = any rule)', () => {
    expect(isSilenced(alert, [silence({ ruleId: 'paid-not-locked' })], T0)).toBe(true);
    expect(isSilenced(alert, [silence({ ruleId: null })], T0)).toBe(true);
    expect(isSilenced(alert, [silence({ ruleId: 'other-rule' })], T0)).toBe(false);
  });

  it('requires every matcher to equal a label or a pseudo-label', () => {
    expect(isSilenced(alert, [silence({ matchers: { team: 'inventory', region: 'eu' } })], T0)).toBe(true);
    expect(isSilenced(alert, [silence({ matchers: { team: 'inventory', region: 'us' } })], T0)).toBe(false);
    expect(isSilenced(alert, [silence({ matchers: { missing: 'x' } })], T0)).toBe(false);
    expect(isSilenced(alert, [silence({ matchers: { orderId: 'ORD-7' } })], T0)).toBe(true);
    expect(isSilenced(alert, [silence({ matchers: { orderId: 'ORD-8' } })], T0)).toBe(false);
    expect(isSilenced(alert, [silence({ matchers: { severity: 'critical', ruleId: 'paid-not-locked' } })], T0)).toBe(true);
    expect(isSilenced(alert, [silence({ matchers: { severity: 'warning' } })], T0)).toBe(false);
  });

  it('lets the pseudo-labels win over alert labels of the same name', () => {
    const labelled = alertFixture({ severity: 'critical', labels: { severity: 'info' } });
    expect(isSilenced(labelled, [silence({ matchers: { severity: 'info' } })], T0)).toBe(false);
    expect(isSilenced(labelled, [silence({ matchers: { severity: 'critical' } })], T0)).toBe(true);
  });

  it('ignores expired silences (endsAtMs ≤ now)', () => {
    expect(isSilenced(alert, [silence({ endsAtMs: T0 })], T0)).toBe(false);
    expect(isSilenced(alert, [silence({ endsAtMs: T0 + 1 })], T0)).toBe(true);
  });

  it('returns the matching silence among several', () => {
    const found = findSilence(alert, [silence({ id: 'a', ruleId: 'x' }), silence({ id: 'b', matchers: { region: 'eu' } })], T0);
    expect(found?.id).toBe('b');
    expect(findSilence(alert, [], T0)).toBeNull();
  });
});
