import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import { formatDateTime, toDate } from '../../../shared/format';
import { Link } from '../../../shared/router';
import { Composer } from '../composer/Composer';
import { ContactPanel } from '../contact/ContactPanel';
import {
  type Agent,
  assignConversation,
  type Conversation,
  getConversation,
  type Label,
  type Message,
  markSeen,
  markUnread,
  sendMessage,
  type Team,
  toggleStatus,
} from '../inbox.api';
import { useInboxEvents } from '../inbox-events';
import type { InboxT } from '../messages/message-kinds';
import { useShortcuts } from '../shortcuts';
import { ConversationActions } from './ConversationActions';
import { MessageList } from './MessageList';
import { useMessages } from './use-messages';

export interface ConversationViewProps {
  accountId: number;
  userId: number;
  /** Administrators also see what is reserved to them (the person's data export). */
  isAdmin: boolean;
  displayId: number;
  agents: Agent[];
  teams: Team[];
  labels: Label[];
  /** A fresh copy after an action or event, for the list. */
  onConversationChanged(conversation: Conversation): void;
  /** The conversation's contact was erased (with this conversation). */
  onContactDeleted(): void;
  onMarkedUnread(): void;
  onShowShortcuts(): void;
  t: InboxT;
}

const wideScreen = () => typeof window !== 'undefined' && window.matchMedia?.('(min-width: 1200px)').matches;
const visible = () => typeof document === 'undefined' || document.visibilityState === 'visible';

