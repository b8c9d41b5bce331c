import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../../../shared/api-client';
import type { PendingMessage } from '../composer/Composer';
import { listMessages, type Message } from '../inbox.api';

const PAGE = 20;

export interface MessagesState {
  messages: Message[];
  pending: PendingMessage[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  hasOlder: boolean;
  loadingOlder: boolean;
}

const EMPTY: MessagesState = {
  messages: [],
  pending: [],
  status: 'loading',
  error: null,
  hasOlder: false,
  loadingOlder: false,
};

/** Merges fresh copies into the loaded messages, kept in id order (the server's paging order). */
export function mergeMessages(current: Message[], fresh: Message[]): Message[] {
  if (fresh.length === 0) return current;
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of fresh) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

const messageOf = (error: unknown) => (error instanceof ApiError ? error.message : String(error));

/** The open conversation's messages: the newest page, older pages on demand, newer ones from events. */
export function useMessages(accountId: number, displayId: number) {
  const [state, setState] = useState<MessagesState>(EMPTY);
  const latest = useRef(state);
  latest.current = state;
  const opened = useRef(displayId);

  const load = useCallback(async () => {
    opened.current = displayId;
    setState(EMPTY);
    try {
      const page = await listMessages(accountId, displayId);
      if (opened.current !== displayId) return;
      setState({ ...EMPTY, messages: page.payload, status: 'ready', hasOlder: page.payload.length >= PAGE });
    } catch (error) {
      if (opened.current !== displayId) return;
      setState({ ...EMPTY, status: 'error', error: messageOf(error) });
    }
  }, [accountId, displayId]);

  useEffect(() => {
    void load();
  }, [load]);

  const loadOlder = useCallback(async () => {
    const { messages, loadingOlder, hasOlder } = latest.current;
    const first = messages[0];
    if (loadingOlder || !hasOlder || !first) return;
    setState((previous) => ({ ...previous, loadingOlder: true }));
    try {
      const page = await listMessages(accountId, displayId, { before: first.id });
      if (opened.current !== displayId) return;
      setState((previous) => ({
        ...previous,
        messages: mergeMessages(previous.messages, page.payload),
        hasOlder: page.payload.length >= PAGE,
        loadingOlder: false,
      }));
    } catch (error) {
      setState((previous) => ({ ...previous, loadingOlder: false, error: messageOf(error) }));
    }
  }, [accountId, displayId]);

  /** Fetches the messages after `afterId` (all pages) and merges them; returns what came. */
  const fetchAfter = useCallback(
    async (afterId: number): Promise<Message[]> => {
      const fetched: Message[] = [];
      let cursor = afterId;
      for (let round = 0; round < 10; round++) {
        const page = await listMessages(accountId, displayId, cursor > 0 ? { after: cursor } : {});
        fetched.push(...page.payload);
        const last = page.payload[page.payload.length - 1];
        if (page.payload.length < PAGE || !last || cursor <= 0) break;
        cursor = last.id;
      }
      if (opened.current !== displayId) return [];
      setState((previous) => ({ ...previous, messages: mergeMessages(previous.messages, fetched) }));
      return fetched;
    },
    [accountId, displayId],
  );

  /** New messages (message.created): everything after the newest loaded one. */
  const fetchNewer = useCallback(() => {
    const last = latest.current.messages[latest.current.messages.length - 1];
    return fetchAfter(last?.id ?? 0).catch(() => [] as Message[]);
  }, [fetchAfter]);

  /** A changed message (ticks, media downloaded, reaction, edit): fetched again from its id on. */
  const refetchMessage = useCallback(
    (messageId: number) => fetchAfter(messageId - 1).catch(() => [] as Message[]),
    [fetchAfter],
  );

  const isLoaded = useCallback((messageId: number) => latest.current.messages.some((m) => m.id === messageId), []);

  const putMessages = useCallback((fresh: Message[]) => {
    setState((previous) => ({ ...previous, messages: mergeMessages(previous.messages, fresh) }));
  }, []);

  const addPending = useCallback((pending: PendingMessage) => {
    // A retry may announce the same message again: replaced, not duplicated.
    setState((previous) => ({
      ...previous,
      pending: [...previous.pending.filter((item) => item.tempId !== pending.tempId), pending],
    }));
  }, []);

  const settlePending = useCallback(
    (tempId: string, result: { message: Message } | { error: string; retry: () => void }) => {
      setState((previous) => {
        if ('message' in result) {
          return {
            ...previous,
            pending: previous.pending.filter((item) => item.tempId !== tempId),
            messages: mergeMessages(previous.messages, [result.message]),
          };
        }
        return {
          ...previous,
          pending: previous.pending.map((item) =>
            item.tempId === tempId ? { ...item, error: result.error, retry: result.retry } : item,
          ),
        };
      });
    },
    [],
  );

  return {
    ...state,
    reload: load,
    loadOlder,
    fetchNewer,
    refetchMessage,
    isLoaded,
    putMessages,
    addPending,
    settlePending,
  };
}
