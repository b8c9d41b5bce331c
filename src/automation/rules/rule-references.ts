import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../shared/errors.js';
import type { RuleAction } from './rule-schemas.js';

type Executor = Kysely<Database>;

/** Ids an action points at, checked when the rule is saved (not when it fires). */
const REFERENCES: Partial<
  Record<RuleAction['action_name'], (db: Executor, accountId: number, id: number) => Promise<boolean>>
> = {
  assign_agent: async (db, accountId, id) =>
    (await db
      .selectFrom('account_users')
      .select('id')
      .where('account_id', '=', accountId)
      .where('user_id', '=', id)
      .executeTakeFirst()) !== undefined,
  assign_team: async (db, accountId, id) =>
    (await db
      .selectFrom('teams')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst()) !== undefined,
  send_template: async (db, accountId, id) =>
    (await db
      .selectFrom('notification_templates')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst()) !== undefined,
  move_deal_stage: async (db, accountId, id) =>
    (await db
      .selectFrom('pipeline_stages')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst()) !== undefined,
  send_attachment: async (db, accountId, id) =>
    (await db
      .selectFrom('attachments')
      .select('id')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .where('storage_key', 'is not', null)
      .executeTakeFirst()) !== undefined,
};

const WHAT: Partial<Record<RuleAction['action_name'], string>> = {
  assign_agent: 'agente que não faz parte da conta',
  assign_team: 'time que não existe nesta conta',
  send_template: 'modelo de notificação que não existe nesta conta',
  move_deal_stage: 'etapa do funil que não existe nesta conta',
  send_attachment: 'anexo que não existe nesta conta (ou ainda não foi baixado)',
};

/** 422 naming each action whose agent, team, template, stage or attachment does not exist in the account. */
export async function checkActionReferences(db: Executor, accountId: number, actions: RuleAction[]): Promise<void> {
  const problems: Array<{ field: string; message: string }> = [];
  for (const [index, action] of actions.entries()) {
    const exists = REFERENCES[action.action_name];
    if (exists && !(await exists(db, accountId, Number(action.action_params[0])))) {
      problems.push({
        field: `actions.${index}.action_params.0`,
        message: WHAT[action.action_name] ?? 'não encontrado',
      });
    }
    if (action.action_name === 'create_deal') {
      const stageId = (action.action_params[0] as { stage_id?: number } | undefined)?.stage_id;
      if (stageId !== undefined && !(await REFERENCES.move_deal_stage?.(db, accountId, stageId))) {
        problems.push({
          field: `actions.${index}.action_params.0.stage_id`,
          message: 'etapa do funil que não existe nesta conta',
        });
      }
    }
  }
  if (problems.length > 0) {
    throw new AppError(
      'unprocessable',
      `Regra de automação inválida: ${problems.map((problem) => problem.field).join(', ')}.`,
      problems,
    );
  }
}
