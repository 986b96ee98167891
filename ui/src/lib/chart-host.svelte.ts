// One chart in a component: mounts it once ECharts has loaded (charts.ts mountWhenLoaded), draws the
// option again whenever what it reads changes, and says whether the latest option has been painted
// (components expose it as data-painted; end-to-end tests wait for it). Call during component
// initialisation: it registers the component's effects.
import { mountWhenLoaded, type MountedChart } from './charts.ts';

export interface ChartHooks {
  /** Once, with the new chart (e.g. to attach click handlers, which should read their state at click time). */
  onMounted?: (chart: MountedChart) => void;
  /** After each finished paint. */
  onPainted?: () => void;
}

export class ChartHost {
  painted = $state(false);
  #chart = $state.raw<MountedChart | null>(null);

  /** `element` is read when the component has mounted; `option` is re-read (and redrawn) when what it reads changes. */
  constructor(element: () => HTMLElement, option: () => Record<string, unknown>, hooks: ChartHooks = {}) {
    $effect(() => {
      const cleanup = mountWhenLoaded(
        element(),
        (mounted) => {
          hooks.onMounted?.(mounted);
          this.#chart = mounted;
        },
        () => {
          this.painted = true;
          hooks.onPainted?.();
        },
      );
      return () => {
        cleanup();
        this.#chart = null;
      };
    });
    $effect(() => {
      const chart = this.#chart;
      if (!chart) return;
      const next = option();
      this.painted = false;
      chart.setOption(next);
    });
  }
}
