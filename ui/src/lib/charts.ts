// ECharts is most of the JavaScript: it is a chunk of its own, requested at start-up next to the
// app (main.ts) and compiled while the app renders the page; charts draw once it is there.
import type { mountChart } from './echarts.ts';

export type MountedChart = ReturnType<typeof mountChart>;

let loading: Promise<typeof import('./echarts.ts')> | null = null;

export function loadCharts(): Promise<typeof import('./echarts.ts')> {
  loading ??= import('./echarts.ts');
  return loading;
}
