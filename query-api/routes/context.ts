// What the route modules need from buildQueryApi.
import type { StageDef } from '../../core/stages.ts';
import type { Store } from '../../core/store/store.ts';

export interface RouteContext {
  store: Store;
  stages: StageDef[];
  now: () => number;
  keyAttributes: readonly string[];
}
