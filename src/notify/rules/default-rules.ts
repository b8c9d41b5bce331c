import { sql } from 'kysely';
import type { Db } from '../../db/client.js';
import { inTransaction } from '../../db/transaction.js';
import type { RuleTrigger } from './rule-triggers.js';

/**
 * The rules a new account starts with (issue 6): inactive until a manager picks their templates, so
 * nothing is sent that nobody wrote.
 */
export const DEFAULT_RULES: Array<{
  name: string;
  trigger: RuleTrigger;
  offset_minutes: number;
  audience: 'client' | 'providers';
}> = [
  { name: 'Confirmação do agendamento', trigger: 'event.created', offset_minutes: 0, audience: 'client' },
  {
    name: 'Lembrete ao cliente 24 h antes',
    trigger: 'event.before_start',
    offset_minutes: 24 * 60,
    audience: 'client',
  },
  {
    name: 'Lembrete aos prestadores 3 h antes',
    trigger: 'event.before_start',
    offset_minutes: 3 * 60,
    audience: 'providers',
  },
  { name: 'Pesquisa de satisfação 2 h depois', trigger: 'event.after_end', offset_minutes: 2 * 60, audience: 'client' },
];

/**
 * Seeds the default rules once per account (a flag in notification_settings remembers it, so deleting
 * them does not bring them back), under the account row's lock so concurrent first requests seed once.
 */
export async function ensureDefaultRules(db: Db, accountId: number): Promise<void> {
  const seen = await db
    .selectFrom('accounts')
    .select('notification_settings')
    .where('id', '=', accountId)
    .executeTakeFirst();
  if (!seen || seen.notification_settings.default_rules_seeded === true) return;
  await inTransaction(db, async ({ trx }) => {
    const account = await trx
      .selectFrom('accounts')
      .select('notification_settings')
      .where('id', '=', accountId)
      .forUpdate()
      .executeTakeFirst();
    if (!account || account.notification_settings.default_rules_seeded === true) return;
    await trx
      .insertInto('notification_rules')
      .values(DEFAULT_RULES.map((rule) => ({ account_id: accountId, ...rule, active: false, template_id: null })))
      .execute();
    await trx
      .updateTable('accounts')
      .set({ notification_settings: sql`notification_settings || '{"default_rules_seeded": true}'::jsonb` })
      .where('id', '=', accountId)
      .execute();
  });
}
