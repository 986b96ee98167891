// Notification grouping, per rule: alert changes (fired, resolved) are buffered; the first message
// goes out groupWaitMs after the first change, later ones at most once per groupIntervalMs. So 500
// orders breaching one rule in five minutes make one message with counts and examples, not 500.
//
// Pure state: no timers and no clock of its own — the caller passes nowMs and asks dueAtMs() when to
// call flush() next. Silenced alerts are dropped at flush time (rules/silences.ts).
import type { Alert, Silence } from '../model.ts';
import { orderLink } from '../guide-context.ts';
import { isSilenced } from '../silences.ts';
import type { Notification, NotificationExample } from './notification.ts';
import { notificationText } from './notification.ts';

export interface GroupingOptions {
  groupWaitMs: number;
  groupIntervalMs: number;
  maxExamples: number;
  uiBaseUrl: string;
}

export type AddOutcome =
  | 'buffered' // will be in the rule's next message
  | 'duplicate' // already notified in this state
  | 'withdrawn' // undoes a change not sent yet (fired then resolved, or resolved then fired again)
  | 'ignored'; // acknowledged, or the resolution of an alert whose firing was silenced

interface Change {
  alert: Alert;
  state: 'firing' | 'resolved';
  atMs: number;
}

interface Group {
  pending: Map<string, Change>;
  /** When pending last went from empty to non-empty. */
  firstPendingAtMs: number;
  lastSentAtMs: number | null;
  /** alert ID → true: its firing was sent; false: its firing was silenced (its resolution is not sent). */
  told: Map<string, boolean>;
}

export class NotificationGrouper {
  readonly #options: GroupingOptions;
  readonly #groups = new Map<string, Group>();

  constructor(options: GroupingOptions) {
    for (const key of ['groupWaitMs', 'groupIntervalMs', 'maxExamples'] as const) {
      if (!Number.isFinite(options[key]) || options[key] < 0) throw new Error(`grouping: ${key} must be a non-negative number, got ${String(options[key])}`);
    }
    this.#options = options;
  }

  /** Records an alert's change. Call it whenever an alert is upserted; repeats are deduplicated. */
  add(alert: Alert, nowMs: number): AddOutcome {
    if (alert.state === 'acknowledged') return 'ignored';
    const group = this.#group(alert.ruleId);
    const pending = group.pending.get(alert.id)?.state;
    if (pending === alert.state) return 'duplicate';
    if (pending !== undefined) {
      // Fired and resolved (or resolved and fired again) before a message went out: nothing to tell.
      group.pending.delete(alert.id);
      return 'withdrawn';
    }
    const told = group.told.get(alert.id);
    if (alert.state === 'firing') {
      if (told !== undefined) return 'duplicate';
      this.#buffer(group, { alert, state: 'firing', atMs: alert.firedAtMs }, nowMs);
      return 'buffered';
    }
    if (told === false) {
      group.told.delete(alert.id);
      return 'ignored';
    }
    // told === undefined: fired before a restart; its resolution is still worth sending.
    this.#buffer(group, { alert, state: 'resolved', atMs: alert.resolvedAtMs ?? nowMs }, nowMs);
    return 'buffered';
  }

  /** When the next message is due (ms since epoch), or null when nothing is buffered. */
  dueAtMs(): number | null {
    let due: number | null = null;
    for (const group of this.#groups.values()) {
      const at = this.#dueOf(group);
      if (at !== null && (due === null || at < due)) due = at;
    }
    return due;
  }

  /** Buffered alert changes, all rules together. */
  pendingCount(): number {
    let n = 0;
    for (const group of this.#groups.values()) n += group.pending.size;
    return n;
  }

  /**
   * The messages due at nowMs, one per rule; silenced alerts are left out. `all` sends every buffered
   * change whether due or not (at shutdown, so nothing buffered is lost).
   */
  flush(nowMs: number, silences: readonly Silence[], options: { all?: boolean } = {}): Notification[] {
    const out: Notification[] = [];
    for (const [ruleId, group] of this.#groups) {
      const due = this.#dueOf(group);
      if (due !== null && (options.all === true || due <= nowMs)) {
        const sent = this.#takePending(group, nowMs, silences);
        if (sent.length > 0) {
          out.push(this.#notification(sent));
          group.lastSentAtMs = nowMs;
        }
      }
      const idle = group.pending.size === 0 && group.told.size === 0;
      if (idle && (group.lastSentAtMs === null || nowMs >= group.lastSentAtMs + this.#options.groupIntervalMs)) this.#groups.delete(ruleId);
    }
    return out;
  }

  /** Empties the group's buffer; returns the changes to send and remembers what was told. */
  #takePending(group: Group, nowMs: number, silences: readonly Silence[]): Change[] {
    const sent: Change[] = [];
    for (const change of group.pending.values()) {
      const silenced = isSilenced(change.alert, silences, nowMs);
      if (change.state === 'firing') group.told.set(change.alert.id, !silenced);
      else group.told.delete(change.alert.id);
      if (!silenced) sent.push(change);
    }
    group.pending.clear();
    return sent;
  }

  #group(ruleId: string): Group {
    let group = this.#groups.get(ruleId);
    if (!group) {
      group = { pending: new Map(), firstPendingAtMs: 0, lastSentAtMs: null, told: new Map() };
      this.#groups.set(ruleId, group);
    }
    return group;
  }

  #buffer(group: Group, change: Change, nowMs: number): void {
    if (group.pending.size === 0) group.firstPendingAtMs = nowMs;
    group.pending.set(change.alert.id, change);
  }

  #dueOf(group: Group): number | null {
    if (group.pending.size === 0) return null;
    const afterWait = group.firstPendingAtMs + this.#options.groupWaitMs;
    return group.lastSentAtMs === null ? afterWait : Math.max(afterWait, group.lastSentAtMs + this.#options.groupIntervalMs);
  }

  #notification(changes: Change[]): Notification {
    const ordered = [...changes].sort(
      (a, b) => (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1) || a.atMs - b.atMs || a.alert.orderId.localeCompare(b.alert.orderId),
    );
    const latest = changes.reduce((a, b) => (b.alert.updatedAtMs > a.alert.updatedAtMs ? b : a)).alert;
    const examples: NotificationExample[] = ordered.slice(0, this.#options.maxExamples).map((c) => ({
      alertId: c.alert.id,
      orderId: c.alert.orderId,
      state: c.state,
      summary: c.alert.summary,
      link: orderLink(this.#options.uiBaseUrl, c.alert.orderId),
    }));
    const base = {
      ruleId: latest.ruleId,
      ruleKind: latest.ruleKind,
      title: latest.title,
      severity: latest.severity,
      labels: latest.labels,
      firing: changes.filter((c) => c.state === 'firing').length,
      resolved: changes.filter((c) => c.state === 'resolved').length,
      totalOrders: new Set(changes.map((c) => c.alert.orderId)).size,
      examples,
      windowStartMs: changes.reduce((min, c) => Math.min(min, c.atMs), Infinity),
      windowEndMs: changes.reduce((max, c) => Math.max(max, c.atMs), -Infinity),
    };
    return { ...base, text: notificationText(base) };
  }
}
