// Readiness probes shared by the collector and the ingester: is the bus (or the store) answering?
// A probe result is cached briefly so frequent /readyz polls do not load the backends.
import { Topics, type Bus } from '../core/bus/bus.ts';
import type { Store } from '../core/store/store.ts';

export type Probe = () => Promise<boolean>;

function withTimeout(check: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    check().then(
      () => { clearTimeout(timer); resolve(true); },
      () => { clearTimeout(timer); resolve(false); },
    );
  });
}

/** Caches a probe's answer for ttlMs; concurrent callers share one check. */
export function cachedProbe(check: () => Promise<unknown>, { ttlMs = 2000, timeoutMs = 3000 } = {}): Probe {
  let last: { at: number; ok: boolean } | undefined;
  let running: Promise<boolean> | undefined;
  return () => {
    if (last && Date.now() - last.at < ttlMs) return Promise.resolve(last.ok);
    running ??= withTimeout(check, timeoutMs).then((ok) => {
      last = { at: Date.now(), ok };
      running = undefined;
      return ok;
    });
    return running;
  };
}

/** The bus answers a metadata request (consumer lag of a group). */
export const busProbe = (bus: Bus, groupId: string): Probe => cachedProbe(() => bus.lag(groupId, Topics.spans));

/** The store answers a point read. */
export const storeProbe = (store: Store): Probe => cachedProbe(() => store.resolveOrderKey('ordertrace-readiness-probe'));

export const allOf = (...probes: Probe[]): Probe => async () => (await Promise.all(probes.map((p) => p()))).every(Boolean);
