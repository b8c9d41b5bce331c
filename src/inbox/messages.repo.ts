import { type Kysely, sql } from 'kysely';
import type { Database, FileType, Message, MessageStatus, MessageType } from '../db/schema.js';
import { anyOf, type ColumnSource, unnestRows } from '../db/sql-arrays.js';

/**
 * Meta retries a webhook for up to 7 days, so a message may still arrive that long after its status; a
 * status kept longer is for a message this inbox will never see (sent by another app on the same number).
 */
export const PENDING_STATUS_RETENTION_DAYS = 7;

type Executor = Kysely<Database>;

/** Statuses only move forward; `failed` can replace queued, sent or delivered, and nothing replaces it. */
export const STATUS_RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, failed: 3, read: 3, played: 4 };

const rankOfColumn = sql<number>`CASE status WHEN 'queued' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'played' THEN 4 ELSE 0 END`;

export interface NewMessage {
  accountId: number;
  inboxId: number;
  conversationId: number;
  messageType: MessageType;
  contentType: string;
  content: string | null;
  contentAttributes: Record<string, unknown>;
  private?: boolean;
  status: MessageStatus;
  sourceId: string | null;
  senderType: 'contact' | 'user' | 'system' | null;
  senderId: number | null;
  inReplyToSourceId: string | null;
  sentAt: Date;
}

export interface StatusChange {
  status: MessageStatus;
  at: Date;
  errorCode?: string | null;
  errorTitle?: string | null;
  errorDetails?: string | null;
}

const messageRow = (values: NewMessage) => ({
  account_id: values.accountId,
  inbox_id: values.inboxId,
  conversation_id: values.conversationId,
  message_type: values.messageType,
  content_type: values.contentType,
  content: values.content,
  content_attributes: JSON.stringify(values.contentAttributes),
  private: values.private ?? false,
  status: values.status,
  source_id: values.sourceId,
  sender_type: values.senderType,
  sender_id: values.senderId,
  in_reply_to_source_id: values.inReplyToSourceId,
  sent_at: values.sentAt,
});

/** messageRow's columns for a batch, as unnest's arrays (see db/sql-arrays.ts). */
const messageColumns = {
  account_id: ['bigint', (values: NewMessage) => values.accountId],
  inbox_id: ['bigint', (values: NewMessage) => values.inboxId],
  conversation_id: ['bigint', (values: NewMessage) => values.conversationId],
  message_type: ['smallint', (values: NewMessage) => values.messageType],
  content_type: ['text', (values: NewMessage) => values.contentType],
  content: ['text', (values: NewMessage) => values.content],
  content_attributes: ['jsonb', (values: NewMessage) => JSON.stringify(values.contentAttributes)],
  private: ['boolean', (values: NewMessage) => values.private ?? false],
  status: ['text', (values: NewMessage) => values.status],
  source_id: ['text', (values: NewMessage) => values.sourceId],
  sender_type: ['text', (values: NewMessage) => values.senderType],
  sender_id: ['bigint', (values: NewMessage) => values.senderId],
  in_reply_to_source_id: ['text', (values: NewMessage) => values.inReplyToSourceId],
  sent_at: ['timestamptz', (values: NewMessage) => values.sentAt],
} satisfies Record<keyof ReturnType<typeof messageRow>, ColumnSource<NewMessage>>;

