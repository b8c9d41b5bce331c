import { type Kysely, sql } from 'kysely';
import type { Conversation, Database } from '../db/schema.js';

type Executor = Kysely<Database>;

export const conversationsRepo = {
  /**
   * The contact's unresolved conversation in an inbox, else the newest one. An older one can be the open
   * one (an agent reopened it, or a contact merge brought it); reopening a newer one would clash with it.
   */
  async latestFor(db: Executor, inboxId: number, contactId: number): Promise<Conversation | undefined> {
    return db
      .selectFrom('conversations')
      .selectAll()
      .where('inbox_id', '=', inboxId)
      .where('contact_id', '=', contactId)
      .orderBy(sql`status <> 'resolved'`, 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  async find(db: Executor, accountId: number, id: number): Promise<Conversation | undefined> {
    return db
      .selectFrom('conversations')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  /** Next per-account display id; the row lock also serialises conversation creation per account. */
  async nextDisplayId(db: Executor, accountId: number): Promise<number> {
    const row = await db
      .updateTable('accounts')
      .set({ last_conversation_display_id: sql`last_conversation_display_id + 1` })
      .where('id', '=', accountId)
      .returning('last_conversation_display_id')
      .executeTakeFirstOrThrow();
    return row.last_conversation_display_id;
  },

  /** Inserts unless another active conversation for that contact inbox appeared meanwhile. */
  async insert(
    db: Executor,
    values: {
      accountId: number;
      displayId: number;
      inboxId: number;
      contactId: number;
      contactInboxId: number;
      at: Date;
    },
  ): Promise<Conversation | undefined> {
    return db
      .insertInto('conversations')
      .values({
        account_id: values.accountId,
        display_id: values.displayId,
        inbox_id: values.inboxId,
        contact_id: values.contactId,
        contact_inbox_id: values.contactInboxId,
        status: 'open',
        custom_attributes: '{}',
        additional_attributes: '{}',
        last_activity_at: values.at,
      })
      .onConflict((conflict) =>
        conflict.columns(['inbox_id', 'contact_id']).where('status', '<>', 'resolved').doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
  },

  /**
   * Records an incoming message: the 24-hour window moves to its time (never backwards), the
   * conversation waits for an answer, and a resolved or snoozed conversation opens again.
   */
  async recordIncoming(
    db: Executor,
    id: number,
    at: Date,
    contactInboxId: number,
    /** Also stamps the contact's last activity, in the same statement (one round trip less per message). */
    contact?: { accountId: number; id: number },
  ): Promise<Conversation> {
    const executor = contact
      ? db.with('touched_contact', (cte) =>
          cte
            .updateTable('contacts')
            .set({ last_activity_at: at, updated_at: sql`now()` })
            .where('account_id', '=', contact.accountId)
            .where('id', '=', contact.id)
            .returning('id'),
        )
      : db;
    return executor
      .updateTable('conversations')
      .set({
        contact_inbox_id: contactInboxId,
        last_incoming_at: sql`greatest(coalesce(last_incoming_at, ${at}), ${at})`,
        last_activity_at: sql`greatest(last_activity_at, ${at})`,
        waiting_since: sql`coalesce(waiting_since, ${at})`,
        status: sql`CASE WHEN status IN ('resolved', 'snoozed') THEN 'open' ELSE status END`,
        snoozed_until: sql`CASE WHEN status IN ('resolved', 'snoozed') THEN NULL ELSE snoozed_until END`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  async recordOutgoing(db: Executor, id: number, at: Date, byAgent: boolean): Promise<Conversation> {
    return db
      .updateTable('conversations')
      .set({
        last_activity_at: sql`greatest(last_activity_at, ${at})`,
        waiting_since: byAgent ? null : sql`waiting_since`,
        first_reply_created_at: byAgent ? sql`coalesce(first_reply_created_at, ${at})` : sql`first_reply_created_at`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },
};
