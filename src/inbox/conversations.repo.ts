import { type Kysely, sql } from 'kysely';
import type { Conversation, Database } from '../db/schema.js';
import { anyOf, unnest } from '../db/sql-arrays.js';

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

  /** latestFor for many contacts of an inbox in one query (contacts without a conversation are absent). */
  async latestForContacts(db: Executor, inboxId: number, contactIds: number[]): Promise<Conversation[]> {
    if (contactIds.length === 0) return [];
    return db
      .selectFrom('conversations')
      .distinctOn('contact_id')
      .selectAll()
      .where('inbox_id', '=', inboxId)
      .where('contact_id', '=', anyOf([...new Set(contactIds)], 'bigint'))
      .orderBy('contact_id')
      .orderBy(sql`status <> 'resolved'`, 'desc')
      .orderBy('id', 'desc')
      .execute();
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
   * nextDisplayId + insert + recordIncoming (contact included) for a conversation that a contact's message
   * opens, in one statement. Undefined when another active conversation for the contact appeared meanwhile.
   */
  async openForIncoming(
    db: Executor,
    values: { accountId: number; inboxId: number; contactId: number; contactInboxId: number; at: Date },
  ): Promise<Conversation | undefined> {
    const { accountId, inboxId, contactId, contactInboxId, at } = values;
    const result = await sql<Conversation>`
      WITH display AS (
        UPDATE accounts SET last_conversation_display_id = last_conversation_display_id + 1
        WHERE id = ${accountId} RETURNING last_conversation_display_id
      ), touched_contact AS (
        UPDATE contacts SET last_activity_at = ${at}, updated_at = now()
        WHERE account_id = ${accountId} AND id = ${contactId} RETURNING id
      )
      INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, contact_inbox_id, status,
        custom_attributes, additional_attributes, last_activity_at, last_incoming_at, waiting_since)
      SELECT ${accountId}::bigint, display.last_conversation_display_id, ${inboxId}::bigint, ${contactId}::bigint,
        ${contactInboxId}::bigint, 'open', '{}'::jsonb, '{}'::jsonb, ${at}::timestamptz, ${at}::timestamptz,
        ${at}::timestamptz
      FROM display
      ON CONFLICT (inbox_id, contact_id) WHERE status <> 'resolved' DO NOTHING
      RETURNING *`.execute(db);
    return result.rows[0];
  },

  /**
   * openForIncoming for several contacts of one account at once: display ids reserved in one step, in the
   * order given, and the conversations inserted in the same statement. A contact that has an active
   * conversation by now gets none (absent from the result); the caller must then not assume it opened.
   * Contacts' last activity is left to recordIncomingMany, which the caller runs next.
   */
  async openManyForIncoming(
    db: Executor,
    accountId: number,
    rows: ReadonlyArray<{ inboxId: number; contactId: number; contactInboxId: number; at: Date }>,
  ): Promise<Conversation[]> {
    if (rows.length === 0) return [];
    const values = unnest(
      [rows.map((row) => row.inboxId), 'bigint'],
      [rows.map((row) => row.contactId), 'bigint'],
      [rows.map((row) => row.contactInboxId), 'bigint'],
      [rows.map((row) => row.at), 'timestamptz'],
    );
    const result = await sql<Conversation>`
      WITH v (inbox_id, contact_id, contact_inbox_id, at, ord) AS (SELECT * FROM ${values} WITH ORDINALITY),
      display AS (
        UPDATE accounts SET last_conversation_display_id = last_conversation_display_id + ${rows.length}::int
        WHERE id = ${accountId} RETURNING last_conversation_display_id - ${rows.length}::int AS before
      )
      INSERT INTO conversations (account_id, display_id, inbox_id, contact_id, contact_inbox_id, status,
        custom_attributes, additional_attributes, last_activity_at, last_incoming_at, waiting_since)
      SELECT ${accountId}::bigint, display.before + v.ord, v.inbox_id, v.contact_id, v.contact_inbox_id, 'open',
        '{}'::jsonb, '{}'::jsonb, v.at, v.at, v.at
      FROM v CROSS JOIN display
      ORDER BY v.ord
      ON CONFLICT (inbox_id, contact_id) WHERE status <> 'resolved' DO NOTHING
      RETURNING *`.execute(db);
    return result.rows;
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

  /**
   * recordIncoming for a batch of messages in two statements' worth of one round trip: each conversation
   * once, with the first and last of its messages' times (as if they were recorded one by one), and each
   * contact's last activity. Returns the conversations with the status they had before.
   */
  async recordIncomingMany(
    db: Executor,
    conversations: Array<{ id: number; firstAt: Date; lastAt: Date; contactInboxId: number }>,
    contacts: Array<{ accountId: number; id: number; at: Date }>,
  ): Promise<Array<Pick<Conversation, 'id' | 'display_id' | 'status'> & { previous_status: string }>> {
    if (conversations.length === 0) return [];
    const values = unnest(
      [conversations.map((row) => row.id), 'bigint'],
      [conversations.map((row) => row.firstAt), 'timestamptz'],
      [conversations.map((row) => row.lastAt), 'timestamptz'],
      [conversations.map((row) => row.contactInboxId), 'bigint'],
    );
    const touched =
      contacts.length === 0
        ? sql``
        : sql`, touched_contacts AS (
            UPDATE contacts SET last_activity_at = t.at, updated_at = now()
            FROM ${unnest(
              [contacts.map((row) => row.accountId), 'bigint'],
              [contacts.map((row) => row.id), 'bigint'],
              [contacts.map((row) => row.at), 'timestamptz'],
            )} AS t (account_id, id, at)
            WHERE contacts.account_id = t.account_id AND contacts.id = t.id
            RETURNING contacts.id
          )`;
    // `previous` reads each row as it was before this statement: how the caller knows which ones reopened.
    const result = await sql<Pick<Conversation, 'id' | 'display_id' | 'status'> & { previous_status: string }>`
      WITH v (id, first_at, last_at, contact_inbox_id) AS (SELECT * FROM ${values})${touched}
      UPDATE conversations AS c SET
        contact_inbox_id = v.contact_inbox_id,
        last_incoming_at = greatest(coalesce(c.last_incoming_at, v.last_at), v.last_at),
        last_activity_at = greatest(c.last_activity_at, v.last_at),
        waiting_since = coalesce(c.waiting_since, v.first_at),
        status = CASE WHEN c.status IN ('resolved', 'snoozed') THEN 'open' ELSE c.status END,
        snoozed_until = CASE WHEN c.status IN ('resolved', 'snoozed') THEN NULL ELSE c.snoozed_until END,
        updated_at = now()
      FROM v JOIN conversations AS previous ON previous.id = v.id
      WHERE c.id = v.id
      RETURNING c.id, c.display_id, c.status, previous.status AS previous_status`.execute(db);
    return result.rows;
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
