import type { Conversation, ConversationQuery } from '../inbox.api';

/** The server's order (last_activity_at DESC, id DESC): negative when `a` comes first. */
export function compareConversations(a: Conversation, b: Conversation): number {
  return b.last_activity_at - a.last_activity_at || b.id - a.id;
}

/** Whether a conversation belongs in the list the query shows (search text is the server's call). */
export function matchesQuery(conversation: Conversation, query: ConversationQuery, userId: number): boolean {
  if (query.status !== 'all' && conversation.status !== query.status) return false;
  if (query.assignee_type === 'me' && conversation.assignee_id !== userId) return false;
  if (query.assignee_type === 'unassigned' && conversation.assignee_id !== null) return false;
  if (query.inbox_id && conversation.inbox_id !== query.inbox_id) return false;
  if (query.team_id && conversation.team_id !== query.team_id) return false;
  if (query.labels?.length && !query.labels.some((label) => conversation.labels.includes(label))) return false;
  return true;
}

export interface ListItems {
  items: Conversation[];
  /** More pages on the server: a conversation sorting after the last loaded one waits for its page. */
  hasMore: boolean;
}

/**
 * Puts a fresh copy of a conversation where it belongs: replaced and moved to its place by
 * last_activity_at, added when it now matches, removed when it no longer does.
 */
export function upsertConversation(
  list: ListItems,
  conversation: Conversation,
  query: ConversationQuery,
  userId: number,
): Conversation[] {
  const without = list.items.filter((item) => item.id !== conversation.id);
  const present = without.length !== list.items.length;
  if (!matchesQuery(conversation, query, userId)) return present ? without : list.items;
  // With a search, only the server knows whether a new conversation matches its text.
  if (!present && query.q) return list.items;
  const index = without.findIndex((item) => compareConversations(conversation, item) < 0);
  if (index === -1) {
    return list.hasMore ? without : [...without, conversation];
  }
  return [...without.slice(0, index), conversation, ...without.slice(index)];
}

/** Appends a page, ignoring conversations already listed (they moved up while paging). */
export function appendPage(items: Conversation[], page: Conversation[]): Conversation[] {
  const seen = new Set(items.map((item) => item.id));
  return [...items, ...page.filter((item) => !seen.has(item.id))];
}
