// One alert as a card: its remediation guide (fetched when opened) and the acknowledge / resolve
// actions. Who acts is remembered in the browser until the API has authentication.
import type { Api } from '../lib/api.ts';
import type { Alert, AlertDetail } from '../lib/api-types.ts';
import { Remote } from './remote.svelte.ts';

const ACTOR_KEY = 'ordertrace.actor';

export function rememberedActor(storage: Pick<Storage, 'getItem'> | null = globalThis.localStorage ?? null): string {
  return storage?.getItem(ACTOR_KEY) ?? '';
}

export class AlertCard {
  alert = $state.raw<Alert>(null as unknown as Alert);
  readonly detail = new Remote<AlertDetail>();
  readonly action = new Remote<Alert>();
  readonly #api: Api;
  readonly #storage: Pick<Storage, 'setItem'> | null;

  constructor(api: Api, alert: Alert, storage: Pick<Storage, 'setItem'> | null = globalThis.localStorage ?? null) {
    this.#api = api;
    this.alert = alert;
    this.#storage = storage;
  }

  readonly canAcknowledge = $derived(this.alert.state === 'firing');
  readonly canResolve = $derived(this.alert.state !== 'resolved');

  async loadGuide(): Promise<void> {
    if (this.detail.data || this.detail.loading) return;
    await this.detail.load((signal) => this.#api.getAlert(this.alert.id, signal));
  }

  /** Acknowledges or resolves as `actor`; the card shows the alert the API answers. */
  async act(kind: 'ack' | 'resolve', actor: string): Promise<Alert | null> {
    const who = actor.trim();
    this.#storage?.setItem(ACTOR_KEY, who);
    const updated = await this.action.load(() => this.#api.alertAction(this.alert.id, kind, who));
    if (updated) this.alert = updated;
    return updated;
  }
}
