import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import {
  type AssigneeSummary,
  serializeContact,
  serializeConversation,
  serializeMessage,
} from '../compat/chatwoot/serializers.js';
import type { Db } from '../db/client.js';
import type { Contact, Conversation, ConversationStatus, Database, Message } from '../db/schema.js';
import type { Clock } from '../shared/clock.js';
import type { InboxScope } from './inbox-access.js';
import { normalizeLabels } from './label-titles.js';

export const CONVERSATIONS_PER_PAGE = 25;
export const MESSAGES_PER_PAGE = 20;

export const CONVERSATION_SORTS = [
  'latest',
  'sort_on_created_at',
  'sort_on_priority',
  'sort_on_waiting_since',
  'last_activity_at_asc',
  'last_activity_at_desc',
  'created_at_asc',
  'created_at_desc',
  'priority_asc',
  'priority_desc',
  'waiting_since_asc',
  'waiting_since_desc',
] as const;
export type ConversationSort = (typeof CONVERSATION_SORTS)[number];

export interface ConversationFilters {
  status: ConversationStatus | 'all';
  assigneeType: 'me' | 'unassigned' | 'assigned' | 'all';
  inboxId?: number | undefined;
  teamId?: number | undefined;
  /** Conversations carrying any of these labels (Chatwoot's labels[]). */
  labels?: string[] | undefined;
  q?: string | undefined;
  sortBy?: ConversationSort | undefined;
  page: number;
  /** The inboxes the caller may see (null: all). */
  scope: InboxScope;
  /** Further conditions (POST /conversations/filter). */
  where?: ((eb: ExpressionBuilder<Database, 'conversations'>) => Expression<SqlBool>) | undefined;
}

const PRIORITY_RANK = sql<number>`CASE conversations.priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END`;

/** ORDER BY for each of Chatwoot's sort_by values (ties broken by id so pages never overlap). */
function orderFor(sort: ConversationSort) {
  switch (sort) {
    case 'sort_on_created_at':
    case 'created_at_asc':
      return sql`conversations.created_at ASC, conversations.id ASC`;
    case 'created_at_desc':
      return sql`conversations.created_at DESC, conversations.id DESC`;
    case 'sort_on_priority':
    case 'priority_desc':
      return sql`${PRIORITY_RANK} DESC, conversations.last_activity_at DESC, conversations.id DESC`;
    case 'priority_asc':
      return sql`${PRIORITY_RANK} ASC, conversations.last_activity_at DESC, conversations.id DESC`;
    case 'sort_on_waiting_since':
    case 'waiting_since_asc':
      return sql`conversations.waiting_since ASC NULLS LAST, conversations.id ASC`;
    case 'waiting_since_desc':
      return sql`conversations.waiting_since DESC NULLS LAST, conversations.id DESC`;
    case 'last_activity_at_asc':
      return sql`conversations.last_activity_at ASC, conversations.id ASC`;
    default:
      return sql`conversations.last_activity_at DESC, conversations.id DESC`;
  }
}

