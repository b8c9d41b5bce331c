import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { createAutomationUser } from './actions/automation-user.js';
import { createRuleActions, type RuleActionDeps } from './actions/rule-actions.js';
import { automationRulesRepo } from './automation-rules.repo.js';
import { createAutomationRulesService } from './automation-rules.service.js';
import { createActiveRulesCache } from './engine/active-rules-cache.js';
import { createRuleEngine } from './engine/rule-engine.js';

/**
 * Automation rules, wired: the administrators' service (routes), and the engine's business event
 * listener, which app.ts registers once. They share the per-account cache of active events.
 */
export function createAutomationRules(
  deps: Omit<RuleActionDeps, 'clock' | 'db'> & { db: Db; clock: Clock; audit: AuditRepo; logger: Logger },
) {
  const { db, clock } = deps;
  const cache = createActiveRulesCache({
    load: (accountId) => automationRulesRepo.activeEventNames(db, accountId),
    onError: (error) => deps.logger.warn({ err: error }, 'Could not load the active automation rules'),
  });
  const engine = createRuleEngine({
    db,
    clock,
    cache,
    actions: createRuleActions(deps),
    automationUser: createAutomationUser(db),
  });
  return {
    service: createAutomationRulesService({ db, audit: deps.audit, cache, clock }),
    listener: engine.listener,
  };
}

export type AutomationRules = ReturnType<typeof createAutomationRules>;
