import type { Db } from '../../../db/client.js';
import type { AutomationRule } from '../../../db/schema.js';
import type { Clock } from '../../../shared/clock.js';
import type { BusinessEvent, BusinessEventListener } from '../../business-events.js';
import type { AutomationUser } from '../actions/automation-user.js';
import type { RuleActions } from '../actions/rule-actions.js';
import { automationRulesRepo } from '../automation-rules.repo.js';
import type { RuleAction } from '../rule-schemas.js';
import type { ActiveRulesCache } from './active-rules-cache.js';
import { automationEventsFor } from './automation-events-for.js';
import { type Condition, evaluateConditions } from './conditions.js';
import { loopReason, performedByRule, readPerformedBy } from './performed-by.js';
import { attributeValue, loadSubject, type RuleSubject, subjectContext } from './rule-subject.js';

/** Whether a rule's conditions hold for the subject, with what each condition saw. */
export function evaluateRule(rule: AutomationRule, subject: RuleSubject, now: Date) {
  return evaluateConditions(rule.conditions as Condition[], (condition) => attributeValue(subject, condition), now);
}

/** The triggering business event's identity: a retried job finds its runs already logged. */
function triggerOf(event: BusinessEvent): string {
  const { data } = event;
  const id = data.message_id ?? data.conversation_id ?? data.notification_id ?? data.id ?? 'x';
  return `${event.name}:${String(id)}:${Date.parse(event.at)}`;
}

/**
 * Automation rules as a business event listener: for each active rule of the mapped events, in id
 * order, the conditions are checked against the subject as it is now; matching rules run their
 * actions as the "Automação" user and each run is logged. Events caused by a rule's own actions, or
 * deeper than MAX_RULE_CHAIN rules, are logged as skipped instead.
 */
export function createRuleEngine(deps: {
  db: Db;
  clock: Clock;
  cache: ActiveRulesCache;
  actions: RuleActions;
  automationUser: AutomationUser;
}) {
  const { db } = deps;

  async function handle(event: BusinessEvent): Promise<number> {
    const rules = await automationRulesRepo.activeFor(db, event.accountId, automationEventsFor(event));
    if (rules.length === 0) return 0;
    let subject = await loadSubject(db, event);
    if (!subject) return 0;
    const trigger = triggerOf(event);
    const performedBy = readPerformedBy(event.data.performed_by);
    let fired = 0;
    for (const rule of rules) {
      if (!evaluateRule(rule, subject, deps.clock.now()).matched) continue;
      const context = {
        trigger,
        source: event.name,
        ...subjectContext(subject),
        ...(performedBy ? { performed_by: performedBy } : {}),
      };
      const base = { accountId: event.accountId, ruleId: rule.id, eventName: rule.event_name, context };
      const loop = loopReason(rule.id, performedBy);
      if (loop) {
        await automationRulesRepo.claimRun(db, { ...base, status: 'skipped', actions: [], error: loop });
        continue;
      }
      // Claimed before acting: a retry (crash, lease lost) finds the run and does not act twice; a run
      // interrupted half-way stays `running` in the log.
      const run = await automationRulesRepo.claimRun(db, { ...base, status: 'running', actions: [], error: null });
      if (!run) continue;
      const outcomes = await deps.actions.perform(
        {
          rule,
          eventName: rule.event_name,
          subject,
          trigger,
          userId: await deps.automationUser.id(),
          performedBy: performedByRule(rule.id, performedBy),
        },
        rule.actions as RuleAction[],
      );
      const failed = outcomes.filter((outcome) => outcome.status === 'error');
      await automationRulesRepo.finishRun(db, run.id, {
        status: failed.length > 0 ? 'error' : 'success',
        actions: outcomes,
        error:
          failed.length > 0 ? failed.map((outcome) => `${outcome.action_name}: ${outcome.error}`).join('\n') : null,
      });
      fired++;
      // The next rule sees what this one changed (labels, status, team…).
      subject = (await loadSubject(db, event)) ?? subject;
    }
    return fired;
  }

  const listener: BusinessEventListener = {
    id: 'automation.rules',
    wants: (event) => deps.cache.mayHave(event.accountId, automationEventsFor(event)),
    async handle(event, context) {
      const fired = await handle(event);
      if (fired > 0) context.logger.debug({ event: event.name, fired }, 'Automation rules ran');
    },
  };

  return { listener, handle };
}

export type RuleEngine = ReturnType<typeof createRuleEngine>;
