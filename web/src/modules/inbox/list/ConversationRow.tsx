import { formatListTime, toDate } from '../../../shared/format';
import { Link } from '../../../shared/router';
import type { Conversation } from '../inbox.api';
import { type InboxT, previewOf } from '../messages/message-kinds';

export const ROW_HEIGHT = 92;

/** Closed when the contact wrote before and the 24 hours since their last message have passed. */
export const windowClosed = (conversation: Conversation) =>
  !conversation.can_reply && conversation.window_closes_at !== null;

export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((word) => Array.from(word ?? '')[0]?.toUpperCase() ?? '').join('') || '?';
}

/** One conversation in the list: contact, last message, time, unread count, assignee, labels. */
export function ConversationRow({
  conversation,
  active,
  t,
  now,
}: {
  conversation: Conversation;
  active: boolean;
  t: InboxT;
  now?: Date;
}) {
  const contact = conversation.meta.sender;
  const time = toDate(conversation.last_activity_at);
  const assignee = conversation.meta.assignee;
  const unread = conversation.unread_count;
  return (
    <Link
      to={`/conversas/${conversation.id}`}
      className={`conv-row${unread > 0 ? ' conv-row-unread' : ''}`}
      aria-current={active ? 'true' : undefined}
      data-conversation-id={conversation.id}
    >
      <span className="avatar" aria-hidden="true">
        {initialsOf(contact.name || contact.phone_number || '?')}
      </span>
      <span className="conv-row-main">
        <span className="conv-row-top">
          <span className="conv-row-name">{contact.name || contact.phone_number}</span>
          {time && (
            <time className="conv-row-time" dateTime={time.toISOString()}>
              {formatListTime(time, now)}
            </time>
          )}
        </span>
        <span className="conv-row-preview">{previewOf(conversation.last_non_activity_message, t)}</span>
        <span className="conv-row-bottom">
          <span className="conv-row-assignee">{assignee ? assignee.available_name : t('list.unassigned')}</span>
          {windowClosed(conversation) && (
            <span className="chip chip-warning" title={t('list.windowClosedHint')}>
              {t('list.windowClosed')}
            </span>
          )}
          {conversation.labels.map((label) => (
            <span key={label} className="chip">
              {label}
            </span>
          ))}
          {unread > 0 && (
            <span className="unread-badge">
              <span aria-hidden="true">{unread}</span>
              <span className="visually-hidden">{t('list.unread', { count: unread })}</span>
            </span>
          )}
        </span>
      </span>
    </Link>
  );
}
