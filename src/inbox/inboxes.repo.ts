import { sql } from 'kysely';
import type { Db } from '../db/client.js';
import type { ChannelType, Inbox } from '../db/schema.js';

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
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async update(
      accountId: number,
      id: number,
      values: Partial<
        Pick<Inbox, 'name' | 'phone_number' | 'business_account_id' | 'credentials' | 'enable_auto_assignment'>
      >,
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
