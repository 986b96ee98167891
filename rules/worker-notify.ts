// The rules worker's notification side: a Dispatcher (channels from the rule set, dead letters to the
// store) behind a NotifyService (grouping, silences, tickets, status pushes), rebuilt on hot reload.
// A rule set whose channels cannot be built (a secret's environment variable unset) keeps alerting —
// alerts are stored and listed — but sends nothing until fixed; the problem is reported.
import type { StageDef } from '../core/stages.ts';
import type { Store } from '../core/store/store.ts';
import type { Alert, RuleSet } from './model.ts';
import { alertGuideRenderer } from './notify/alert-guide.ts';
import { Dispatcher } from './notify/dispatcher.ts';
import type { StatusPush } from './notify/notification.ts';
import { NotifyService } from './notify/notify-service.ts';

export interface RulesNotificationsOptions {
  store: Store;
  ruleSet: RuleSet;
  stages: StageDef[];
  onError: (error: unknown, context: string) => void;
}

export class RulesNotifications {
  readonly #options: RulesNotificationsOptions;
  #dispatcher: Dispatcher | null = null;
  #service: NotifyService | null = null;

  constructor(options: RulesNotificationsOptions) {
    this.#options = options;
    this.setRules(options.ruleSet);
  }

  setRules(ruleSet: RuleSet): void {
    const { store, stages, onError } = this.#options;
    let dispatcher: Dispatcher;
    try {
      dispatcher = new Dispatcher({ ruleSet, onDeadLetter: (letter) => store.alerts.addDeadLetter(letter) });
    } catch (error) {
      onError(error, 'notification channels of the rule set (nothing is sent until this is fixed)');
      return;
    }
    const previous = { service: this.#service, dispatcher: this.#dispatcher };
    // Grouping settings live in the service, so a reload builds a new one; the old one flushes and closes.
    this.#service = new NotifyService({
      ruleSet,
      dispatcher,
      silences: (nowMs) => store.alerts.activeSilences(nowMs),
      guideFor: alertGuideRenderer({ alerts: store.alerts, store, ruleSet, stages }),
      onError: (error) => onError(error, 'sending a notification'),
    });
    this.#dispatcher = dispatcher;
    void (async () => {
      await previous.service?.stop();
      await previous.dispatcher?.close();
    })().catch((error: unknown) => onError(error, 'closing the previous notification channels'));
  }

  alertChanged(alert: Alert): void {
    this.#service?.alertChanged(alert);
  }

  statusChanged(push: StatusPush): void {
    this.#service?.statusChanged(push);
  }

  async stop(): Promise<void> {
    await this.#service?.stop();
    await this.#dispatcher?.close();
  }
}
