import { type Kysely, sql } from 'kysely';
import type { AuditRepo } from '../../accounts/audit.repo.js';
import type { Db } from '../../db/client.js';
import type { Database, NotificationAudience, NotificationRule, NotificationTemplate } from '../../db/schema.js';
import { inTransaction } from '../../db/transaction.js';
import { AppError, notFound } from '../../shared/errors.js';
import { templateVariables } from '../templates/render.js';
import { ensureDefaultRules } from './default-rules.js';
import { ASSIGNMENT_TRIGGERS, type RuleTrigger, TIMED_TRIGGERS } from './rule-triggers.js';

export interface RuleInput {
  name: string;
  trigger: RuleTrigger;
  offset_minutes?: number | undefined;
  audience: NotificationAudience;
  template_id?: number | null | undefined;
  essential?: boolean | undefined;
  active?: boolean | undefined;
}

interface Actor {
  accountId: number;
  userId: number;
  ip: string | null;
}

const unprocessable = (field: string, message: string) => new AppError('unprocessable', message, [{ field, message }]);

/**
 * A rule must be able to reach its audience whatever their window: its template needs a WhatsApp or an
 * SMS variant, may only use what the trigger provides, and an essential send cannot be marketing.
 */
function checkRule(rule: Required<Omit<RuleInput, 'template_id'>> & { template: NotificationTemplate | null }) {
  if (rule.active && !rule.template) {
    throw unprocessable('template_id', 'Escolha um modelo antes de ativar a regra.');
  }
  if (TIMED_TRIGGERS.includes(rule.trigger) && rule.offset_minutes <= 0) {
    throw unprocessable('offset_minutes', 'Informe quantos minutos antes do início (ou depois do fim) enviar.');
  }
  const template = rule.template;
  if (!template) return;
  if (!template.whatsapp && !template.sms) {
    throw unprocessable(
      'template_id',
      `O modelo "${template.name}" não tem variante de WhatsApp (modelo aprovado) nem de SMS: fora da janela de 24 h ele não chegaria.`,
    );
  }
  if (rule.essential && template.category === 'marketing') {
    throw unprocessable('essential', 'Uma mensagem de marketing não pode ser essencial.');
  }
  const roots = templateVariables(template);
  const aboutAssignment = ASSIGNMENT_TRIGGERS.includes(rule.trigger);
  if (roots.has('offer') && !aboutAssignment) {
    throw unprocessable(
      'template_id',
      `O modelo "${template.name}" usa {{offer.…}}, que só existe em ofertas e escalas.`,
    );
  }
  for (const root of ['provider', 'assignment']) {
    if (roots.has(root) && rule.audience !== 'providers' && !aboutAssignment) {
      throw unprocessable(
        'template_id',
        `O modelo "${template.name}" usa {{${root}.…}}, que só existe para prestadores ou regras de escala.`,
      );
    }
  }
}

/** A rule switched off or deleted stops: what it planned and has not sent yet is cancelled. */
async function cancelPlanned(db: Kysely<Database>, ruleId: number, reason: string) {
  await db
    .updateTable('notifications')
    .set({ status: 'cancelled', reason, updated_at: sql`now()` })
    .where('rule_id', '=', ruleId)
    .where('status', '=', 'scheduled')
    .execute();
}

export function createNotificationRulesService(deps: { db: Db; audit: AuditRepo }) {
  const { db } = deps;

  async function find(accountId: number, id: number): Promise<NotificationRule> {
    const rule = await db
      .selectFrom('notification_rules')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!rule) throw notFound('Regra');
    return rule;
  }

  async function templateOf(accountId: number, id: number | null | undefined) {
    if (id === null || id === undefined) return null;
    const template = await db
      .selectFrom('notification_templates')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!template) throw unprocessable('template_id', 'Modelo não encontrado nesta conta.');
    return template;
  }

  async function record(actor: Actor, action: string, id: number, details: Record<string, unknown>) {
    await deps.audit.record({
      action,
      accountId: actor.accountId,
      actorUserId: actor.userId,
      targetType: 'notification_rule',
      targetId: id,
      ip: actor.ip,
      details,
    });
  }

  return {
    async list(accountId: number): Promise<NotificationRule[]> {
      await ensureDefaultRules(db, accountId);
      return db
        .selectFrom('notification_rules')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('id')
        .execute();
    },

    find,

    async create(actor: Actor, input: RuleInput): Promise<NotificationRule> {
      const template = await templateOf(actor.accountId, input.template_id);
      const rule = {
        name: input.name,
        trigger: input.trigger,
        offset_minutes: input.offset_minutes ?? 0,
        audience: input.audience,
        essential: input.essential ?? false,
        active: input.active ?? true,
      };
      checkRule({ ...rule, template });
      const created = await db
        .insertInto('notification_rules')
        .values({ ...rule, account_id: actor.accountId, template_id: template?.id ?? null })
        .returningAll()
        .executeTakeFirstOrThrow();
      await record(actor, 'notification_rule.created', created.id, { after: rule });
      return created;
    },

    async update(actor: Actor, id: number, input: Partial<RuleInput>): Promise<NotificationRule> {
      const current = await find(actor.accountId, id);
      const templateId = input.template_id !== undefined ? input.template_id : current.template_id;
      const template = await templateOf(actor.accountId, templateId);
      const next = {
        name: input.name ?? current.name,
        trigger: (input.trigger ?? current.trigger) as RuleTrigger,
        offset_minutes: input.offset_minutes ?? current.offset_minutes,
        audience: input.audience ?? current.audience,
        essential: input.essential ?? current.essential,
        active: input.active ?? current.active,
      };
      checkRule({ ...next, template });
      // One transaction: the planner reads active rules FOR SHARE, so nothing it plans slips between the
      // switch-off and the cancelling of what the rule had planned.
      const updated = await inTransaction(db, async ({ trx }) => {
        const row = await trx
          .updateTable('notification_rules')
          .set({ ...next, template_id: template?.id ?? null, updated_at: sql`now()` })
          .where('account_id', '=', actor.accountId)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        if (current.active && !next.active) await cancelPlanned(trx, id, 'rule_disabled: a regra foi desativada');
        return row;
      });
      await record(actor, 'notification_rule.updated', id, { before: current, after: next });
      return updated;
    },

    /** Its sent notifications stay as history (rule id null); the ones still waiting are cancelled. */
    async remove(actor: Actor, id: number): Promise<void> {
      const current = await find(actor.accountId, id);
      await inTransaction(db, async ({ trx }) => {
        await trx.selectFrom('notification_rules').select('id').where('id', '=', current.id).forUpdate().execute();
        await cancelPlanned(trx, id, 'rule_deleted: a regra foi excluída');
        await trx.deleteFrom('notification_rules').where('id', '=', current.id).execute();
      });
      await record(actor, 'notification_rule.deleted', id, { before: current });
    },
  };
}

export type NotificationRulesService = ReturnType<typeof createNotificationRulesService>;