/** The open conversation: header with actions, messages, the composer and the contact panel. */
export function ConversationView(props: ConversationViewProps) {
  const { accountId, userId, displayId, t, onConversationChanged } = props;
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [retrying, setRetrying] = useState<ReadonlySet<number>>(new Set());
  const [contactOpen, setContactOpen] = useState(wideScreen);
  const messages = useMessages(accountId, displayId);

  const refresh = useCallback(async () => {
    try {
      const fresh = await getConversation(accountId, displayId);
      setConversation(fresh);
      setLoadError(null);
      onConversationChanged(fresh);
    } catch (error) {
      setLoadError(error instanceof ApiError ? error.message : t('common.error'));
    }
  }, [accountId, displayId, onConversationChanged, t]);

  useEffect(() => {
    setConversation(null);
    setReplyTo(null);
    setLoadError(null);
    void refresh();
    markSeen(accountId, displayId).catch(() => undefined);
  }, [accountId, displayId, refresh]);

  useInboxEvents((event) => {
    if (event.name === 'resync') {
      void refresh();
      void messages.fetchNewer();
      return;
    }
    if (!('data' in event)) return;
    const ours = event.displayId === displayId;
    if (event.name.startsWith('conversation.') && ours) void refresh();
    if (event.name === 'message.created' && ours) {
      void messages.fetchNewer().then((fresh) => {
        if (fresh.some((message) => message.message_type === 0)) {
          void refresh();
          if (visible()) markSeen(accountId, displayId).catch(() => undefined);
        }
      });
    }
    if (event.name === 'message.updated' && event.targetId !== undefined) {
      if (ours || messages.isLoaded(event.targetId)) void messages.refetchMessage(event.targetId);
    }
  });

  const retry = async (message: Message) => {
    setRetrying((previous) => new Set(previous).add(message.id));
    try {
      const attributes = message.content_attributes as { in_reply_to?: number };
      const sent = await sendMessage(accountId, displayId, {
        content: message.content ?? '',
        ...(attributes.in_reply_to ? { content_attributes: { in_reply_to: attributes.in_reply_to } } : {}),
      });
      messages.putMessages([sent]);
    } catch (error) {
      setLoadError(error instanceof ApiError ? error.message : t('common.error'));
    } finally {
      setRetrying((previous) => {
        const next = new Set(previous);
        next.delete(message.id);
        return next;
      });
    }
  };

  const act = (action: () => Promise<unknown>) => action().then(refresh, () => undefined);
  useShortcuts({
    r: conversation
      ? () =>
          act(() =>
            toggleStatus(accountId, displayId, { status: conversation.status === 'resolved' ? 'open' : 'resolved' }),
          )
      : undefined,
    a: conversation ? () => act(() => assignConversation(accountId, displayId, { assignee_id: userId })) : undefined,
    u: () => markUnread(accountId, displayId).then(props.onMarkedUnread, () => undefined),
  });

  if (!conversation) {
    return (
      <section className="conv-view conv-view-empty">
        {loadError ? (
          <div role="alert" className="list-state">
            <p>{loadError}</p>
            <Link to="/conversas">{t('view.back')}</Link>
          </div>
        ) : (
          <p className="list-state" role="status">
            {t('view.loading')}
          </p>
        )}
      </section>
    );
  }

  const contact = conversation.meta.sender;
  const snoozed = toDate(conversation.snoozed_until);
  return (
    <div className={`conv-layout${contactOpen ? ' conv-layout-contact' : ''}`}>
      <section className="conv-view" aria-label={contact.name || contact.phone_number || ''}>
        <header className="conv-header">
          <Link to="/conversas" className="conv-back" aria-label={t('view.back')}>
            ←
          </Link>
          <div className="conv-title">
            <h2>{contact.name || contact.phone_number}</h2>
            <p className="muted">
              {contact.phone_number && <span>{contact.phone_number} · </span>}
              <span className={`status-chip status-${conversation.status}`}>{t(`status.${conversation.status}`)}</span>
              {snoozed && conversation.status === 'snoozed' && (
                <span> · {t('view.snoozedUntil', { when: formatDateTime(snoozed) })}</span>
              )}
              <span> · {conversation.meta.assignee?.available_name ?? t('list.unassigned')}</span>
            </p>
          </div>
          <button
            type="button"
            className="secondary contact-toggle"
            aria-expanded={contactOpen}
            onClick={() => setContactOpen((open) => !open)}
          >
            {contactOpen ? t('contact.hide') : t('contact.show')}
          </button>
        </header>
        <ConversationActions
          accountId={accountId}
          userId={userId}
          conversation={conversation}
          agents={props.agents}
          teams={props.teams}
          labels={props.labels}
          onChanged={refresh}
          onMarkedUnread={props.onMarkedUnread}
          onShowShortcuts={props.onShowShortcuts}
          t={t}
        />
        {loadError && (
          <p className="form-error conv-error" role="alert">
            {loadError}
          </p>
        )}
        {messages.status === 'loading' ? (
          <p className="list-state msg-scroller" role="status">
            {t('view.loading')}
          </p>
        ) : messages.status === 'error' ? (
          <div className="list-state msg-scroller" role="alert">
            <p>{messages.error}</p>
            <button type="button" className="secondary" onClick={() => messages.reload()}>
              {t('msg.retry')}
            </button>
          </div>
        ) : (
          <MessageList
            messages={messages.messages}
            pending={messages.pending}
            hasOlder={messages.hasOlder}
            loadingOlder={messages.loadingOlder}
            onLoadOlder={messages.loadOlder}
            onReply={setReplyTo}
            onRetry={retry}
            retrying={retrying}
            t={t}
          />
        )}
        <Composer
          accountId={accountId}
          conversation={conversation}
          replyTo={replyTo}
          onCancelReply={() => setReplyTo(null)}
          onPending={(pending) => {
            messages.addPending(pending);
            setReplyTo(null);
          }}
          onSettled={messages.settlePending}
        />
      </section>
      {contactOpen && (
        <ContactPanel
          key={contact.id}
          accountId={accountId}
          conversation={conversation}
          isAdmin={props.isAdmin}
          onClose={() => setContactOpen(false)}
          onContactDeleted={props.onContactDeleted}
          t={t}
        />
      )}
    </div>
  );
}
