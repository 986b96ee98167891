// The rule set in force (GET /api/v1/rules) and backtests of a rule file (POST /api/v1/rules/test).
import type { FastifyInstance } from 'fastify';
import type { Alert } from '../../core/alerts.ts';
import { ProblemsError } from '../../core/errors.ts';
import type { Rule } from '../../rules/model.ts';
import { formatRuleFileError } from '../../rules/rule-file.ts';
import { backtestTarget, type RuleTestInput } from '../rule-test-input.ts';
import { ROUTES } from '../schemas.ts';
import type { RouteContext } from './context.ts';
import { routeOptions, validatorFor } from './route.ts';

/** Problems quoted in the error message (all of them are in `errors`). */
const QUOTED_PROBLEMS = 5;

type Counts = Map<string, Partial<Record<Alert['state'], number>>>;

export function ruleSummary(rule: Rule, counts: Counts) {
  const count = counts.get(rule.id) ?? {};
  return {
    id: rule.id,
    kind: rule.kind,
    title: rule.title,
    severity: rule.severity,
    labels: rule.labels,
    enabled: rule.enabled,
    source: rule.source,
    firing: count.firing ?? 0,
    acknowledged: count.acknowledged ?? 0,
  };
}

export function registerRuleRoutes(app: FastifyInstance, { alerts, rules }: RouteContext): void {
  app.route({
    ...routeOptions(ROUTES.listRules),
    handler: async () => {
      const ruleSet = rules.current();
      const counts: Counts = new Map();
      for (const { ruleId, state, count } of await alerts.countAlerts(0)) counts.set(ruleId, { ...counts.get(ruleId), [state]: count });
      return {
        rules: ruleSet.rules.map((rule) => ruleSummary(rule, counts)),
        files: ruleSet.files,
        loadedAtMs: rules.loadedAtMs,
        errors: rules.lastErrors(),
      };
    },
  });
  app.route<{ Body: RuleTestInput }>({
    ...routeOptions(ROUTES.testRules),
    validatorCompiler: validatorFor(),
    handler: async (request) => {
      const target = backtestTarget(request.body);
      const outcome = await rules.backtest(request.body.yaml, target, request.body.fileName);
      if (!outcome.ok) {
        const quoted = outcome.errors.slice(0, QUOTED_PROBLEMS).map(formatRuleFileError).join('; ');
        const more = outcome.errors.length > QUOTED_PROBLEMS ? `; and ${outcome.errors.length - QUOTED_PROBLEMS} more` : '';
        throw new ProblemsError('OT_ERR_RULE_INVALID', `the rule file has ${outcome.errors.length} problem(s): ${quoted}${more}`, outcome.errors);
      }
      return outcome.report;
    },
  });
}
