import { type Kysely, sql, type Updateable } from 'kysely';
import type { Db } from '../db/client.js';
import type { ChannelType, Database, Inbox, InboxesTable } from '../db/schema.js';

/** Business hours and greeting columns, as written (jsonb as JSON text). */
export type InboxSettingsColumns = Pick<
  Updateable<InboxesTable>,
  | 'working_hours_enabled'
  | 'working_hours'
  | 'out_of_office_message'
  | 'timezone'
  | 'greeting_enabled'
  | 'greeting_message'
  | 'greeting_menu'
>;

export function createInboxesRepo(db: Db) {
  return {
    async create(values: {
      accountId: number;
      name: string;
      channelType: ChannelType;
      phoneNumber: string | null;
      phoneNumberId: string | null;
      businessAccountId: string | null;
      credentials: string | null;
      enableAutoAssignment?: boolean;
      settings?: InboxSettingsColumns;
    }): Promise<Inbox> {
      return db
        .insertInto('inboxes')
        .values({
          account_id: values.accountId,
          name: values.name,
          channel_type: values.channelType,
          phone_number: values.phoneNumber,
          phone_number_id: values.phoneNumberId,
          business_account_id: values.businessAccountId,
          credentials: values.credentials,
          ...(values.enableAutoAssignment === undefined ? {} : { enable_auto_assignment: values.enableAutoAssignment }),
          ...values.settings,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async update(
      accountId: number,
      id: number,
      values: Partial<
        Pick<
          Inbox,
          | 'name'
          | 'phone_number'
          | 'phone_number_id'
          | 'business_account_id'
          | 'credentials'
          | 'enable_auto_assignment'
          | 'reauthorization_required_at'
          | 'reauthorization_reason'
        >
      > &
        InboxSettingsColumns,
    ): Promise<Inbox | undefined> {
      return db
        .updateTable('inboxes')
        .set({ ...values, updated_at: sql`now()` })
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },

    async find(accountId: number, id: number): Promise<Inbox | undefined> {
      return db
        .selectFrom('inboxes')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** By id alone: for jobs that start from a row of ours (never from a client's request). */
    async findById(id: number): Promise<Inbox | undefined> {
      return db.selectFrom('inboxes').selectAll().where('id', '=', id).executeTakeFirst();
    },

    /** Webhook routing is global (Meta does not know our accounts): by Meta's phone number id. */
    async findByPhoneNumberId(phoneNumberId: string): Promise<Inbox | undefined> {
      return db.selectFrom('inboxes').selectAll().where('phone_number_id', '=', phoneNumberId).executeTakeFirst();
    },

    /** Or by the business number in the webhook path (digits). */
    async findByPhoneNumber(phoneNumber: string): Promise<Inbox | undefined> {
      return db
        .selectFrom('inboxes')
        .selectAll()
        .where('channel_type', '=', 'whatsapp_cloud')
        .where('phone_number', '=', phoneNumber)
        .orderBy('id')
        .executeTakeFirst();
    },

    async listWhatsApp(): Promise<Inbox[]> {
      return db.selectFrom('inboxes').selectAll().where('channel_type', '=', 'whatsapp_cloud').orderBy('id').execute();
    },

    async list(accountId: number): Promise<Inbox[]> {
      return db.selectFrom('inboxes').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
    },

    /** Deletes the inbox; its conversations, messages and members go with it (ON DELETE CASCADE). */
    async remove(accountId: number, id: number, executor: Kysely<Database> = db): Promise<boolean> {
      const result = await executor
        .deleteFrom('inboxes')
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows ?? 0) > 0;
    },

    /** The inboxes an agent works in (Chatwoot shows agents only those). */
    async listForMember(accountId: number, userId: number): Promise<Inbox[]> {
      return db
        .selectFrom('inboxes')
        .selectAll('inboxes')
        .where('inboxes.account_id', '=', accountId)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('inbox_members')
              .select('inbox_members.user_id')
              .whereRef('inbox_members.inbox_id', '=', 'inboxes.id')
              .where('inbox_members.user_id', '=', userId),
          ),
        )
        .orderBy('inboxes.id')
        .execute();
    },

    async memberIds(accountId: number, inboxId: number): Promise<number[]> {
      const rows = await db
        .selectFrom('inbox_members')
        .select('user_id')
        .where('account_id', '=', accountId)
        .where('inbox_id', '=', inboxId)
        .orderBy('user_id')
        .execute();
      return rows.map((row) => row.user_id);
    },

    async addMembers(accountId: number, inboxId: number, userIds: number[], executor: Kysely<Database> = db) {
      if (userIds.length === 0) return;
      await executor
        .insertInto('inbox_members')
        .values(userIds.map((userId) => ({ account_id: accountId, inbox_id: inboxId, user_id: userId })))
        .onConflict((oc) => oc.columns(['inbox_id', 'user_id']).doNothing())
        .execute();
    },

    async removeMembers(accountId: number, inboxId: number, userIds: number[], executor: Kysely<Database> = db) {
      if (userIds.length === 0) return;
      await executor
        .deleteFrom('inbox_members')
        .where('account_id', '=', accountId)
        .where('inbox_id', '=', inboxId)
        .where('user_id', 'in', userIds)
        .execute();
    },

    async markReauthorizationRequired(id: number, reason: string): Promise<void> {
      await db
        .updateTable('inboxes')
        .set({ reauthorization_required_at: sql`now()`, reauthorization_reason: reason, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },
  };
}

export type InboxesRepo = ReturnType<typeof createInboxesRepo>;
