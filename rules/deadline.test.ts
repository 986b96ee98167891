import { describe, expect, it } from 'vitest';
import { cancelDeadline, closeDeadline, dueAfter, emptyDeadline, evaluateDeadline, NO_FIRING, openDeadline } from './deadline.ts';
import { BERLIN_OFFICE, HOUR } from './test-kit.ts';

// The core the engine's deadline, stalled-queue and return-SLA rules and the backtest share.
describe('deadline core', () => {
  const GRACE = 1000;

  it('waits until due + grace, then fires once and stays overdue', () => {
    const d = emptyDeadline();
    openDeadline(d, 0, HOUR);
    expect(evaluateDeadline(d, HOUR + GRACE - 1, GRACE, 0)).toEqual({ kind: 'wait', fireAtMs: HOUR + GRACE });
    expect(evaluateDeadline(d, NO_FIRING, GRACE, 10 * HOUR)).toEqual({ kind: 'wait', fireAtMs: HOUR + GRACE });
    expect(evaluateDeadline(d, HOUR + GRACE, GRACE, HOUR + GRACE)).toEqual({ kind: 'fire' });
    expect(d.firedAtMs).toBe(HOUR + GRACE);
    expect(evaluateDeadline(d, 2 * HOUR, GRACE, 2 * HOUR)).toEqual({ kind: 'overdue' });
  });

  it('B at or before due: in time before firing, reported_late after; B after due: late either way', () => {
    const inTime = emptyDeadline();
    openDeadline(inTime, 0, HOUR);
    closeDeadline(inTime, HOUR);
    expect(evaluateDeadline(inTime, NO_FIRING, GRACE, 5)).toEqual({ kind: 'settled', outcome: 'in_time', alert: false });

    const reported = emptyDeadline();
    openDeadline(reported, 0, HOUR);
    evaluateDeadline(reported, 2 * HOUR, GRACE, 2 * HOUR);
    closeDeadline(reported, HOUR - 1);
    expect(evaluateDeadline(reported, NO_FIRING, GRACE, 3 * HOUR)).toEqual({ kind: 'settled', outcome: 'reported_late', alert: true });

    const late = emptyDeadline();
    openDeadline(late, 0, HOUR);
    closeDeadline(late, HOUR + 1);
    expect(evaluateDeadline(late, NO_FIRING, GRACE, 7)).toEqual({ kind: 'settled', outcome: 'late', alert: true });
    expect(late.firedAtMs).toBe(7); // a breach row exists for statistics even though nothing fired
  });

  it('a settled deadline ignores further A and B; the earliest A and B count', () => {
    const d = emptyDeadline();
    expect(closeDeadline(d, 50)).toBe(true);
    expect(closeDeadline(d, 60)).toBe(false);
    expect(openDeadline(d, 10, 100)).toBe(true);
    expect(openDeadline(d, 20, 110)).toBe(false);
    evaluateDeadline(d, NO_FIRING, 0, 0);
    expect(d.outcome).toBe('in_time');
    expect(openDeadline(d, 0, 90)).toBe(false);
  });

  it('cancel closes silently before firing and resolves after', () => {
    const pending = emptyDeadline();
    openDeadline(pending, 0, HOUR);
    expect(cancelDeadline(pending, 5)).toEqual({ kind: 'settled', outcome: 'cancelled', alert: false });
    const fired = emptyDeadline();
    openDeadline(fired, 0, HOUR);
    evaluateDeadline(fired, 2 * HOUR, 0, 2 * HOUR);
    expect(cancelDeadline(fired, 3 * HOUR)).toEqual({ kind: 'settled', outcome: 'cancelled', alert: true });
  });

  it('dueAfter counts business time when a calendar is given', () => {
    expect(dueAfter(1000, HOUR, null)).toBe(1000 + HOUR);
    expect(dueAfter(Date.UTC(2026, 2, 6, 16, 0), 2 * HOUR, BERLIN_OFFICE)).toBe(Date.UTC(2026, 2, 9, 9, 0));
  });
});
