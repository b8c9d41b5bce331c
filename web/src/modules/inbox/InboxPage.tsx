import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n, useModuleMessages } from '../../shared/i18n';
import { useAccountEvents } from '../../shared/realtime';
import { matchPath, navigate } from '../../shared/router';
import type { AccountSummary, CurrentUser } from '../auth/auth.api';
import { ConversationView } from './conversation/ConversationView';
import {
  type Agent,
  type ConversationQuery,
  type InboxSummary,
  type Label,
  listAgents,
  listInboxes,
  listLabels,
  listTeams,
  type Team,
} from './inbox.api';
import { inboxMessages } from './inbox.messages';
import { createEventResolver, type InboxEventListener, type InboxEvents, InboxEventsContext } from './inbox-events';
import { ConversationList } from './list/ConversationList';
import { useConversationList } from './list/use-conversation-list';
import { ShortcutsDialog, useShortcuts } from './shortcuts';
import './inbox.css';

const LIST_EVENTS = new Set([
  'conversation.created',
  'conversation.updated',
  'conversation.status_changed',
  'message.created',
]);

interface Directory {
  inboxes: InboxSummary[] | null;
  teams: Team[];
  labels: Label[];
  agents: Agent[];
}

/** The attendants' inbox: conversation list, the open conversation and the contact panel. */
export function InboxPage({
  user,
  account,
  pathname,
}: {
  user: CurrentUser;
  account: AccountSummary;
  pathname: string;
}) {
  const t = useModuleMessages(inboxMessages);
  const shared = useI18n();
  const displayId = Number(matchPath('/conversas/:id', pathname)?.id) || null;
  const [query, setQuery] = useState<ConversationQuery>({ status: 'open', assignee_type: 'me' });
  const [directory, setDirectory] = useState<Directory>({ inboxes: null, teams: [], labels: [], agents: [] });
  const [helpOpen, setHelpOpen] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);
  const list = useConversationList(account.id, user.id, query);

  useEffect(() => {
    // The filters and actions work without these; a failure only hides their options.
    const quiet = <T,>(promise: Promise<T>, fallback: T) => promise.catch(() => fallback);
    void Promise.all([
      quiet(listInboxes(account.id), [] as InboxSummary[]),
      quiet(listTeams(account.id), [] as Team[]),
      quiet(listLabels(account.id), [] as Label[]),
      quiet(listAgents(account.id), [] as Agent[]),
    ]).then(([inboxes, teams, labels, agents]) => setDirectory({ inboxes, teams, labels, agents }));
  }, [account.id]);

  // One stream for the page; the list and the open conversation listen to it.
  const listeners = useRef(new Set<InboxEventListener>());
  const events = useMemo<InboxEvents>(
    () => ({
      subscribe(listener) {
        listeners.current.add(listener);
        return () => listeners.current.delete(listener);
      },
    }),
    [],
  );
  const resolve = useMemo(createEventResolver, []);
  const streamStatus = useAccountEvents(
    account.id,
    (raw) => {
      const event = resolve(raw);
      if (LIST_EVENTS.has(event.name) && event.displayId !== undefined) void list.refreshConversation(event.displayId);
      for (const listener of listeners.current) listener(event);
    },
    () => {
      void list.reload();
      for (const listener of listeners.current) listener({ name: 'resync' });
    },
  );

  const move = (step: 1 | -1) => {
    const index = list.items.findIndex((item) => item.id === displayId);
    const next = list.items[index === -1 ? (step === 1 ? 0 : list.items.length - 1) : index + step];
    if (next) navigate(`/conversas/${next.id}`);
  };
  useShortcuts({
    j: () => move(1),
    k: () => move(-1),
    '/': () => searchRef.current?.focus(),
    '?': () => setHelpOpen(true),
  });

  const onConversationChanged = list.putConversation;
  const onMarkedUnread = useCallback(() => navigate('/conversas'), []);
  const { reload } = list;
  const onContactDeleted = useCallback(() => {
    navigate('/conversas');
    void reload();
  }, [reload]);
  const noInboxes = directory.inboxes !== null && directory.inboxes.length === 0;

  return (
    <InboxEventsContext.Provider value={events}>
      <div className={`inbox${displayId ? ' inbox-has-conversation' : ''}`}>
        {streamStatus === 'reconnecting' && (
          <p className="reconnect-banner" role="status">
            {shared.t('realtime.reconnecting')}
          </p>
        )}
        {noInboxes ? (
          <section className="inbox-list inbox-no-inboxes">
            <p className="list-state">{t('list.noInboxes')}</p>
          </section>
        ) : (
          <ConversationList
            list={list}
            query={query}
            onQueryChange={setQuery}
            activeId={displayId}
            inboxes={directory.inboxes ?? []}
            teams={directory.teams}
            labels={directory.labels}
            searchRef={searchRef}
            t={t}
          />
        )}
        {displayId ? (
          <ConversationView
            key={displayId}
            accountId={account.id}
            userId={user.id}
            isAdmin={account.role === 'administrator'}
            displayId={displayId}
            agents={directory.agents}
            teams={directory.teams}
            labels={directory.labels}
            onConversationChanged={onConversationChanged}
            onMarkedUnread={onMarkedUnread}
            onContactDeleted={onContactDeleted}
            onShowShortcuts={() => setHelpOpen(true)}
            t={t}
          />
        ) : (
          <section className="conv-view conv-view-empty">
            <p className="list-state">{noInboxes ? t('list.noInboxes') : t('view.choose')}</p>
          </section>
        )}
        {helpOpen && <ShortcutsDialog t={t} onClose={() => setHelpOpen(false)} />}
      </div>
    </InboxEventsContext.Provider>
  );
}
