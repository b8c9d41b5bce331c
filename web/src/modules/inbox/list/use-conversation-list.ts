import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import {
  type Conversation,
  type ConversationCounts,
  type ConversationQuery,
  getConversation,
  listConversations,
} from '../inbox.api';
import { appendPage, upsertConversation } from './list-state';

const PAGE_SIZE = 25;

export interface ConversationListState {
  items: Conversation[];
  counts: ConversationCounts | null;
  hasMore: boolean;
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  loadingMore: boolean;
}

const INITIAL: ConversationListState = {
  items: [],
  counts: null,
  hasMore: false,
  status: 'loading',
  error: null,
  loadingMore: false,
};

const messageOf = (error: unknown) => (error instanceof ApiError ? error.message : String(error));

/**
 * The conversations of the list for a query: the first page, more pages on demand, and single
 * conversations refreshed from realtime events and put back in their place.
 */
export function useConversationList(accountId: number, userId: number, query: ConversationQuery) {
  const [state, setState] = useState<ConversationListState>(INITIAL);
  const queryKey = JSON.stringify(query);
  const current = useRef({ query, page: 1, generation: 0 });
  const countsTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const loadFirst = useCallback(
    async (silent: boolean) => {
      const generation = ++current.current.generation;
      const activeQuery = current.current.query;
      if (!silent) setState((previous) => ({ ...previous, status: 'loading', error: null }));
      try {
        const data = await listConversations(accountId, { ...activeQuery, page: 1 });
        if (generation !== current.current.generation) return;
        current.current.page = 1;
        setState({
          items: data.payload,
          counts: data.meta,
          hasMore: data.payload.length >= PAGE_SIZE,
          status: 'ready',
          error: null,
          loadingMore: false,
        });
      } catch (error) {
        if (generation !== current.current.generation) return;
        setState((previous) => ({ ...previous, status: 'error', error: messageOf(error) }));
      }
    },
    [accountId],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: queryKey stands for the query's content
  useEffect(() => {
    current.current.query = query;
    void loadFirst(false);
  }, [queryKey, loadFirst]);

  const loadMore = useCallback(async () => {
    const generation = current.current.generation;
    const next = current.current.page + 1;
    setState((previous) => (previous.loadingMore ? previous : { ...previous, loadingMore: true }));
    try {
      const data = await listConversations(accountId, { ...current.current.query, page: next });
      if (generation !== current.current.generation) return;
      current.current.page = next;
      setState((previous) => ({
        ...previous,
        items: appendPage(previous.items, data.payload),
        counts: data.meta,
        hasMore: data.payload.length >= PAGE_SIZE,
        loadingMore: false,
      }));
    } catch (error) {
      if (generation !== current.current.generation) return;
      setState((previous) => ({ ...previous, loadingMore: false, error: messageOf(error) }));
    }
  }, [accountId]);

  /** Counts change with every event; fetched again at most once a second. */
  const refreshCounts = useCallback(() => {
    if (countsTimer.current) return;
    countsTimer.current = setTimeout(async () => {
      countsTimer.current = null;
      try {
        const data = await listConversations(accountId, { ...current.current.query, page: 1 });
        setState((previous) => ({ ...previous, counts: data.meta }));
      } catch {
        // the next event or resync tries again
      }
    }, 1000);
  }, [accountId]);

  useEffect(
    () => () => {
      if (countsTimer.current) clearTimeout(countsTimer.current);
    },
    [],
  );

  /** Fetches one conversation and upserts, reorders or removes it for the current filters. */
  const refreshConversation = useCallback(
    async (displayId: number) => {
      const generation = current.current.generation;
      let fresh: Conversation | null = null;
      try {
        fresh = await getConversation(accountId, displayId);
      } catch (error) {
        // Gone, or moved to an inbox this agent cannot see.
        if (!(error instanceof ApiError && (error.status === 404 || error.status === 403))) return;
      }
      if (generation !== current.current.generation) return;
      setState((previous) => ({
        ...previous,
        items: fresh
          ? upsertConversation(previous, fresh, current.current.query, userId)
          : previous.items.filter((item) => item.id !== displayId),
      }));
      refreshCounts();
    },
    [accountId, userId, refreshCounts],
  );

  /** Replaces a conversation the screen already fetched (after an action), without another request. */
  const putConversation = useCallback(
    (fresh: Conversation) => {
      setState((previous) => ({
        ...previous,
        items: upsertConversation(previous, fresh, current.current.query, userId),
      }));
      refreshCounts();
    },
    [userId, refreshCounts],
  );

  const reload = useCallback(() => loadFirst(true), [loadFirst]);

  return { ...state, loadMore, refreshConversation, putConversation, reload };
}