export const messagesRepo = {
  /** An activity line ("Conversa atribuída a Ana", "Resolvida por João"): shown in the conversation, never sent. */
  async insertActivity(
    db: Executor,
    conversation: { account_id: number; inbox_id: number; id: number },
    content: string,
    at: Date,
  ): Promise<Message | undefined> {
    return messagesRepo.insert(db, {
      accountId: conversation.account_id,
      inboxId: conversation.inbox_id,
      conversationId: conversation.id,
      messageType: 2,
      contentType: 'activity',
      content,
      contentAttributes: {},
      status: 'sent',
      sourceId: null,
      senderType: 'system',
      senderId: null,
      inReplyToSourceId: null,
      sentAt: at,
    });
  },

  /** Inserts a message; a second one with the same wamid in the inbox is ignored (undefined). */
  async insert(db: Executor, values: NewMessage): Promise<Message | undefined> {
    return db
      .insertInto('messages')
      .values(messageRow(values))
      .onConflict((conflict) => conflict.columns(['inbox_id', 'source_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
  },

  /**
   * insert for many messages in one statement, ids in the given order; rows whose wamid the inbox already
   * has are left out of the result.
   */
  async insertMany(db: Executor, values: NewMessage[]) {
    if (values.length === 0) return [];
    const { columns, select } = unnestRows(messageColumns, values);
    // What the batch announces; a whole row per message was parsed for nothing.
    return db
      .insertInto('messages')
      .columns(columns)
      .expression(select)
      .onConflict((conflict) => conflict.columns(['inbox_id', 'source_id']).doNothing())
      .returning(['id', 'inbox_id', 'source_id', 'conversation_id', 'content', 'content_type', 'content_attributes'])
      .execute();
  },

  async findBySource(db: Executor, inboxId: number, sourceId: string): Promise<Message | undefined> {
    return db
      .selectFrom('messages')
      .selectAll()
      .where('inbox_id', '=', inboxId)
      .where('source_id', '=', sourceId)
      .executeTakeFirst();
  },

  /** Which of these source ids (wamids) the inbox already has: one query for a batch of webhooks. */
  async storedSources(db: Executor, inboxId: number, sourceIds: string[]): Promise<string[]> {
    if (sourceIds.length === 0) return [];
    const rows = await db
      .selectFrom('messages')
      .select('source_id')
      .where('inbox_id', '=', inboxId)
      .where('source_id', '=', anyOf([...new Set(sourceIds)], 'text'))
      .execute();
    return rows.flatMap((row) => (row.source_id === null ? [] : [row.source_id]));
  },

  async insertAttachments(
    db: Executor,
    rows: Array<{
      accountId: number;
      messageId: number;
      fileType: FileType;
      externalMediaId: string | null;
      mimeType: string | null;
      fileName: string | null;
      sha256: string | null;
    }>,
  ) {
    if (rows.length === 0) return [];
    return db
      .insertInto('attachments')
      .values(
        rows.map((row) => ({
          account_id: row.accountId,
          message_id: row.messageId,
          file_type: row.fileType,
          external_media_id: row.externalMediaId,
          mime_type: row.mimeType,
          file_name: row.fileName,
          sha256: row.sha256,
          status: row.externalMediaId ? ('pending' as const) : ('failed' as const),
          error: row.externalMediaId ? null : 'WhatsApp não enviou o identificador da mídia',
        })),
      )
      .returningAll()
      .execute();
  },

  async findInConversation(db: Executor, conversationId: number, id: number): Promise<Message | undefined> {
    return db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('id', '=', id)
      .executeTakeFirst();
  },

  /** The message after this one in its media group (several files sent as one reply), if any. */
  async findNextInGroup(db: Executor, message: Message): Promise<Message | undefined> {
    const group = (message.content_attributes as { media_group?: { id?: unknown } }).media_group?.id;
    if (typeof group !== 'string') return undefined;
    return db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', message.conversation_id)
      .where('id', '>', message.id)
      .where(sql<string>`content_attributes->'media_group'->>'id'`, '=', group)
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
  },

  /** The newest message the contact sent in a conversation that WhatsApp knows by a wamid. */
  async latestIncoming(db: Executor, conversationId: number): Promise<Pick<Message, 'id'> | undefined> {
    return db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversationId)
      .where('message_type', '=', 0)
      .where('source_id', 'is not', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  /** Files an agent sent: already in storage, so ready from the start. */
  async insertOutgoingAttachments(
    db: Executor,
    rows: Array<{
      accountId: number;
      messageId: number;
      fileType: FileType;
      mimeType: string;
      fileName: string;
      size: number;
      sha256: string;
      storageKey: string;
    }>,
  ) {
    if (rows.length === 0) return [];
    return db
      .insertInto('attachments')
      .values(
        rows.map((row) => ({
          account_id: row.accountId,
          message_id: row.messageId,
          file_type: row.fileType,
          mime_type: row.mimeType,
          file_name: row.fileName,
          file_size: row.size,
          sha256: row.sha256,
          storage_key: row.storageKey,
          status: 'ready' as const,
        })),
      )
      .returningAll()
      .execute();
  },

  /** Moves a message's status forward only (monotonic in SQL, so concurrent updates cannot go back). */
  async advanceStatus(
    db: Executor,
    inboxId: number,
    sourceId: string,
    change: StatusChange,
  ): Promise<Message | undefined> {
    const rank = STATUS_RANK[change.status] ?? 0;
    return db
      .updateTable('messages')
      .set({
        status: change.status,
        status_at: change.at,
        error_code: change.errorCode ?? sql`error_code`,
        error_title: change.errorTitle ?? sql`error_title`,
        error_details: change.errorDetails ?? sql`error_details`,
        updated_at: sql`now()`,
      })
      .where('inbox_id', '=', inboxId)
      .where('source_id', '=', sourceId)
      .where('status', 'not in', ['failed', 'received'])
      .where(rankOfColumn, '<', rank)
      .returningAll()
      .executeTakeFirst();
  },

  async updateContent(
    db: Executor,
    id: number,
    values: { content?: string | null; contentAttributes: Record<string, unknown>; deleted?: boolean },
  ) {
    return db
      .updateTable('messages')
      .set({
        ...(values.content !== undefined ? { content: values.content } : {}),
        content_attributes: JSON.stringify(values.contentAttributes),
        ...(values.deleted ? { deleted_at: sql`now()` } : {}),
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** Keeps a status for a message not known yet, and drops the inbox's ones past PENDING_STATUS_RETENTION_DAYS. */
  async addPendingStatus(
    db: Executor,
    values: { inboxId: number; sourceId: string; change: StatusChange; payload: Record<string, unknown> },
  ) {
    await db
      .deleteFrom('pending_statuses')
      .where('inbox_id', '=', values.inboxId)
      .where('created_at', '<', sql<Date>`now() - make_interval(days => ${PENDING_STATUS_RETENTION_DAYS})`)
      .execute();
    await db
      .insertInto('pending_statuses')
      .values({
        inbox_id: values.inboxId,
        source_id: values.sourceId,
        status: values.change.status,
        status_at: values.change.at,
        payload: JSON.stringify({ ...values.payload, change: values.change }),
      })
      .execute();
  },

  /** Statuses that arrived before their message; removed as they are taken. */
  async takePendingStatuses(db: Executor, inboxId: number, sourceId: string): Promise<StatusChange[]> {
    const rows = await db
      .deleteFrom('pending_statuses')
      .where('inbox_id', '=', inboxId)
      .where('source_id', '=', sourceId)
      .returning(['payload'])
      .execute();
    return rows
      .map((row) => (row.payload as { change: StatusChange }).change)
      .map((change) => ({ ...change, at: new Date(change.at) }))
      .sort((a, b) => (STATUS_RANK[a.status] ?? 0) - (STATUS_RANK[b.status] ?? 0));
  },

  async setReaction(
    db: Executor,
    values: {
      accountId: number;
      inboxId: number;
      targetSourceId: string;
      reactorType: 'contact' | 'user';
      reactorId: number;
      emoji: string | null;
      at: Date;
    },
  ): Promise<void> {
    if (!values.emoji) {
      await db
        .deleteFrom('message_reactions')
        .where('inbox_id', '=', values.inboxId)
        .where('target_source_id', '=', values.targetSourceId)
        .where('reactor_type', '=', values.reactorType)
        .where('reactor_id', '=', values.reactorId)
        .execute();
      return;
    }
    await db
      .insertInto('message_reactions')
      .values({
        account_id: values.accountId,
        inbox_id: values.inboxId,
        target_source_id: values.targetSourceId,
        reactor_type: values.reactorType,
        reactor_id: values.reactorId,
        emoji: values.emoji,
        reacted_at: values.at,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['inbox_id', 'target_source_id', 'reactor_type', 'reactor_id'])
          .doUpdateSet({ emoji: values.emoji ?? '', reacted_at: values.at })
          .where('message_reactions.reacted_at', '<=', values.at),
      )
      .execute();
  },
};
