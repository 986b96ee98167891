// Pure: the target of POST /api/v1/rules/test (an order, or a time window) from its schema-checked
// body. The window is bounded: a backtest replays every stored event in it.
import type { BacktestTarget } from './routes/context.ts';
import { ceilMs } from './alert-params.ts';
import { badParameter, parseTimeRange } from './params.ts';

/** Longest window a backtest replays. */
export const MAX_BACKTEST_WINDOW_MS = 31 * 24 * 3_600_000;

export interface RuleTestInput {
  yaml: string;
  fileName?: string;
  orderId?: string;
  from?: string | number;
  to?: string | number;
}

export function backtestTarget(input: RuleTestInput): BacktestTarget {
  const window = input.from !== undefined || input.to !== undefined;
  if (input.orderId !== undefined) {
    if (window) throw badParameter('give orderId, or from and to — not both');
    return { orderId: input.orderId };
  }
  if (input.from === undefined || input.to === undefined) {
    throw badParameter(window ? `a window needs both from and to, got only ${input.from === undefined ? 'to' : 'from'}` : 'give orderId, or from and to: what should the rules run over?');
  }
  const { fromNs, toNs } = parseTimeRange(String(input.from), String(input.to));
  const fromMs = ceilMs(fromNs!);
  const toMs = ceilMs(toNs!);
  if (toMs - fromMs > MAX_BACKTEST_WINDOW_MS) {
    throw badParameter(`the window from ${JSON.stringify(input.from)} to ${JSON.stringify(input.to)} is longer than ${MAX_BACKTEST_WINDOW_MS / 86_400_000} days; test a shorter one`);
  }
  return { fromMs, toMs };
}
