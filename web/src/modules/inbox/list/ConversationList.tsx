import { type RefObject, useEffect, useState } from 'react';
import type { ConversationQuery, InboxSummary, Label, Team } from '../inbox.api';
import type { InboxT } from '../messages/message-kinds';
import { ConversationRow, ROW_HEIGHT } from './ConversationRow';
import type { ConversationListState } from './use-conversation-list';
import { VirtualList } from './VirtualList';

const TABS = [
  { value: 'me', label: 'list.tab.mine', count: 'mine_count' },
  { value: 'unassigned', label: 'list.tab.unassigned', count: 'unassigned_count' },
  { value: 'all', label: 'list.tab.all', count: 'all_count' },
] as const;

const STATUSES = ['open', 'pending', 'resolved', 'snoozed', 'all'] as const;

export interface ConversationListProps {
  list: ConversationListState & { loadMore(): void; reload(): void };
  query: ConversationQuery;
  onQueryChange(query: ConversationQuery): void;
  activeId: number | null;
  inboxes: InboxSummary[];
  teams: Team[];
  labels: Label[];
  searchRef: RefObject<HTMLInputElement | null>;
  t: InboxT;
}

/** The left column: assignment tabs with counts, filters, search and the (windowed) conversation list. */
export function ConversationList({
  list,
  query,
  onQueryChange,
  activeId,
  inboxes,
  teams,
  labels,
  searchRef,
  t,
}: ConversationListProps) {
  const [search, setSearch] = useState(query.q ?? '');

  // Server-side search, debounced: one request after the attendant stops typing.
  useEffect(() => {
    const q = search.trim();
    if (q === (query.q ?? '')) return;
    const timer = setTimeout(() => onQueryChange({ ...query, q: q || undefined }), 300);
    return () => clearTimeout(timer);
  }, [search, query, onQueryChange]);

  const activeIndex = list.items.findIndex((item) => item.id === activeId);
  const set = (patch: Partial<ConversationQuery>) => onQueryChange({ ...query, ...patch });

  let body: React.ReactNode;
  if (list.status === 'loading' && list.items.length === 0) {
    body = (
      <p className="list-state" role="status">
        {t('list.loading')}
      </p>
    );
  } else if (list.status === 'error') {
    body = (
      <div className="list-state" role="alert">
        <p>{list.error}</p>
        <button type="button" className="secondary" onClick={() => list.reload()}>
          {t('msg.retry')}
        </button>
      </div>
    );
  } else if (list.items.length === 0) {
    body = <p className="list-state">{query.q ? t('list.emptySearch', { q: query.q }) : t('list.empty')}</p>;
  } else {
    body = (
      <VirtualList
        count={list.items.length}
        rowHeight={ROW_HEIGHT}
        label={t('list.title')}
        activeIndex={activeIndex}
        rowKey={(index) => list.items[index]?.id ?? index}
        renderRow={(index) => {
          const conversation = list.items[index];
          return conversation ? (
            <ConversationRow conversation={conversation} active={conversation.id === activeId} t={t} />
          ) : null;
        }}
        onEndReached={() => {
          if (list.hasMore && !list.loadingMore) list.loadMore();
        }}
        footer={
          list.hasMore ? (
            <div className="list-more">
              <button type="button" className="secondary" disabled={list.loadingMore} onClick={() => list.loadMore()}>
                {list.loadingMore ? t('list.loading') : t('list.loadMore')}
              </button>
            </div>
          ) : null
        }
      />
    );
  }

  return (
    <section className="inbox-list" aria-label={t('list.title')}>
      <div className="inbox-list-head">
        <div className="tabs" role="tablist" aria-label={t('list.tabs')}>
          {TABS.map((tab) => (
            <button
              key={tab.value}
              type="button"
              role="tab"
              aria-selected={query.assignee_type === tab.value}
              className="tab"
              onClick={() => set({ assignee_type: tab.value })}
            >
              {t(tab.label)}
              <span className="tab-count">{list.counts ? list.counts[tab.count] : '·'}</span>
            </button>
          ))}
        </div>
        <label className="list-search">
          <span className="visually-hidden">{t('list.search')}</span>
          <input
            ref={searchRef}
            type="search"
            aria-label={t('list.search')}
            placeholder={t('list.searchPlaceholder')}
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </label>
        <div className="list-filters">
          <label>
            <span className="visually-hidden">{t('list.filter.status')}</span>
            <select
              aria-label={t('list.filter.status')}
              value={query.status}
              onChange={(event) => set({ status: event.target.value as ConversationQuery['status'] })}
            >
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`list.status.${status}`)}
                </option>
              ))}
            </select>
          </label>
          {inboxes.length > 1 && (
            <select
              aria-label={t('list.filter.inbox')}
              value={query.inbox_id ?? ''}
              onChange={(event) => set({ inbox_id: Number(event.target.value) || undefined })}
            >
              <option value="">{t('list.filter.anyInbox')}</option>
              {inboxes.map((inbox) => (
                <option key={inbox.id} value={inbox.id}>
                  {inbox.name}
                </option>
              ))}
            </select>
          )}
          {teams.length > 0 && (
            <select
              aria-label={t('list.filter.team')}
              value={query.team_id ?? ''}
              onChange={(event) => set({ team_id: Number(event.target.value) || undefined })}
            >
              <option value="">
                {t('list.filter.team')}: {t('list.filter.any')}
              </option>
              {teams.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          )}
          {labels.length > 0 && (
            <select
              aria-label={t('list.filter.label')}
              value={query.labels?.[0] ?? ''}
              onChange={(event) => set({ labels: event.target.value ? [event.target.value] : undefined })}
            >
              <option value="">
                {t('list.filter.label')}: {t('list.filter.any')}
              </option>
              {labels.map((label) => (
                <option key={label.id} value={label.title}>
                  {label.title}
                </option>
              ))}
            </select>
          )}
        </div>
      </div>
      {body}
    </section>
  );
}
