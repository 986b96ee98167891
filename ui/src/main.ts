// Entry: start the deep link's API requests first, then load the app and the charts (chunks of their
// own), so data, app and ECharts are fetched and compiled side by side.
import { loadCharts } from './lib/charts.ts';
import { prefetch } from './lib/prefetch.ts';

prefetch(window.location.hash);
void import('./boot.ts');
void loadCharts();
