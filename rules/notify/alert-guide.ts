// Renders an alert's remediation guide from the stores: the alert, its rule's template, the order's
// records and journey. The NotifyService's `guideFor`; also usable by the alerts API.
import { computeJourney } from '../../core/journey.ts';
import type { StageDef } from '../../core/stages.ts';
import type { AlertStore } from '../../core/store/alert-store.ts';
import type { Store } from '../../core/store/store.ts';
import type { RuleSet } from '../model.ts';
import { buildGuideContext } from '../guide-context.ts';
import type { RenderedGuide } from '../guide.ts';
import { renderGuide } from '../guide.ts';

export interface AlertGuideDeps {
  alerts: Pick<AlertStore, 'getAlert'>;
  store: Pick<Store, 'getOrder'>;
  ruleSet: Pick<RuleSet, 'rules' | 'uiBaseUrl'>;
  stages: StageDef[];
  now?: () => number;
}

/** alertId → its rendered guide, or null when the alert is gone or its rule has no guide. */
export function alertGuideRenderer(deps: AlertGuideDeps): (alertId: string) => Promise<RenderedGuide | null> {
  const now = deps.now ?? Date.now;
  return async (alertId) => {
    const alert = await deps.alerts.getAlert(alertId);
    const rule = alert ? deps.ruleSet.rules.find((r) => r.id === alert.ruleId) : undefined;
    if (!alert || !rule?.guide) return null;
    const records = await deps.store.getOrder(alert.orderId);
    const journey = records ? computeJourney(records, deps.stages, now()) : null;
    const context = buildGuideContext({ alert, rule, journey, records, uiBaseUrl: deps.ruleSet.uiBaseUrl });
    try {
      return renderGuide(rule.guide, context);
    } catch (err) {
      throw new Error(`rule "${rule.id}" (${rule.source.file}:${rule.source.line}): ${(err as Error).message}`);
    }
  };
}
