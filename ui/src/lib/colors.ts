// Colours with meaning, in one place: the Gantt, the stage table and the tests agree on them.
import type { StageState } from '../../../core/journey.ts';

export const STATE_COLORS: Record<StageState, string> = {
  done: '#2e7d32',
  late: '#ef6c00',
  in_progress: '#1e88e5',
  overdue: '#d32f2f',
  failed: '#7b1fa2',
  missing: '#757575',
  pending: '#b0bec5',
  cancelled: '#9e9e9e',
};

export const EXPECTED_COLOR = '#cfd8dc';
export const PLACEHOLDER_STROKE = '#757575';
export const NOW_COLOR = '#546e7a';
export const CRITICAL_COLOR = '#c2185b';
export const SPAN_COLOR = '#64b5f6';
export const ERROR_COLOR = '#d32f2f';
export const HISTOGRAM_COLOR = '#5c6bc0';