/** Builds Chatwoot-shaped views of conversations and messages with a fixed number of queries per page. */
export function createConversationViews(deps: { db: Db; clock: Clock }) {
  const { db } = deps;

  async function messageViews(accountId: number, messages: Message[], displayIds: Map<number, number>) {
    if (messages.length === 0) return [];
    const ids = messages.map((message) => message.id);
    const attachments = await db
      .selectFrom('attachments')
      .selectAll()
      .where('message_id', 'in', ids)
      .orderBy('id')
      .execute();
    const sources = messages.map((message) => message.source_id).filter((id): id is string => id !== null);
    const reactions = sources.length
      ? await db
          .selectFrom('message_reactions')
          .select(['inbox_id', 'target_source_id', 'emoji', 'reactor_type', 'reactor_id'])
          .where('account_id', '=', accountId)
          .where('target_source_id', 'in', sources)
          .execute()
      : [];
    const contactIds = [
      ...new Set(messages.filter((m) => m.sender_type === 'contact' && m.sender_id).map((m) => m.sender_id as number)),
    ];
    const userIds = [
      ...new Set(messages.filter((m) => m.sender_type === 'user' && m.sender_id).map((m) => m.sender_id as number)),
    ];
    const contacts = contactIds.length
      ? await db
          .selectFrom('contacts')
          .selectAll()
          .where('account_id', '=', accountId)
          .where('id', 'in', contactIds)
          .execute()
      : [];
    const users = userIds.length
      ? await db
          .selectFrom('users')
          .select(['id', 'name', 'display_name', 'email'])
          .where('id', 'in', userIds)
          .execute()
      : [];
    const contactById = new Map(contacts.map((contact) => [contact.id, contact]));
    const userById = new Map(users.map((user) => [user.id, user]));
    return messages.map((message) => {
      const sender =
        message.sender_type === 'contact' && message.sender_id
          ? { ...serializeContact(contactById.get(message.sender_id) as Contact), type: 'contact' }
          : message.sender_type === 'user' && message.sender_id && userById.has(message.sender_id)
            ? (() => {
                const user = userById.get(message.sender_id) as AssigneeSummary;
                return {
                  id: user.id,
                  name: user.name,
                  available_name: user.display_name ?? user.name,
                  type: 'user',
                  thumbnail: '',
                };
              })()
            : null;
      return serializeMessage(message, {
        displayId: displayIds.get(message.conversation_id) ?? 0,
        attachments: attachments.filter((attachment) => attachment.message_id === message.id),
        reactions: reactions
          .filter(
            (reaction) => reaction.inbox_id === message.inbox_id && reaction.target_source_id === message.source_id,
          )
          .map(({ emoji, reactor_type, reactor_id }) => ({ emoji, reactor_type, reactor_id })),
        sender,
      });
    });
  }

  async function conversationViews(accountId: number, conversations: Conversation[]) {
    if (conversations.length === 0) return [];
    const ids = conversations.map((conversation) => conversation.id);
    const contactIds = [...new Set(conversations.map((conversation) => conversation.contact_id))];
    const assigneeIds = [...new Set(conversations.map((c) => c.assignee_id).filter((id): id is number => id !== null))];
    const teamIds = [...new Set(conversations.map((c) => c.team_id).filter((id): id is number => id !== null))];
    const [contacts, assignees, lastMessages, unread, teams] = await Promise.all([
      db.selectFrom('contacts').selectAll().where('account_id', '=', accountId).where('id', 'in', contactIds).execute(),
      assigneeIds.length
        ? db
            .selectFrom('users')
            .select(['id', 'name', 'display_name', 'email'])
            .where('id', 'in', assigneeIds)
            .execute()
        : [],
      db
        .selectFrom('messages')
        .selectAll()
        .distinctOn('conversation_id')
        .where('conversation_id', 'in', ids)
        .where('message_type', 'in', [0, 1, 3])
        .where('private', '=', false)
        .orderBy('conversation_id')
        .orderBy('id', 'desc')
        .execute(),
      db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.conversation_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('messages.conversation_id', 'in', ids)
        .where('messages.message_type', '=', 0)
        .where((eb) =>
          eb.or([
            eb('conversations.agent_last_seen_at', 'is', null),
            eb('messages.sent_at', '>', eb.ref('conversations.agent_last_seen_at')),
          ]),
        )
        .groupBy('messages.conversation_id')
        .execute(),
      teamIds.length
        ? db
            .selectFrom('teams')
            .select(['id', 'name'])
            .where('account_id', '=', accountId)
            .where('id', 'in', teamIds)
            .execute()
        : [],
    ]);
    const displayIds = new Map(conversations.map((conversation) => [conversation.id, conversation.display_id]));
    const lastViews = await messageViews(accountId, lastMessages, displayIds);
    const now = deps.clock.now();
    return conversations.map((conversation) =>
      serializeConversation(conversation, {
        contact: contacts.find((contact) => contact.id === conversation.contact_id) as Contact,
        assignee: assignees.find((user) => user.id === conversation.assignee_id) ?? null,
        lastMessage: lastViews.find((view) => view.conversation_id === conversation.display_id) ?? null,
        unreadCount: Number(unread.find((row) => row.conversation_id === conversation.id)?.n ?? 0),
        labels: conversation.labels,
        team: teams.find((team) => team.id === conversation.team_id) ?? null,
        now,
      }),
    );
  }

  function filtered(accountId: number, filters: Omit<ConversationFilters, 'assigneeType' | 'page'>) {
    let query = db.selectFrom('conversations').where('conversations.account_id', '=', accountId);
    if (filters.scope !== null) {
      // An agent in no inbox sees nothing (an empty IN list is not valid SQL).
      query = query.where('conversations.inbox_id', 'in', filters.scope.length ? [...filters.scope] : [0]);
    }
    if (filters.labels?.length) {
      query = query.where(sql<SqlBool>`conversations.labels && ${normalizeLabels(filters.labels)}::text[]`);
    }
    if (filters.where) query = query.where(filters.where);
    if (filters.status !== 'all') query = query.where('conversations.status', '=', filters.status);
    if (filters.inboxId) query = query.where('conversations.inbox_id', '=', filters.inboxId);
    if (filters.teamId) query = query.where('conversations.team_id', '=', filters.teamId);
    const q = filters.q?.trim();
    if (q) {
      const digits = q.replace(/\D/g, '');
      query = query.where((eb) =>
        eb.or([
          eb.exists(
            eb
              .selectFrom('contacts')
              .select(sql`1`.as('one'))
              .whereRef('contacts.id', '=', 'conversations.contact_id')
              .where((inner) =>
                inner.or([
                  inner(sql`lower(contacts.name)`, 'like', `%${q.toLowerCase()}%`),
                  // Either form of a Brazilian mobile: the key drops the 9th digit.
                  ...(digits.length >= 8
                    ? [inner('contacts.phone_key', 'like', `%${digits.length >= 10 ? digits.slice(-8) : digits}%`)]
                    : []),
                ]),
              ),
          ),
          eb.exists(
            eb
              .selectFrom('messages')
              .select(sql`1`.as('one'))
              .whereRef('messages.conversation_id', '=', 'conversations.id')
              .where(sql`lower(messages.content)`, 'like', `%${q.toLowerCase()}%`),
          ),
        ]),
      );
    }
    return query;
  }

  return {
    messageViews,
    conversationViews,

    async list(accountId: number, userId: number, filters: ConversationFilters) {
      const base = filtered(accountId, filters);
      const counts = await base
        .select([
          sql<number>`count(*) FILTER (WHERE conversations.assignee_id = ${userId})`.as('mine'),
          sql<number>`count(*) FILTER (WHERE conversations.assignee_id IS NULL)`.as('unassigned'),
          sql<number>`count(*) FILTER (WHERE conversations.assignee_id IS NOT NULL)`.as('assigned'),
          sql<number>`count(*)`.as('all'),
        ])
        .executeTakeFirstOrThrow();
      let page = base.selectAll('conversations');
      if (filters.assigneeType === 'me') page = page.where('conversations.assignee_id', '=', userId);
      if (filters.assigneeType === 'unassigned') page = page.where('conversations.assignee_id', 'is', null);
      if (filters.assigneeType === 'assigned') page = page.where('conversations.assignee_id', 'is not', null);
      const rows = await page
        .orderBy(orderFor(filters.sortBy ?? 'latest'))
        .limit(CONVERSATIONS_PER_PAGE)
        .offset((filters.page - 1) * CONVERSATIONS_PER_PAGE)
        .execute();
      return {
        meta: {
          mine_count: Number(counts.mine),
          unassigned_count: Number(counts.unassigned),
          assigned_count: Number(counts.assigned),
          all_count: Number(counts.all),
        },
        payload: await conversationViews(accountId, rows),
      };
    },

    async findByDisplayId(accountId: number, displayId: number): Promise<Conversation | undefined> {
      // Agents' access to the conversation's inbox is checked by the route hook (InboxAccess.guardConversation).
      return db
        .selectFrom('conversations')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('display_id', '=', displayId)
        .executeTakeFirst();
    },

    /** A page of messages, oldest first: the newest ones, or those before/after a message id. */
    async messages(
      accountId: number,
      conversation: Conversation,
      options: { before?: number | undefined; after?: number | undefined },
    ) {
      let query = db
        .selectFrom('messages')
        .selectAll()
        .where('conversation_id', '=', conversation.id)
        .where('account_id', '=', accountId);
      if (options.after) {
        query = query.where('id', '>', options.after).orderBy('id', 'asc');
      } else {
        if (options.before) query = query.where('id', '<', options.before);
        query = query.orderBy('id', 'desc');
      }
      const rows = await query.limit(MESSAGES_PER_PAGE).execute();
      if (!options.after) rows.reverse();
      return messageViews(accountId, rows, new Map([[conversation.id, conversation.display_id]]));
    },
  };
}

export type ConversationViews = ReturnType<typeof createConversationViews>;
