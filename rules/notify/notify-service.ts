// The notification side of the rules worker: feeds alert changes to the grouper, sends due groups on
// a timer, opens tickets for newly firing alerts of rules with `ticket:` channels, and pushes status
// changes. Silenced alerts get neither messages nor tickets. I/O lives here; decisions live in
// grouping.ts, silences.ts and dispatcher.ts.
import type { Alert, RuleSet, Silence } from '../model.ts';
import type { RenderedGuide } from '../guide.ts';
import { isSilenced } from '../silences.ts';
import type { Dispatcher } from './dispatcher.ts';
import { NotificationGrouper } from './grouping.ts';
import type { Notification, StatusPush } from './notification.ts';
import { ticketFor } from './notification.ts';

const SILENCE_CACHE_MS = 1000;

export interface NotifyServiceOptions {
  ruleSet: Pick<RuleSet, 'grouping' | 'uiBaseUrl'>;
  dispatcher: Pick<Dispatcher, 'notify' | 'ticket' | 'pushStatus' | 'ticketChannels'>;
  /** Silences active at nowMs: AlertStore.activeSilences. */
  silences: (nowMs: number) => Promise<Silence[]>;
  /** The remediation guide of an alert (see rules/notify/alert-guide.ts), attached to tickets and to a message's first example. */
  guideFor?: (alertId: string) => Promise<RenderedGuide | null>;
  now?: () => number;
  onError?: (error: unknown) => void;
  /** Wait before retrying a flush whose silences could not be read (default 1000 ms). */
  retryMs?: number;
}

export class NotifyService {
  readonly #options: NotifyServiceOptions;
  readonly #grouper: NotificationGrouper;
  readonly #now: () => number;
  #dispatcher: NotifyServiceOptions['dispatcher'];
  readonly #inFlight = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | null = null;
  #timerAtMs = Infinity;
  /** After silences could not be read: no flush before this time. */
  #notBeforeMs = 0;
  #silenceCache: { atMs: number; silences: Promise<readonly Silence[]> } | null = null;
  #stopped = false;

  constructor(options: NotifyServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#dispatcher = options.dispatcher;
    this.#grouper = new NotificationGrouper({ ...options.ruleSet.grouping, uiBaseUrl: options.ruleSet.uiBaseUrl });
  }

  /** Call for every alert the engine upserts (fired, acknowledged, resolved); repeats are harmless. */
  alertChanged(alert: Alert): void {
    if (this.#stopped) return;
    const outcome = this.#grouper.add(alert, this.#now());
    if (outcome === 'buffered' && alert.state === 'firing' && this.#dispatcher.ticketChannels(alert.ruleId).length > 0) {
      this.#track(this.#openTicket(alert));
    }
    this.#schedule();
  }

  /**
   * Sends later deliveries through another dispatcher (the rule set was reloaded). Buffered alerts
   * are kept; close the old dispatcher after idle().
   */
  useDispatcher(dispatcher: NotifyServiceOptions['dispatcher']): void {
    this.#dispatcher = dispatcher;
  }

  /** Call when an order's canonical status changes; sent only when the rule set names a statusPush channel. */
  statusChanged(push: StatusPush): void {
    if (!this.#stopped) this.#track(this.#dispatcher.pushStatus(push));
  }

  /** Sends every group that is due now (`all`: every buffered group). The timer calls it; tests may too. */
  async flushDue(options: { all?: boolean } = {}): Promise<void> {
    const nowMs = this.#now();
    const due = this.#grouper.dueAtMs();
    if (due === null || (options.all !== true && (due > nowMs || this.#notBeforeMs > nowMs))) return;
    let silences: readonly Silence[];
    try {
      silences = await this.#silences(nowMs);
    } catch (error) {
      this.#options.onError?.(error);
      this.#notBeforeMs = this.#now() + (this.#options.retryMs ?? 1000);
      return;
    }
    const sends = this.#grouper.flush(nowMs, silences, options).map((n) => this.#track(this.#sendNotification(n)));
    await Promise.all(sends);
  }

  /** Resolves once every delivery started so far has finished (delivered or dead-lettered). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /** Stops the timer, sends what is still buffered (due or not) and waits for every delivery in flight. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#track(this.flushDue({ all: true }));
    await this.idle();
  }

  async #sendNotification(notification: Notification): Promise<void> {
    const example = notification.examples.find((e) => e.state === 'firing') ?? notification.examples[0];
    const guide = example && this.#options.guideFor ? await this.#options.guideFor(example.alertId) : null;
    await this.#dispatcher.notify(guide ? { ...notification, guide } : notification);
  }

  async #openTicket(alert: Alert): Promise<void> {
    const nowMs = this.#now();
    if (isSilenced(alert, await this.#silences(nowMs), nowMs)) return;
    const guide = this.#options.guideFor ? await this.#options.guideFor(alert.id) : null;
    await this.#dispatcher.ticket(ticketFor(alert, this.#options.ruleSet.uiBaseUrl, guide ?? undefined));
  }

  /** Active silences, read at most once per second: a burst of tickets shares one read. */
  #silences(nowMs: number): Promise<readonly Silence[]> {
    const cached = this.#silenceCache;
    if (cached && nowMs - cached.atMs < SILENCE_CACHE_MS) return cached.silences;
    const silences = this.#options.silences(nowMs);
    this.#silenceCache = { atMs: nowMs, silences };
    silences.catch(() => {
      if (this.#silenceCache?.silences === silences) this.#silenceCache = null;
    });
    return silences;
  }

  /** Keeps the promise until it settles; failures go to onError. */
  #track(work: Promise<unknown>): Promise<void> {
    const tracked = work.then(
      () => undefined,
      (error: unknown) => this.#options.onError?.(error),
    );
    this.#inFlight.add(tracked);
    void tracked.finally(() => this.#inFlight.delete(tracked));
    return tracked;
  }

  #schedule(): void {
    const due = this.#grouper.dueAtMs();
    if (due !== null) this.#arm(Math.max(due, this.#notBeforeMs));
  }

  /** Arms the timer for atMs unless it already fires earlier. */
  #arm(atMs: number): void {
    if (this.#stopped || (this.#timer !== null && this.#timerAtMs <= atMs)) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAtMs = atMs;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#timerAtMs = Infinity;
      void this.#track(this.flushDue()).then(() => this.#schedule());
    }, Math.max(0, atMs - this.#now()));
    this.#timer.unref();
  }
}
