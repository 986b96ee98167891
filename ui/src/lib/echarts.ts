// ECharts with only the parts the UI draws (keeps the bundle small): custom series (Gantt), bar
// series (histogram, health anomalies), line series (health time series), graph series (health
// dependency map), grid, tooltip, legend, mark line ("now", expected durations), and the SVG
// renderer — SVG keeps the charts crisp and lets end-to-end tests read bar colours from the DOM.
import { BarChart, CustomChart, GraphChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([CustomChart, BarChart, LineChart, GraphChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

export type Chart = echarts.ECharts;

/**
 * Creates a chart in `element` that follows the element's size. `onPainted` runs after the first
 * complete render following each setOption (ECharts' "finished" event).
 */
export function mountChart(element: HTMLElement, onPainted: () => void): { chart: Chart; setOption(option: Record<string, unknown>): void; dispose(): void } {
  const chart = echarts.init(element, null, { renderer: 'svg' });
  let pending = false;
  chart.on('finished', () => {
    if (!pending) return;
    pending = false;
    onPainted();
  });
  // A ResizeObserver reports the size once as it starts observing: redrawing then would repaint the
  // whole chart right after its first paint (~10 ms of CPU per chart, measured), so only real changes.
  const resize = new ResizeObserver(() => {
    if (element.clientWidth !== chart.getWidth() || element.clientHeight !== chart.getHeight()) chart.resize();
  });
  resize.observe(element);
  return {
    chart,
    setOption(option) {
      pending = true;
      chart.setOption(option, { notMerge: true });
    },
    dispose() {
      resize.disconnect();
      chart.dispose();
    },
  };
}
