// Where each stage of an order goes on the Gantt chart: one row per stage (per shipment for
// per-shipment stages), the actual bar coloured by state, the expected duration behind it, and
// dashed placeholders for missing stages. Pure: same stages and clock, same layout.
import type { JourneyStage, StageState } from '../../../core/journey.ts';
import { nsToMs } from './time.ts';

export type BarKind =
  | 'actual' // start → end (or → now while open)
  | 'expected' // start → due: how long it should take
  | 'placeholder' // a missing stage: where its events should have been
  | 'milestone'; // only one end is known: a marker

export interface GanttBar {
  row: number;
  kind: BarKind;
  state: StageState;
  startMs: number;
  endMs: number;
}

export interface GanttRow {
  stage: JourneyStage;
}

export interface GanttLayout {
  rows: GanttRow[];
  bars: GanttBar[];
  minMs: number;
  maxMs: number;
  nowMs: number;
  /** The order is still open: the "now" line belongs on the chart. */
  showNow: boolean;
}

const OPEN_STATES: ReadonlySet<StageState> = new Set(['in_progress', 'overdue', 'pending']);

const ms = (ns: string | null) => (ns === null ? null : nsToMs(ns));

/** Latest known time of a stage (its end, else its start), or null. */
function lastKnown(stage: JourneyStage): number | null {
  return ms(stage.endNs) ?? ms(stage.startNs);
}

function firstKnown(stage: JourneyStage): number | null {
  return ms(stage.startNs) ?? ms(stage.endNs);
}

/** Stages whose times can anchor another's placeholder: order-level ones, or the same shipment. */
function related(a: JourneyStage, b: JourneyStage): boolean {
  return a.shipmentId === null || b.shipmentId === null || a.shipmentId === b.shipmentId;
}

function actualBars(stage: JourneyStage, row: number, nowMs: number): GanttBar[] {
  const start = ms(stage.startNs);
  const end = ms(stage.endNs);
  const bars: GanttBar[] = [];
  const due = ms(stage.dueNs);
  // A cancelled stage was never going to finish: its deadline says nothing (and would stretch the axis).
  if (start !== null && due !== null && stage.state !== 'cancelled') bars.push({ row, kind: 'expected', state: stage.state, startMs: start, endMs: due });
  if (start !== null && end !== null) bars.push({ row, kind: 'actual', state: stage.state, startMs: start, endMs: end });
  else if (start !== null && (stage.state === 'in_progress' || stage.state === 'overdue')) {
    bars.push({ row, kind: 'actual', state: stage.state, startMs: start, endMs: Math.max(start, nowMs) });
  } else if (start !== null || end !== null) {
    const at = (start ?? end)!;
    bars.push({ row, kind: 'milestone', state: stage.state, startMs: at, endMs: at });
  }
  return bars;
}

/**
 * Placeholders for runs of consecutive missing stages: the gap between the last known time before
 * the run and the first known time after it is shared out in order; with only one side known, each
 * stage gets its expected duration.
 */
function placeholderBars(stages: JourneyStage[]): GanttBar[] {
  const bars: GanttBar[] = [];
  let i = 0;
  while (i < stages.length) {
    if (stages[i]!.state !== 'missing') {
      i++;
      continue;
    }
    let j = i;
    while (j < stages.length && stages[j]!.state === 'missing') j++;
    const run = stages.slice(i, j);
    const first = run[0]!;
    const before = stages.slice(0, i).filter((s) => related(s, first)).map(lastKnown).filter((v): v is number => v !== null);
    const after = stages.slice(j).filter((s) => related(s, first)).map(firstKnown).filter((v): v is number => v !== null);
    const from = before.length > 0 ? Math.max(...before) : null;
    const to = after.length > 0 ? Math.min(...after) : null;
    if (from !== null && to !== null && to > from) {
      const step = (to - from) / run.length;
      run.forEach((s, k) => bars.push({ row: i + k, kind: 'placeholder', state: s.state, startMs: from + k * step, endMs: from + (k + 1) * step }));
    } else if (from !== null) {
      let cursor = from;
      run.forEach((s, k) => {
        bars.push({ row: i + k, kind: 'placeholder', state: s.state, startMs: cursor, endMs: cursor + s.expectedMs });
        cursor += s.expectedMs;
      });
    } else if (to !== null) {
      let cursor = to;
      for (let k = run.length - 1; k >= 0; k--) {
        const s = run[k]!;
        bars.push({ row: i + k, kind: 'placeholder', state: s.state, startMs: cursor - s.expectedMs, endMs: cursor });
        cursor -= s.expectedMs;
      }
    }
    i = j;
  }
  return bars;
}

export function ganttLayout(stages: JourneyStage[], nowMs: number): GanttLayout {
  const rows = stages.map((stage) => ({ stage }));
  const bars = [...stages.flatMap((stage, row) => actualBars(stage, row, nowMs)), ...placeholderBars(stages)];
  const showNow = stages.some((s) => OPEN_STATES.has(s.state));
  const times = bars.flatMap((b) => [b.startMs, b.endMs]);
  if (showNow || times.length === 0) times.push(nowMs);
  return { rows, bars, minMs: Math.min(...times), maxMs: Math.max(...times), nowMs, showNow };
}
