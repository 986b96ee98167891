// ECharts is most of the JavaScript: it is a chunk of its own, requested at start-up next to the
// app (main.ts) and compiled while the app renders the page; charts draw once it is there.
import type { mountChart } from './echarts.ts';

export type MountedChart = ReturnType<typeof mountChart>;

let loading: Promise<typeof import('./echarts.ts')> | null = null;

export function loadCharts(): Promise<typeof import('./echarts.ts')> {
  loading ??= import('./echarts.ts');
  return loading;
}

/**
 * Mounts a chart on `element` once ECharts has loaded, for a component's `$effect`: `onMounted` gets
 * the chart (and may attach handlers), `onFinished` runs after each finished paint. Returns the
 * effect's cleanup, which disposes the chart (or cancels the mount if ECharts is still loading).
 */
export function mountWhenLoaded(element: HTMLElement, onMounted: (chart: MountedChart) => void, onFinished: () => void = () => {}): () => void {
  let mounted: MountedChart | null = null;
  let disposed = false;
  void loadCharts().then(({ mountChart }) => {
    if (disposed) return;
    mounted = mountChart(element, onFinished);
    onMounted(mounted);
  });
  return () => {
    disposed = true;
    mounted?.dispose();
  };
}
