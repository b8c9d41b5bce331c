import type { Transaction } from 'kysely';
import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import type { AutomationRule, Database } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import type { Clock } from '../../shared/clock.js';
import { notFound } from '../../shared/errors.js';
import { ruleWebhookSecret } from './actions/rule-webhook.js';
import { type AutomationRun, automationRulesRepo } from './automation-rules.repo.js';
import type { ActiveRulesCache } from './engine/active-rules-cache.js';
import { type DryRunInput, dryRunRules } from './rule-dry-run.js';
import { checkActionReferences } from './rule-references.js';
import { parseRule, type RuleAction, type RuleInput } from './rule-schemas.js';

export interface RulesActor {
  accountId: number;
  userId: number;
  ip: string | null;
}

export const RUNS_PER_PAGE = 25;

/** Chatwoot's shape (created_on in Unix seconds), plus the key send_webhook_event signs with. */
export function serializeRule(rule: AutomationRule, secretKeyBase: string) {
  const actions = rule.actions as RuleAction[];
  return {
    id: rule.id,
    account_id: rule.account_id,
    name: rule.name,
    description: rule.description,
    event_name: rule.event_name,
    conditions: rule.conditions as Array<Record<string, unknown>>,
    actions: actions as unknown as Array<Record<string, unknown>>,
    active: rule.active,
    created_on: Math.floor(rule.created_at.getTime() / 1000),
    updated_at: rule.updated_at.toISOString(),
    ...(actions.some((action) => action.action_name === 'send_webhook_event')
      ? { webhook_secret: ruleWebhookSecret(secretKeyBase, rule.id) }
      : {}),
  };
}

export function serializeRun(run: AutomationRun) {
  return {
    id: run.id,
    rule_id: run.rule_id,
    event_name: run.event_name,
    status: run.status,
    context: run.context,
    actions: run.actions as Array<Record<string, unknown>>,
    error: run.error,
    created_at: run.created_at.toISOString(),
  };
}

const inputOf = (rule: AutomationRule): Record<string, unknown> => ({
  name: rule.name,
  description: rule.description,
  event_name: rule.event_name,
  active: rule.active,
  conditions: rule.conditions,
  actions: rule.actions,
});

/** Administrators' automation rules: validated on save, audited, and seen by the engine at once. */
export function createAutomationRulesService(deps: {
  db: Db;
  audit: AuditRepo;
  cache: ActiveRulesCache;
  clock: Clock;
}) {
  const { db } = deps;

  async function get(accountId: number, id: number): Promise<AutomationRule> {
    const rule = await automationRulesRepo.find(db, accountId, id);
    if (!rule) throw notFound('Regra de automação');
    return rule;
  }

  async function save(
    actor: RulesActor,
    action: 'created' | 'updated',
    input: RuleInput,
    write: (trx: Transaction<Database>) => Promise<AutomationRule | undefined>,
    before?: AutomationRule,
  ): Promise<AutomationRule> {
    await checkActionReferences(db, actor.accountId, input.actions);
    const saved = await inTransaction(db, async ({ trx }) => {
      const row = await write(trx);
      if (!row) throw notFound('Regra de automação');
      await deps.audit.record(
        {
          action: `automation_rule.${action}`,
          accountId: actor.accountId,
          actorUserId: actor.userId,
          targetType: 'automation_rule',
          targetId: row.id,
          ip: actor.ip,
          details: before ? { before: inputOf(before), after: input } : { after: input },
        },
        trx,
      );
      return row;
    });
    await deps.cache.changed(actor.accountId);
    return saved;
  }

  return {
    list: (accountId: number) => automationRulesRepo.list(db, accountId),
    get,

    create(actor: RulesActor, body: unknown): Promise<AutomationRule> {
      const input = parseRule(body);
      return save(actor, 'created', input, (trx) => automationRulesRepo.insert(trx, actor.accountId, input));
    },

    /** PATCH and PUT: the given fields replace the rule's, and the whole rule is validated again. */
    async update(actor: RulesActor, id: number, body: Record<string, unknown>): Promise<AutomationRule> {
      const before = await get(actor.accountId, id);
      const input = parseRule({ ...inputOf(before), ...body });
      return save(
        actor,
        'updated',
        input,
        (trx) => automationRulesRepo.update(trx, actor.accountId, id, input),
        before,
      );
    },

    async clone(actor: RulesActor, id: number): Promise<AutomationRule> {
      const source = await get(actor.accountId, id);
      const input = parseRule({ ...inputOf(source), name: `${source.name} (cópia)`.slice(0, 255) });
      return save(actor, 'created', input, (trx) => automationRulesRepo.insert(trx, actor.accountId, input));
    },

    async remove(actor: RulesActor, id: number): Promise<void> {
      await inTransaction(db, async ({ trx }) => {
        const rule = await automationRulesRepo.find(trx, actor.accountId, id);
        if (!rule || !(await automationRulesRepo.remove(trx, actor.accountId, id))) {
          throw notFound('Regra de automação');
        }
        await deps.audit.record(
          {
            action: 'automation_rule.deleted',
            accountId: actor.accountId,
            actorUserId: actor.userId,
            targetType: 'automation_rule',
            targetId: id,
            ip: actor.ip,
            details: { before: inputOf(rule) },
          },
          trx,
        );
      });
      await deps.cache.changed(actor.accountId);
    },

    async runs(accountId: number, id: number, page: number) {
      await get(accountId, id);
      return automationRulesRepo.runs(db, accountId, id, page, RUNS_PER_PAGE);
    },

    dryRun: (accountId: number, input: DryRunInput) => dryRunRules({ db, clock: deps.clock }, accountId, input),
  };
}

export type AutomationRulesService = ReturnType<typeof createAutomationRulesService>;
