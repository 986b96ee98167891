// Builds the rule set's notifiers (secrets from the environment variables their definitions name)
// and routes each delivery: a grouped Notification to its rule's `notify` channels (or the rule
// set's defaultNotify), a TicketRequest to the rule's `ticket` channels, a StatusPush to `statusPush`.
import type { NotifierDef, Rule, RuleSet } from '../model.ts';
import { EmailNotifier } from './email.ts';
import type { DeadLetterSink, DeliveryResult, Notifier } from './notifier.ts';
import type { Delivery, Notification, StatusPush, TicketRequest } from './notification.ts';
import type { RetryPolicy } from './retry.ts';
import { retryPolicy } from './retry.ts';
import { slackNotifier } from './slack.ts';
import { webhookNotifier } from './webhook.ts';

export type DispatcherRuleSet = Pick<RuleSet, 'rules' | 'notifiers' | 'defaultNotify' | 'statusPush'>;

export interface DispatcherOptions {
  ruleSet: DispatcherRuleSet;
  /** Given-up deliveries; wire to AlertStore.addDeadLetter. */
  onDeadLetter: DeadLetterSink;
  /** Where secretEnv / userEnv / passwordEnv are looked up (default process.env). */
  env?: Record<string, string | undefined>;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
  random?: () => number;
}

interface BuildContext {
  env: Record<string, string | undefined>;
  policy: RetryPolicy;
  onDeadLetter: DeadLetterSink;
  now?: () => number;
  random?: () => number;
}

/** The value of the environment variable `name`, which must be set when a definition names it. */
function fromEnv(def: NotifierDef, field: string, name: string | undefined, env: BuildContext['env']): string | undefined {
  if (name === undefined) return undefined;
  const value = env[name];
  if (!value) throw new Error(`notifier "${def.id}": environment variable ${name} (${field}) is not set`);
  return value;
}

export function buildNotifier(def: NotifierDef, ctx: BuildContext): Notifier {
  const common = {
    id: def.id,
    policy: ctx.policy,
    onDeadLetter: ctx.onDeadLetter,
    ...(ctx.now ? { now: ctx.now } : {}),
    ...(ctx.random ? { random: ctx.random } : {}),
  };
  switch (def.type) {
    case 'webhook':
    case 'slack': {
      const secret = fromEnv(def, 'secretEnv', def.secretEnv, ctx.env);
      const options = { ...common, url: def.url ?? '', ...(secret !== undefined ? { secret } : {}) };
      return def.type === 'webhook' ? webhookNotifier(options) : slackNotifier(options);
    }
    case 'email': {
      if (!def.smtp) throw new Error(`notifier "${def.id}": smtp is required for email`);
      const user = fromEnv(def, 'smtp.userEnv', def.smtp.userEnv, ctx.env);
      const password = fromEnv(def, 'smtp.passwordEnv', def.smtp.passwordEnv, ctx.env);
      const smtp = { host: def.smtp.host, port: def.smtp.port, secure: def.smtp.secure, ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) };
      return new EmailNotifier({ ...common, smtp, from: def.from ?? '', to: def.to ?? [] });
    }
    default:
      throw new Error(`notifier "${(def as NotifierDef).id}": unknown type "${(def as { type: string }).type}" (webhook, slack or email)`);
  }
}

function where(rule: Rule): string {
  return `rule "${rule.id}" (${rule.source.file}:${rule.source.line})`;
}

export class Dispatcher {
  readonly #ruleSet: DispatcherRuleSet;
  readonly #notifiers = new Map<string, Notifier>();
  readonly #rules = new Map<string, Rule>();

  constructor(options: DispatcherOptions) {
    const { ruleSet } = options;
    this.#ruleSet = ruleSet;
    const ctx: BuildContext = {
      env: options.env ?? process.env,
      policy: retryPolicy(options.retry),
      onDeadLetter: options.onDeadLetter,
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
    };
    for (const def of ruleSet.notifiers) {
      if (this.#notifiers.has(def.id)) throw new Error(`notifier "${def.id}" is defined twice`);
      this.#notifiers.set(def.id, buildNotifier(def, ctx));
    }
    this.#check(ruleSet.defaultNotify, 'defaultNotify');
    if (ruleSet.statusPush !== null) this.#check([ruleSet.statusPush], 'statusPush');
    for (const rule of ruleSet.rules) {
      this.#rules.set(rule.id, rule);
      this.#check(rule.notify, `${where(rule)} notify`);
      this.#check(rule.ticket, `${where(rule)} ticket`);
    }
  }

  get notifiers(): ReadonlyMap<string, Notifier> {
    return this.#notifiers;
  }

  /** The channels a rule's notifications go to. */
  notifyChannels(ruleId: string): string[] {
    const own = this.#rules.get(ruleId)?.notify ?? [];
    return own.length > 0 ? own : this.#ruleSet.defaultNotify;
  }

  ticketChannels(ruleId: string): string[] {
    return this.#rules.get(ruleId)?.ticket ?? [];
  }

  notify(notification: Notification): Promise<DeliveryResult[]> {
    return this.#send(this.notifyChannels(notification.ruleId), { type: 'notification', notification });
  }

  ticket(ticket: TicketRequest): Promise<DeliveryResult[]> {
    return this.#send(this.ticketChannels(ticket.ruleId), { type: 'ticket', ticket });
  }

  /** Sends nothing when the rule set has no statusPush channel. */
  pushStatus(status: StatusPush): Promise<DeliveryResult[]> {
    return this.#send(this.#ruleSet.statusPush === null ? [] : [this.#ruleSet.statusPush], { type: 'status', status });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#notifiers.values()].map((n) => n.close()));
  }

  /** Every channel independently; a failing channel dead-letters its copy without holding up the others. */
  #send(channels: string[], delivery: Delivery): Promise<DeliveryResult[]> {
    return Promise.all(channels.map((id) => this.#notifiers.get(id)!.send(delivery)));
  }

  #check(ids: string[], what: string): void {
    for (const id of ids) {
      if (!this.#notifiers.has(id)) {
        const known = [...this.#notifiers.keys()].join(', ') || 'none';
        throw new Error(`${what}: channel "${id}" is not a configured notifier (configured: ${known})`);
      }
    }
  }
}
